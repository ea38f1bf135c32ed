import CorbiCore
import Foundation
import Testing
@testable import CorbiMessaging

@Suite("Instagram webhook parser")
struct InstagramWebhookParserTests {
    let parser = InstagramWebhookParser()

    static func body(_ messaging: String...) -> String {
        #"{"object":"instagram","entry":[{"id":"17841405822304914","time":1767225601000,"messaging":["# + messaging.joined(separator: ",") + "]}]}"
    }

    static let text = #"{"sender":{"id":"1254459154682919"},"recipient":{"id":"17841405822304914"},"timestamp":1767225600123,"message":{"mid":"aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx","text":"Haben Sie morgen Zeit?"}}"#

    @Test("a text message: scoped id as sender, mid, text, millisecond timestamp, our account as recipient")
    func text() throws {
        let events = try parser.parse(bytes(Self.body(Self.text)))
        guard events.count == 1, case .message(let message) = events[0] else {
            Issue.record("not one message: \(events)")
            return
        }
        #expect(message.channel == .instagram)
        #expect(message.sender == "1254459154682919")
        #expect(message.recipients == ["17841405822304914"])
        #expect(message.providerMessageId == "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx")
        #expect(message.text == "Haben Sie morgen Zeit?")
        #expect(message.timestamp == Date(timeIntervalSince1970: 1_767_225_600.123))
        #expect(message.raw == JSONValue.parse(Self.text))
    }

    @Test("attachments give the first payload URL and type; a reply names the mid answered")
    func attachments() throws {
        let item = #"{"sender":{"id":"1254459154682919"},"recipient":{"id":"17841405822304914"},"timestamp":1767225600000,"message":{"mid":"m2","attachments":[{"type":"image","payload":{"url":"https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1&signature=x"}},{"type":"image","payload":{"url":"https://lookaside.fbsbx.com/2"}}],"reply_to":{"mid":"m1"}}}"#
        let events = try parser.parse(bytes(Self.body(item)))
        guard case .message(let message)? = events.first else {
            Issue.record("not a message")
            return
        }
        #expect(message.media == ReceivedMedia(kind: "image", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1&signature=x"))
        #expect(message.text == nil)
        #expect(message.replyTo == "m1")
    }

    @Test("echoes of our own messages are ignored; read and delivery receipts are statuses")
    func echoesAndReceipts() throws {
        let echo = #"{"sender":{"id":"17841405822304914"},"recipient":{"id":"1254459154682919"},"timestamp":1767225600000,"message":{"mid":"ours","text":"Bis morgen","is_echo":true}}"#
        let read = #"{"sender":{"id":"1254459154682919"},"recipient":{"id":"17841405822304914"},"timestamp":1767225700000,"read":{"mid":"ours"}}"#
        let delivery = #"{"sender":{"id":"1254459154682919"},"recipient":{"id":"17841405822304914"},"timestamp":1767225650000,"delivery":{"mids":["ours","ours2"],"watermark":1767225650000}}"#
        let reaction = #"{"sender":{"id":"1254459154682919"},"recipient":{"id":"17841405822304914"},"timestamp":1767225600000,"reaction":{"mid":"ours","action":"react","reaction":"love","emoji":"❤️"}}"#
        let events = try parser.parse(bytes(Self.body(echo, read, delivery, reaction)))
        #expect(events.count == 5)
        guard case .ignored(let ignoredEcho) = events[0], case .status(let readStatus) = events[1],
            case .status(let delivered) = events[2], case .status(let delivered2) = events[3], case .ignored(let ignoredReaction) = events[4]
        else {
            Issue.record("unexpected events \(events)")
            return
        }
        #expect(ignoredEcho.reason == "echo of our own message")
        #expect(readStatus == DeliveryStatusUpdate(
            channel: .instagram, providerMessageId: "ours", status: .read, recipient: "1254459154682919",
            timestamp: Date(timeIntervalSince1970: 1_767_225_700), raw: JSONValue.parse(read)))
        #expect([delivered.providerMessageId, delivered2.providerMessageId] == ["ours", "ours2"])
        #expect(delivered.status == .delivered)
        #expect(ignoredReaction.reason == "event reaction")
    }

    @Test("several entries are all read; one bad entry refuses the request")
    func batch() throws {
        let two = #"{"object":"instagram","entry":[{"id":"1","time":1,"messaging":["# + Self.text + #"]},{"id":"1","time":1,"messaging":["# + Self.text.replacingOccurrences(of: "aWdfZ", with: "other") + "]}]}"
        #expect(try parser.parse(bytes(two)).count == 2)
        let bad = #"{"object":"instagram","entry":[{"id":"1","time":1,"messaging":["# + Self.text + #"]},{"id":"1","time":1,"messaging":[{"sender":{},"recipient":{"id":"1"},"message":{"mid":"x","text":"y"}}]}]}"#
        #expect(throws: WebhookPayloadError.unexpectedShape(path: "entry[1].messaging[0].sender", reason: "id must be a non-empty id without control characters")) {
            try parser.parse(bytes(bad))
        }
    }

    @Test("entries without messaging (comments and other fields) are ignored")
    func otherFields() throws {
        let comments = #"{"object":"instagram","entry":[{"id":"1","time":1,"changes":[{"field":"comments","value":{"id":"c","text":"nice"}}]}]}"#
        let events = try parser.parse(bytes(comments))
        guard case .ignored(let part)? = events.first else {
            Issue.record("not ignored")
            return
        }
        #expect(part.reason == "entry without messaging")
    }

    @Test("bodies that are not Instagram's shape throw", arguments: [
        #"{"object":"whatsapp_business_account","entry":[]}"#, #"{"object":"instagram"}"#,
        #"{"object":"instagram","entry":[{"messaging":{}}]}"#,
        #"{"object":"instagram","entry":[{"messaging":[{"sender":{"id":"1"},"recipient":{"id":"2"},"message":{"text":"no mid"}}]}]}"#,
        #"{"object":"instagram","entry":[{"messaging":[{"sender":{"id":"1"},"recipient":{"id":"2"},"message":{"mid":"m","text":5}}]}]}"#,
        "{",
    ])
    func wrongShapes(body: String) {
        #expect(throws: WebhookPayloadError.self) { try parser.parse(bytes(body)) }
    }
}
