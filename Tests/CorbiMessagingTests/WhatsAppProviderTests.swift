import CorbiCore
import Foundation
import Testing
@testable import CorbiMessaging

@Suite("WhatsApp Cloud API provider")
struct WhatsAppProviderTests {
    static let token = "EAAG-secret-token-123"

    func provider(_ fake: FakeProvider, timeout: TimeInterval = 5) -> WhatsAppProvider {
        WhatsAppProvider(
            phoneNumberId: "106540352242922", accessToken: Self.token, baseURL: fake.baseURL.appendingPathComponent("v21.0"),
            transport: HTTPTransport(timeout: timeout))
    }

    static let accepted = FakeProvider.Reply.json(200, """
        {"messaging_product":"whatsapp","contacts":[{"input":"+491512345678","wa_id":"491512345678"}],\
        "messages":[{"id":"wamid.HBgLNDkxNTEyMzQ1Njc4FQIAERgSQzVGRkU2","message_status":"accepted"}]}
        """)

    func template(_ parameters: [TemplateParameter]) -> OutgoingMessage {
        OutgoingMessage(
            channel: .whatsapp, recipient: "+491512345678",
            content: .template(OutgoingTemplate(
                name: "appointment_reminder", languageCode: "de", parameters: parameters, renderedText: "Hallo Zoë")),
            traceId: "trace-1")
    }

    @Test("a positional template is posted as Meta documents it and accepted with the wamid")
    func positionalTemplate() async throws {
        try await FakeProvider.with({ _ in Self.accepted }) { fake in
            let outcome = await provider(fake).send(template([.positional("Zoë"), .positional("Dienstag, 9:30")]))
            #expect(outcome == .accepted(SendReceipt(providerMessageId: "wamid.HBgLNDkxNTEyMzQ1Njc4FQIAERgSQzVGRkU2", providerStatus: "accepted")))
            let request = try #require(fake.requests.first)
            #expect(fake.requests.count == 1)
            #expect(request.method == "POST")
            #expect(request.path == "/v21.0/106540352242922/messages")
            #expect(request.headers["authorization"] == "Bearer \(Self.token)")
            #expect(request.headers["content-type"] == "application/json")
            let expected: JSONValue = [
                "messaging_product": "whatsapp", "recipient_type": "individual", "to": "491512345678", "type": "template",
                "template": [
                    "name": "appointment_reminder", "language": ["code": "de"],
                    "components": [["type": "body", "parameters": [
                        ["type": "text", "text": "Zoë"], ["type": "text", "text": "Dienstag, 9:30"],
                    ]]],
                ],
            ]
            #expect(request.json == expected)
        }
    }

    @Test("named placeholders carry parameter_name, in the template's order")
    func namedTemplate() async throws {
        try await FakeProvider.with({ _ in Self.accepted }) { fake in
            let parameters = try TemplateParameter.list(
                placeholders: ["first_name", "time"], values: ["time": "9:30", "first_name": "Zoë", "unused": "x"])
            _ = await provider(fake).send(template(parameters))
            let body = try #require(fake.requests.first).json
            let expected: JSONValue = [
                ["type": "text", "text": "Zoë", "parameter_name": "first_name"],
                ["type": "text", "text": "9:30", "parameter_name": "time"],
            ]
            guard case .object(let root) = body, case .object(let template)? = root["template"],
                case .array(let components)? = template["components"], case .object(let bodyComponent)? = components.first
            else {
                Issue.record("no template components in \(body)")
                return
            }
            #expect(bodyComponent["type"] == "body")
            #expect(bodyComponent["parameters"] == expected)
        }
    }

    @Test("a template without placeholders is sent without components")
    func templateWithoutParameters() async throws {
        try await FakeProvider.with({ _ in Self.accepted }) { fake in
            _ = await provider(fake).send(template([]))
            let expected: JSONValue = [
                "messaging_product": "whatsapp", "recipient_type": "individual", "to": "491512345678", "type": "template",
                "template": ["name": "appointment_reminder", "language": ["code": "de"]],
            ]
            let request = try #require(fake.requests.first)
            #expect(request.json == expected)
        }
    }

    @Test("free text is a text message; a media URL becomes an image or a document by link with the text as caption")
    func textAndMedia() async throws {
        try await FakeProvider.with({ _ in Self.accepted }) { fake in
            let p = provider(fake)
            var message = OutgoingMessage(channel: .whatsapp, recipient: "+491512345678", content: .text("Bis morgen!"), traceId: "t")
            _ = await p.send(message)
            message.mediaURL = "https://cdn.example.com/x-ray.JPG"
            _ = await p.send(message)
            message.mediaURL = "https://cdn.example.com/invoice.pdf"
            _ = await p.send(message)
            message.content = .template(OutgoingTemplate(name: "invoice", languageCode: "en_US", parameters: [.positional("42")], renderedText: "x"))
            _ = await p.send(message)
            let bodies = fake.requests.map(\.json)
            let base: [String: JSONValue] = ["messaging_product": "whatsapp", "recipient_type": "individual", "to": "491512345678"]
            #expect(bodies.count == 4)
            #expect(bodies[0] == .object(base.merging(["type": "text", "text": ["body": "Bis morgen!"]]) { a, _ in a }))
            #expect(bodies[1] == .object(base.merging([
                "type": "image", "image": ["link": "https://cdn.example.com/x-ray.JPG", "caption": "Bis morgen!"],
            ]) { a, _ in a }))
            #expect(bodies[2] == .object(base.merging([
                "type": "document", "document": ["link": "https://cdn.example.com/invoice.pdf", "caption": "Bis morgen!"],
            ]) { a, _ in a }))
            #expect(bodies[3] == .object(base.merging([
                "type": "template",
                "template": [
                    "name": "invoice", "language": ["code": "en_US"],
                    "components": [
                        ["type": "header", "parameters": [["type": "document", "document": ["link": "https://cdn.example.com/invoice.pdf"]]]],
                        ["type": "body", "parameters": [["type": "text", "text": "42"]]],
                    ],
                ],
            ]) { a, _ in a }))
        }
    }

    @Test("a 429 with Meta's throughput error is temporary and keeps Retry-After")
    func rateLimited() async throws {
        let reply = FakeProvider.Reply.json(429, """
            {"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,\
            "error_data":{"messaging_product":"whatsapp","details":"Cloud API message throughput has been reached."},"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}
            """, headers: ["Retry-After": "30"])
        try await FakeProvider.with({ _ in reply }) { fake in
            let outcome = await provider(fake).send(template([]))
            let failure = try #require(outcome.failure)
            #expect(outcome.isTemporary)
            #expect(failure.code == "130429")
            #expect(failure.retryAfter == 30)
            #expect(failure.message.contains("throughput"))
        }
    }

    @Test("Meta's rate-limit codes are temporary even on HTTP 400", arguments: [4, 80007, 130429, 131048, 131056, 131000, 133004])
    func rateLimitCodesOn400(code: Int) async throws {
        let reply = FakeProvider.Reply.json(400, #"{"error":{"message":"(#\#(code)) limit","type":"OAuthException","code":\#(code)}}"#)
        try await FakeProvider.with({ _ in reply }) { fake in
            let outcome = await provider(fake).send(template([]))
            #expect(outcome.isTemporary)
            #expect(outcome.failure?.code == String(code))
        }
    }

    @Test("a closed 24-hour window (131047), a bad recipient and an expired token are permanent",
          arguments: [(131047, 400), (131026, 400), (100, 400), (131009, 400), (190, 401), (132001, 404)])
    func permanentErrors(code: Int, status: Int) async throws {
        let reply = FakeProvider.Reply.json(status, """
            {"error":{"message":"(#\(code)) Re-engagement message","type":"OAuthException","code":\(code),"error_subcode":2494010,\
            "error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},\
            "fbtrace_id":"AbCdEf"}}
            """)
        try await FakeProvider.with({ _ in reply }) { fake in
            let outcome = await provider(fake).send(template([]))
            let failure = try #require(outcome.failure)
            #expect(outcome.isPermanent)
            #expect(failure.code == String(code))
            #expect(failure.message.contains("Re-engagement message (subcode 2494010): Message failed to send because more than 24 hours"))
        }
    }

    @Test("an error Meta marks is_transient is temporary")
    func transientFlag() async throws {
        let reply = FakeProvider.Reply.json(400, #"{"error":{"message":"Please retry","code":9999,"is_transient":true}}"#)
        try await FakeProvider.with({ _ in reply }) { fake in
            #expect(await provider(fake).send(template([])).isTemporary)
        }
    }

    @Test("a 500 without a body is temporary; a 400 without one permanent")
    func plainStatuses() async throws {
        try await FakeProvider.with({ request in
            request.body.contains(Array("first".utf8)) ? FakeProvider.Reply(status: 500) : FakeProvider.Reply(status: 400)
        }) { fake in
            let p = provider(fake)
            let first = await p.send(OutgoingMessage(channel: .whatsapp, recipient: "+491512345678", content: .text("first"), traceId: "t"))
            let second = await p.send(OutgoingMessage(channel: .whatsapp, recipient: "+491512345678", content: .text("second"), traceId: "t"))
            #expect(first == .temporary(ProviderFailure(code: "http-500", message: "the provider answered HTTP 500")))
            #expect(second.isPermanent)
            #expect(second.failure?.code == "http-400")
        }
    }

    @Test("a redirect is never followed: the other host sees nothing and the outcome is permanent")
    func redirectNotFollowed() async throws {
        try await FakeProvider.with({ _ in Self.accepted }) { elsewhere in
            let location = elsewhere.baseURL.appendingPathComponent("steal").absoluteString
            try await FakeProvider.with({ _ in FakeProvider.Reply(status: 307, headers: ["Location": location]) }) { fake in
                let outcome = await provider(fake).send(template([]))
                #expect(outcome.isPermanent)
                #expect(outcome.failure?.code == "redirect")
                #expect(fake.requests.count == 1)
                #expect(elsewhere.requests.isEmpty)
            }
        }
    }

    @Test("a provider that never answers times out as a temporary failure within the timeout")
    func timeout() async throws {
        try await FakeProvider.with({ _ in .silence }) { fake in
            let started = Date()
            let outcome = await provider(fake, timeout: 0.5).send(template([]))
            #expect(outcome.isTemporary)
            #expect(outcome.failure?.code == "timeout")
            // At least the timeout (Foundation alone would give up at once on Linux); an
            // upper bound would only measure how loaded the machine is: without a timeout the
            // fake answers after 30 s with a success, which the checks above refuse.
            #expect(Date().timeIntervalSince(started) >= 0.45)
            #expect(!outcome.allText.contains(Self.token))
        }
    }

    @Test("a refused connection is temporary and names no secret")
    func connectionRefused() async throws {
        let port = try FakeProvider.closedPort()
        let p = WhatsAppProvider(
            phoneNumberId: "1065", accessToken: Self.token, baseURL: URL(string: "http://127.0.0.1:\(port)/v21.0")!,
            transport: HTTPTransport(timeout: 2))
        let outcome = await p.send(template([]))
        #expect(outcome.isTemporary)
        #expect(outcome.failure?.code == "connection-refused")
        #expect(!outcome.allText.contains(Self.token))
    }

    @Test("an unresolvable host is temporary")
    func unknownHost() async throws {
        let p = WhatsAppProvider(
            phoneNumberId: "1065", accessToken: Self.token, baseURL: URL(string: "http://no-such-host.invalid/v21.0")!,
            transport: HTTPTransport(timeout: 5))
        let outcome = await p.send(template([]))
        #expect(outcome.isTemporary)
        #expect(["host-not-found", "connection-refused", "network"].contains(outcome.failure?.code ?? ""))
    }

    @Test("recipients that are not E.164 and bad configuration are refused before any request",
          arguments: ["015112345678", "491512345678", "+49 151", "+4915123456789012", ""])
    func refusedRecipients(recipient: String) async throws {
        try await FakeProvider.with({ _ in Self.accepted }) { fake in
            var message = template([])
            message.recipient = recipient
            let outcome = await provider(fake).send(message)
            #expect(outcome.failure?.code == "invalid-recipient")
            #expect(fake.requests.isEmpty)
        }
    }

    @Test("configuration errors, a wrong channel and non-https media are permanent and send nothing")
    func refusedBeforeSending() async throws {
        try await FakeProvider.with({ _ in Self.accepted }) { fake in
            let transport = HTTPTransport(timeout: 2)
            let base = fake.baseURL
            let badId = WhatsAppProvider(phoneNumberId: "../../other", accessToken: Self.token, baseURL: base, transport: transport)
            #expect(await badId.send(template([])).failure?.code == "configuration")
            let badToken = WhatsAppProvider(phoneNumberId: "1065", accessToken: "tok\r\nX-Evil: 1", baseURL: base, transport: transport)
            #expect(await badToken.send(template([])).failure?.code == "configuration")
            var email = template([])
            email.channel = .email
            #expect(await provider(fake).send(email).failure?.code == "wrong-channel")
            var media = template([])
            media.mediaURL = "http://cdn.example.com/a.jpg"
            #expect(await provider(fake).send(media).failure?.code == "invalid-media-url")
            media.mediaURL = "file:///etc/passwd"
            #expect(await provider(fake).send(media).failure?.code == "invalid-media-url")
            #expect(fake.requests.isEmpty)
        }
    }

    @Test("a 2xx without a message id is permanent: it may have been sent, so no retry sends it twice")
    func unreadableSuccess() async throws {
        try await FakeProvider.with({ _ in .json(200, #"{"messages":[]}"#) }) { fake in
            let outcome = await provider(fake).send(template([]))
            #expect(outcome.isPermanent)
            #expect(outcome.failure?.code == "unreadable-reply")
        }
    }

    @Test("hostile error text is cleaned of control characters, cut short, and the token is scrubbed")
    func hostileErrorText() async throws {
        let evil = "\\u001b[31mred\\u0000 \(Self.token) " + String(repeating: "x", count: 5000)
        try await FakeProvider.with({ _ in .json(400, #"{"error":{"message":"\#(evil)","code":131009}}"#) }) { fake in
            let outcome = await provider(fake).send(template([]))
            let failure = try #require(outcome.failure)
            #expect(isPrintable(failure.message))
            #expect(failure.message.count <= 301)
            #expect(!outcome.allText.contains(Self.token))
            #expect(failure.message.contains("[redacted]"))
        }
    }

    @Test("the provider's description never shows the token")
    func noTokenInDescription() {
        let p = WhatsAppProvider(phoneNumberId: "1065", accessToken: Self.token, transport: HTTPTransport())
        #expect(!String(describing: p).contains(Self.token))
        #expect(!String(reflecting: p).contains(Self.token))
        var dumped = ""
        dump(p, to: &dumped)
        #expect(!dumped.contains(Self.token))
    }
}
