import CorbiCore
import Foundation
import Testing
@testable import CorbiMessaging

@Suite("Telegram update parser")
struct TelegramUpdateParserTests {
    let parser = TelegramUpdateParser()

    static let textUpdate = """
        {"update_id":727411592,
         "message":{"message_id":1365,
           "from":{"id":123456789,"is_bot":false,"first_name":"Zoë","last_name":"Müller","username":"zoe_m","language_code":"de"},
           "chat":{"id":123456789,"first_name":"Zoë","last_name":"Müller","username":"zoe_m","type":"private"},
           "date":1767225600,"text":"Kann ich den Termin verschieben?"}}
        """

    func message(_ body: String) throws -> ReceivedMessage {
        let events = try parser.parse(bytes(body))
        guard events.count == 1, case .message(let message) = events[0] else {
            throw FakeProviderError.notStarted
        }
        return message
    }

    @Test("a text message: chat id as sender, names, CHAT_ID:MESSAGE_ID, update_id, date")
    func text() throws {
        let message = try message(Self.textUpdate)
        #expect(message.channel == .telegram)
        #expect(message.sender == "123456789")
        #expect(message.senderName == "Zoë Müller")
        #expect(message.senderUsername == "zoe_m")
        #expect(message.providerMessageId == "123456789:1365")
        #expect(message.updateId == 727411592)
        #expect(message.text == "Kann ich den Termin verschieben?")
        #expect(message.timestamp == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(message.isEdit == false)
        #expect(message.raw == JSONValue.parse(Self.textUpdate))
    }

    @Test("an edited message is marked as an edit, with the same provider id")
    func edited() throws {
        let body = """
            {"update_id":727411593,"edited_message":{"message_id":1365,"from":{"id":123456789,"is_bot":false,"first_name":"Zoë"},\
            "chat":{"id":123456789,"type":"private"},"date":1767225600,"edit_date":1767225700,"text":"Kann ich den Termin am Freitag verschieben?"}}
            """
        let message = try message(body)
        #expect(message.isEdit)
        #expect(message.providerMessageId == "123456789:1365")
        #expect(message.senderName == "Zoë")
        #expect(message.timestamp == Date(timeIntervalSince1970: 1_767_225_700))
    }

    @Test("a photo gives the largest size's file_id and its caption; a document its file_id, name and type")
    func media() throws {
        let photo = """
            {"update_id":1,"message":{"message_id":7,"from":{"id":5,"is_bot":false,"first_name":"A"},"chat":{"id":5,"type":"private"},"date":1,\
            "photo":[{"file_id":"small","file_unique_id":"s","file_size":1200,"width":90,"height":67},\
            {"file_id":"large","file_unique_id":"l","file_size":98000,"width":1280,"height":960},\
            {"file_id":"medium","file_unique_id":"m","file_size":20000,"width":320,"height":240}],"caption":"Mein Zahn"}}
            """
        let withPhoto = try message(photo)
        #expect(withPhoto.media == ReceivedMedia(kind: "image", id: "large", mimeType: "image/jpeg"))
        #expect(withPhoto.text == "Mein Zahn")
        let document = """
            {"update_id":2,"message":{"message_id":8,"from":{"id":5,"is_bot":false,"first_name":"A"},"chat":{"id":5,"type":"private"},"date":1,\
            "document":{"file_name":"Befund.pdf","mime_type":"application/pdf","file_id":"BQACAgIAAxkBAAIB","file_unique_id":"u","file_size":1234}}}
            """
        let withDocument = try message(document)
        #expect(withDocument.media == ReceivedMedia(kind: "document", id: "BQACAgIAAxkBAAIB", mimeType: "application/pdf", fileName: "Befund.pdf"))
        #expect(withDocument.text == nil)
    }

    @Test("a group chat's negative id is the sender; a reply names the message answered")
    func groupReply() throws {
        let body = """
            {"update_id":3,"message":{"message_id":12,"from":{"id":5,"is_bot":false,"first_name":"A"},"chat":{"id":-1001234567890,"title":"Team","type":"supergroup"},\
            "date":1,"text":"ok","reply_to_message":{"message_id":11,"chat":{"id":-1001234567890,"type":"supergroup"},"date":1,"text":"Termin?"}}}
            """
        let message = try message(body)
        #expect(message.sender == "-1001234567890")
        #expect(message.providerMessageId == "-1001234567890:12")
        #expect(message.replyTo == "-1001234567890:11")
    }

    @Test("other update kinds and service messages are ignored")
    func ignored() throws {
        let callback = #"{"update_id":4,"callback_query":{"id":"1","from":{"id":5,"is_bot":false,"first_name":"A"},"data":"x"}}"#
        let service = #"{"update_id":5,"message":{"message_id":1,"chat":{"id":5,"type":"private"},"date":1,"new_chat_title":"x"}}"#
        let events = try parser.parse(bytes(callback)) + parser.parse(bytes(service))
        let reasons = events.compactMap { if case .ignored(let part) = $0 { part.reason } else { nil } }
        #expect(reasons == ["update kind callback_query", "message without text or media"])
    }

    @Test("an array of updates or a getUpdates answer gives one event per update")
    func replays() throws {
        let array = "[" + Self.textUpdate + "," + Self.textUpdate.replacingOccurrences(of: "727411592", with: "727411599") + "]"
        #expect(try parser.parse(bytes(array)).count == 2)
        let answer = #"{"ok":true,"result":["# + Self.textUpdate + "]}"
        #expect(try parser.parse(bytes(answer)).count == 1)
    }

    @Test("updates without update_id, message_id or chat.id throw", arguments: [
        #"{"message":{"message_id":1,"chat":{"id":5},"text":"x"}}"#,
        #"{"update_id":1,"message":{"chat":{"id":5},"text":"x"}}"#,
        #"{"update_id":1,"message":{"message_id":1,"chat":{},"text":"x"}}"#,
        #"{"update_id":1,"message":{"message_id":1,"chat":{"id":"5"},"text":"x"}}"#,
        #"{"update_id":1,"message":{"message_id":1,"chat":{"id":0},"text":"x"}}"#,
        #"{"update_id":"1","message":{"message_id":1,"chat":{"id":5},"text":"x"}}"#,
        #"[{"update_id":1,"message":{"message_id":1,"chat":{"id":5},"text":"x"}}, 3]"#,
        "\"text\"", "",
    ])
    func wrongShapes(body: String) {
        #expect(throws: WebhookPayloadError.self) { try parser.parse(bytes(body)) }
    }
}
