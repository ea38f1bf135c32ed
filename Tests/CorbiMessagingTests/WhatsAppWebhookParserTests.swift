import CorbiCore
import Foundation
import Testing
@testable import CorbiMessaging

@Suite("WhatsApp webhook parser")
struct WhatsAppWebhookParserTests {
    let parser = WhatsAppWebhookParser()

    /// Meta's documented text-message notification.
    static let textMessage = """
        {
          "object": "whatsapp_business_account",
          "entry": [
            {
              "id": "102290129340398",
              "changes": [
                {
                  "value": {
                    "messaging_product": "whatsapp",
                    "metadata": { "display_phone_number": "15550783881", "phone_number_id": "106540352242922" },
                    "contacts": [ { "profile": { "name": "Sheena Nelson" }, "wa_id": "16505551234" } ],
                    "messages": [
                      {
                        "from": "16505551234",
                        "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
                        "timestamp": "1749416383",
                        "type": "text",
                        "text": { "body": "Does it come in another color?" }
                      }
                    ]
                  },
                  "field": "messages"
                }
              ]
            }
          ]
        }
        """

    static func value(_ inner: String) -> String {
        """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{\
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"4930901820","phone_number_id":"106540352242922"},\(inner)}}]}]}
        """
    }

    func messages(_ body: String) throws -> [ReceivedMessage] {
        try parser.parse(bytes(body)).compactMap { if case .message(let m) = $0 { m } else { nil } }
    }

    @Test("Meta's text message: sender +E.164, profile name, wamid, text, time, our phone number id")
    func documentedText() throws {
        let events = try parser.parse(bytes(Self.textMessage))
        #expect(events.count == 1)
        guard case .message(let message)? = events.first else {
            Issue.record("not a message: \(events)")
            return
        }
        #expect(message.channel == .whatsapp)
        #expect(message.sender == "+16505551234")
        #expect(message.senderName == "Sheena Nelson")
        #expect(message.providerMessageId == "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=")
        #expect(message.text == "Does it come in another color?")
        #expect(message.timestamp == Date(timeIntervalSince1970: 1_749_416_383))
        #expect(message.recipients == ["106540352242922"])
        let raw: JSONValue = [
            "messaging_product": "whatsapp",
            "metadata": ["display_phone_number": "15550783881", "phone_number_id": "106540352242922"],
            "contacts": [["profile": ["name": "Sheena Nelson"], "wa_id": "16505551234"]],
            "messages": [[
                "from": "16505551234", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
                "timestamp": "1749416383", "type": "text", "text": ["body": "Does it come in another color?"],
            ]],
        ]
        #expect(message.raw == raw)
    }

    @Test("bare international digits are read as international, never as a national number",
          arguments: [("491512345678", "+491512345678"), ("4930901820", "+4930901820"), ("393331234567", "+393331234567"),
                      ("447700900123", "+447700900123"), ("99912345678", "+99912345678")])
    func internationalDigits(from: String, expected: String) throws {
        let body = Self.value(#""contacts":[{"profile":{"name":"Zoë"},"wa_id":"\#(from)"}],"messages":[{"from":"\#(from)","id":"wamid.1","timestamp":"1767225600","type":"text","text":{"body":"Hallo"}}]"#)
        let message = try #require(try messages(body).first)
        #expect(message.sender == expected)
        #expect(message.senderName == "Zoë")
    }

    @Test("media messages carry the media id, kind and mime type; a caption is the text")
    func media() throws {
        let body = Self.value("""
            "messages":[
            {"from":"491512345678","id":"wamid.img","timestamp":"1767225600","type":"image",\
            "image":{"caption":"Mein Zahn","mime_type":"image/jpeg","sha256":"HgYz","id":"1003383421387256"}},
            {"from":"491512345678","id":"wamid.doc","timestamp":"1767225601","type":"document",\
            "document":{"filename":"Befund.pdf","mime_type":"application/pdf","sha256":"abc","id":"2003"}},
            {"from":"491512345678","id":"wamid.voice","timestamp":"1767225602","type":"audio",\
            "audio":{"mime_type":"audio/ogg; codecs=opus","sha256":"x","id":"3003","voice":true}},
            {"from":"491512345678","id":"wamid.loc","timestamp":"1767225603","type":"location",\
            "location":{"latitude":52.520008,"longitude":13.404954,"name":"Praxis","address":"Unter den Linden 1, Berlin"}}
            ]
            """)
        let received = try messages(body)
        #expect(received.count == 4)
        #expect(received[0].media == ReceivedMedia(kind: "image", id: "1003383421387256", mimeType: "image/jpeg"))
        #expect(received[0].text == "Mein Zahn")
        #expect(received[1].media == ReceivedMedia(kind: "document", id: "2003", mimeType: "application/pdf", fileName: "Befund.pdf"))
        #expect(received[1].text == nil)
        #expect(received[2].media?.kind == "audio")
        #expect(received[2].media?.mimeType == "audio/ogg; codecs=opus")
        #expect(received[3].location == ReceivedLocation(latitude: 52.520008, longitude: 13.404954, name: "Praxis", address: "Unter den Linden 1, Berlin"))
    }

    @Test("button and list replies read as their titles; the context is the message answered")
    func interactive() throws {
        let body = Self.value("""
            "messages":[
            {"context":{"from":"4930901820","id":"wamid.ours"},"from":"491512345678","id":"wamid.b","timestamp":"1767225600",\
            "type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"confirm","title":"Bestätigen"}}},
            {"from":"491512345678","id":"wamid.l","timestamp":"1767225600","type":"interactive",\
            "interactive":{"type":"list_reply","list_reply":{"id":"slot-2","title":"Dienstag 9:30","description":"Dr. Weber"}}},
            {"context":{"from":"4930901820","id":"wamid.tpl"},"from":"491512345678","id":"wamid.q","timestamp":"1767225600",\
            "type":"button","button":{"payload":"STOP","text":"Stop promotions"}}
            ]
            """)
        let received = try messages(body)
        #expect(received.map(\.text) == ["Bestätigen", "Dienstag 9:30", "Stop promotions"])
        #expect(received.map(\.replyTo) == ["wamid.ours", nil, "wamid.tpl"])
    }

    @Test("reactions, unsupported types and other webhook fields are ignored and kept raw")
    func ignored() throws {
        let reaction = Self.value(#""messages":[{"from":"491512345678","id":"wamid.r","timestamp":"1767225600","type":"reaction","reaction":{"message_id":"wamid.ours","emoji":"👍"}}]"#)
        let events = try parser.parse(bytes(reaction))
        guard case .ignored(let part)? = events.first else {
            Issue.record("not ignored: \(events)")
            return
        }
        #expect(part.reason == "message type reaction")
        let other = #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":5,"message_template_name":"x","message_template_language":"de"}}]}]}"#
        let otherEvents = try parser.parse(bytes(other))
        guard case .ignored(let template)? = otherEvents.first else {
            Issue.record("not ignored: \(otherEvents)")
            return
        }
        #expect(template.reason == "webhook field message_template_status_update")
        #expect(template.raw == ["field": "message_template_status_update", "value": ["event": "APPROVED", "message_template_id": 5, "message_template_name": "x", "message_template_language": "de"]])
    }

    @Test("statuses sent, delivered, read and failed with Meta's errors[]")
    func statuses() throws {
        let body = Self.value("""
            "statuses":[
            {"id":"wamid.a","status":"sent","timestamp":"1767225600","recipient_id":"491512345678",\
            "conversation":{"id":"c1","expiration_timestamp":"1767312000","origin":{"type":"utility"}},\
            "pricing":{"billable":true,"pricing_model":"PMP","category":"utility"}},
            {"id":"wamid.a","status":"delivered","timestamp":"1767225605","recipient_id":"491512345678"},
            {"id":"wamid.a","status":"read","timestamp":"1767225610","recipient_id":"491512345678"},
            {"id":"wamid.b","status":"failed","timestamp":"1767225611","recipient_id":"491512345678",\
            "errors":[{"code":131047,"title":"Re-engagement message","message":"Re-engagement message",\
            "error_data":{"details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},\
            "href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]},
            {"id":"wamid.c","status":"deleted","timestamp":"1767225612","recipient_id":"491512345678"}
            ]
            """)
        let events = try parser.parse(bytes(body))
        let statuses = events.compactMap { if case .status(let s) = $0 { s } else { nil } }
        #expect(statuses.map(\.status) == [.sent, .delivered, .read, .failed])
        #expect(statuses.map(\.providerMessageId) == ["wamid.a", "wamid.a", "wamid.a", "wamid.b"])
        #expect(statuses[0].recipient == "+491512345678")
        #expect(statuses[2].timestamp == Date(timeIntervalSince1970: 1_767_225_610))
        #expect(statuses[3].errorCode == "131047")
        #expect(statuses[3].errorMessage == "Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.")
        guard case .ignored(let deleted)? = events.last else {
            Issue.record("unknown status not ignored")
            return
        }
        #expect(deleted.reason == "status deleted")
        // Each status keeps its own narrowed value.
        guard case .object(let raw) = statuses[1].raw, case .array(let one)? = raw["statuses"] else {
            Issue.record("raw is not a narrowed value")
            return
        }
        #expect(one.count == 1)
    }

    @Test("several entries in one request are all returned, in order")
    func batch() throws {
        let entry = { (id: String, text: String) in
            #"{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},"messages":[{"from":"491512345678","id":"\#(id)","timestamp":"1767225600","type":"text","text":{"body":"\#(text)"}}]}}]}"#
        }
        let body = #"{"object":"whatsapp_business_account","entry":["# + entry("wamid.1", "eins") + "," + entry("wamid.2", "zwei") + "]}"
        #expect(try messages(body).map(\.text) == ["eins", "zwei"])
    }

    @Test("one bad entry refuses the whole request, naming where")
    func batchWithBadEntry() throws {
        let good = #"{"id":"1","changes":[{"field":"messages","value":{"messages":[{"from":"491512345678","id":"wamid.1","timestamp":"1","type":"text","text":{"body":"ok"}}]}}]}"#
        let bad = #"{"id":"2","changes":[{"field":"messages","value":{"messages":[{"id":"wamid.2","timestamp":"1","type":"text","text":{"body":"no sender"}}]}}]}"#
        let body = #"{"object":"whatsapp_business_account","entry":["# + good + "," + bad + "]}"
        #expect(throws: WebhookPayloadError.unexpectedShape(
            path: "entry[1].changes[0].value.messages[0]", reason: "from must be a non-empty id without control characters")) {
            try parser.parse(bytes(body))
        }
    }

    @Test("a sender that is not international digits is a shape error, not a guess", arguments: ["0151 2345678", "+49abc", "12", "4915123456789012345"])
    func badSender(from: String) {
        let body = Self.value(#""messages":[{"from":"\#(from)","id":"wamid.1","timestamp":"1","type":"text","text":{"body":"x"}}]"#)
        #expect(throws: WebhookPayloadError.self) { try parser.parse(bytes(body)) }
    }

    @Test("bodies that are not WhatsApp's shape throw typed errors", arguments: [
        "", "not json", "[1,2]", "{}", #"{"object":"page","entry":[]}"#, #"{"entry":{}}"#, #"{"entry":[{"changes":[{"value":[]}]}]}"#,
        #"{"entry":[{"changes":[{"field":"messages","value":{"messages":{}}}]}]}"#,
        #"{"entry":[{"changes":[{"value":{"messages":[{"from":"491512345678","id":"w","type":"text","text":{}}]}}]}]}"#,
        #"{"entry":[{"changes":[{"value":{"statuses":[{"id":"w"}]}}]}]}"#,
    ])
    func wrongShapes(body: String) {
        #expect(throws: WebhookPayloadError.self) { try parser.parse(bytes(body)) }
    }

    @Test("hostile text is kept as data: control characters, NUL, bidi overrides, huge emoji runs")
    func hostileText() throws {
        let evil = "STOP\\u0000\\u001b[2J\\u202e\\r\\nBcc: x" + String(repeating: "🦷", count: 2000)
        let body = Self.value(#""messages":[{"from":"491512345678","id":"wamid.1","timestamp":"1","type":"text","text":{"body":"\#(evil)"}}]"#)
        let message = try #require(try messages(body).first)
        #expect(message.text == "STOP\u{0}\u{1b}[2J\u{202e}\r\nBcc: x" + String(repeating: "🦷", count: 2000))
        #expect(OptOutKeyword.recognize(message.text ?? "") == nil)
    }

    @Test("ids with control characters are refused, so they never reach a log or a key")
    func hostileIds() {
        let body = Self.value(#""messages":[{"from":"491512345678","id":"wamid.\u001b[31m","timestamp":"1","type":"text","text":{"body":"x"}}]"#)
        #expect(throws: WebhookPayloadError.self) { try parser.parse(bytes(body)) }
    }
}
