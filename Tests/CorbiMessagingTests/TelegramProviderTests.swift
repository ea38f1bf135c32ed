import CorbiCore
import Foundation
import Testing
@testable import CorbiMessaging

@Suite("Telegram Bot API provider")
struct TelegramProviderTests {
    static let token = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

    func provider(_ fake: FakeProvider, timeout: TimeInterval = 5) -> TelegramProvider {
        TelegramProvider(botToken: Self.token, baseURL: fake.baseURL, transport: HTTPTransport(timeout: timeout))
    }

    func message(_ text: String = "Ihr Termin ist morgen um 9:30.", media: String? = nil, chat: String = "123456789") -> OutgoingMessage {
        OutgoingMessage(channel: .telegram, recipient: chat, content: .text(text), mediaURL: media, traceId: "t-1")
    }

    static func ok(_ messageId: Int = 42, chat: Int64 = 123456789) -> FakeProvider.Reply {
        .json(200, """
            {"ok":true,"result":{"message_id":\(messageId),"from":{"id":110201543,"is_bot":true,"first_name":"Clinic","username":"clinic_bot"},\
            "chat":{"id":\(chat),"first_name":"Zoë","type":"private"},"date":1767225600,"text":"Ihr Termin"}}
            """)
    }

    @Test("sendMessage posts chat_id and text to /bot<token>/sendMessage; the id is CHAT_ID:MESSAGE_ID")
    func sendMessage() async throws {
        try await FakeProvider.with({ _ in Self.ok() }) { fake in
            let outcome = await provider(fake).send(message())
            #expect(outcome == .accepted(SendReceipt(providerMessageId: "123456789:42", providerStatus: "sent")))
            let request = try #require(fake.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/bot\(Self.token)/sendMessage")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["authorization"] == nil)
            #expect(request.json == ["chat_id": 123456789, "text": "Ihr Termin ist morgen um 9:30."])
        }
    }

    @Test("a group chat id (negative) is sent as a number")
    func groupChat() async throws {
        try await FakeProvider.with({ _ in Self.ok(7, chat: -1001234567890) }) { fake in
            let outcome = await provider(fake).send(message(chat: "-1001234567890"))
            #expect(outcome.receipt?.providerMessageId == "-1001234567890:7")
            let request = try #require(fake.requests.first)
            #expect(request.json == ["chat_id": -1001234567890, "text": "Ihr Termin ist morgen um 9:30."])
        }
    }

    @Test("an image URL goes through sendPhoto, a file through sendDocument, the text as caption")
    func media() async throws {
        try await FakeProvider.with({ _ in Self.ok() }) { fake in
            let p = provider(fake)
            _ = await p.send(message("Ihr Röntgenbild", media: "https://cdn.example.com/x.png"))
            _ = await p.send(message("Rechnung", media: "https://cdn.example.com/r.pdf"))
            _ = await p.send(message("", media: "https://cdn.example.com/r.pdf"))
            let requests = fake.requests
            #expect(requests.map(\.path) == ["/bot\(Self.token)/sendPhoto", "/bot\(Self.token)/sendDocument", "/bot\(Self.token)/sendDocument"])
            #expect(requests[0].json == ["chat_id": 123456789, "photo": "https://cdn.example.com/x.png", "caption": "Ihr Röntgenbild"])
            #expect(requests[1].json == ["chat_id": 123456789, "document": "https://cdn.example.com/r.pdf", "caption": "Rechnung"])
            #expect(requests[2].json == ["chat_id": 123456789, "document": "https://cdn.example.com/r.pdf"])
        }
    }

    @Test("text longer than a caption may be is sent as a message with the link")
    func longCaption() async throws {
        try await FakeProvider.with({ _ in Self.ok() }) { fake in
            let long = String(repeating: "a", count: 1100)
            _ = await provider(fake).send(message(long, media: "https://cdn.example.com/x.png"))
            let request = try #require(fake.requests.first)
            #expect(request.path.hasSuffix("/sendMessage"))
            #expect(request.json == ["chat_id": 123456789, "text": .string(long + "\nhttps://cdn.example.com/x.png")])
        }
    }

    @Test("429 with parameters.retry_after is temporary with that delay")
    func retryAfter() async throws {
        let reply = FakeProvider.Reply.json(429, #"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17","parameters":{"retry_after":17}}"#)
        try await FakeProvider.with({ _ in reply }) { fake in
            let outcome = await provider(fake).send(message())
            #expect(outcome == .temporary(ProviderFailure(code: "429", message: "Too Many Requests: retry after 17", retryAfter: 17)))
        }
    }

    @Test("a blocked bot (403) and a bad chat (400) are permanent with Telegram's description")
    func permanent() async throws {
        try await FakeProvider.with({ request in
            request.json == ["chat_id": 1, "text": "x"]
                ? .json(400, #"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#)
                : .json(403, #"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#)
        }) { fake in
            let blocked = await provider(fake).send(message())
            #expect(blocked == .permanent(ProviderFailure(code: "403", message: "Forbidden: bot was blocked by the user")))
            let missing = await provider(fake).send(message("x", chat: "1"))
            #expect(missing == .permanent(ProviderFailure(code: "400", message: "Bad Request: chat not found")))
        }
    }

    @Test("5xx is temporary")
    func serverError() async throws {
        try await FakeProvider.with({ _ in .json(502, #"{"ok":false,"error_code":502,"description":"Bad Gateway"}"#) }) { fake in
            let outcome = await provider(fake).send(message())
            #expect(outcome.isTemporary)
            #expect(outcome.failure?.code == "502")
        }
    }

    @Test("the token in the path never shows in an outcome, even when the provider echoes it")
    func tokenScrubbed() async throws {
        let echo = FakeProvider.Reply.json(404, #"{"ok":false,"error_code":404,"description":"Not Found: /bot\#(Self.token)/sendMessage"}"#)
        try await FakeProvider.with({ _ in echo }) { fake in
            let outcome = await provider(fake).send(message())
            #expect(outcome.isPermanent)
            #expect(!outcome.allText.contains(Self.token))
            #expect(!outcome.allText.contains("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"))
            #expect(outcome.failure?.message == "Not Found: /bot[redacted]/sendMessage")
        }
        try await FakeProvider.with({ _ in .silence }) { fake in
            let outcome = await provider(fake, timeout: 0.3).send(message())
            #expect(outcome.failure?.code == "timeout")
            #expect(!outcome.allText.contains(Self.token))
        }
        let port = try FakeProvider.closedPort()
        let refused = await TelegramProvider(
            botToken: Self.token, baseURL: URL(string: "http://127.0.0.1:\(port)")!, transport: HTTPTransport(timeout: 2)
        ).send(message())
        #expect(refused.failure?.code == "connection-refused")
        #expect(!refused.allText.contains(Self.token))
    }

    @Test("a redirect is not followed, so the token never reaches another host")
    func redirect() async throws {
        try await FakeProvider.with({ _ in Self.ok() }) { elsewhere in
            let location = elsewhere.baseURL.absoluteString + "/bot\(Self.token)/sendMessage"
            try await FakeProvider.with({ _ in FakeProvider.Reply(status: 302, headers: ["Location": location]) }) { fake in
                let outcome = await provider(fake).send(message())
                #expect(outcome.failure?.code == "redirect")
                #expect(elsewhere.requests.isEmpty)
            }
        }
    }

    @Test("a token that could change the path, and a chat id that is not a number, are refused before sending")
    func refused() async throws {
        try await FakeProvider.with({ _ in Self.ok() }) { fake in
            let transport = HTTPTransport(timeout: 2)
            for token in ["110201543:AAH/../../x", "AAHdq", "1:", "110201543:AAH?x=1", ""] {
                let outcome = await TelegramProvider(botToken: token, baseURL: fake.baseURL, transport: transport).send(message())
                #expect(outcome.failure?.code == "configuration")
            }
            #expect(await provider(fake).send(message(chat: "@channel")).failure?.code == "invalid-recipient")
            #expect(await provider(fake).send(message(chat: "0")).failure?.code == "invalid-recipient")
            #expect(await provider(fake).send(message(media: "ftp://x/y.png")).failure?.code == "invalid-media-url")
            #expect(fake.requests.isEmpty)
        }
    }

    @Test("an error object is read even when it comes with HTTP 200")
    func errorWith200() async throws {
        try await FakeProvider.with({ _ in .json(200, #"{"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":3}}"#) }) { fake in
            let outcome = await provider(fake).send(message())
            #expect(outcome == .temporary(ProviderFailure(code: "429", message: "Too Many Requests", retryAfter: 3)))
        }
    }

    @Test("a request prints as method and host only, never its path or headers")
    func requestDescription() throws {
        let provider = TelegramProvider(botToken: Self.token, transport: HTTPTransport())
        guard case .success(let (request, _)) = provider.request(for: message()) else {
            Issue.record("no request")
            return
        }
        #expect(request.url.path.contains(Self.token))
        #expect(String(describing: request) == "POST https://api.telegram.org/…")
        var dumped = ""
        dump(request, to: &dumped)
        #expect(!dumped.contains(Self.token))
        #expect(!String(reflecting: request).contains(Self.token))
    }

    @Test("an answer that is not the Bot API's shape is never taken for a success")
    func unreadable() async throws {
        try await FakeProvider.with({ _ in .json(200, #"{"ok":true,"result":true}"#) }) { fake in
            #expect(await provider(fake).send(message()).failure?.code == "unreadable-reply")
        }
        try await FakeProvider.with({ _ in FakeProvider.Reply(status: 200, body: "<html>proxy</html>") }) { fake in
            #expect(await provider(fake).send(message()).failure?.code == "unreadable-reply")
        }
    }
}
