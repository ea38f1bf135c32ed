import CorbiCore
import Foundation
import Testing
@testable import CorbiMessaging

@Suite("Instagram messaging provider")
struct InstagramProviderTests {
    static let token = "IGQVJ-secret-token"

    func provider(_ fake: FakeProvider, timeout: TimeInterval = 5) -> InstagramProvider {
        InstagramProvider(
            accountId: "17841405822304914", accessToken: Self.token, baseURL: fake.baseURL.appendingPathComponent("v21.0"),
            transport: HTTPTransport(timeout: timeout))
    }

    func message(_ text: String = "See you tomorrow!", media: String? = nil) -> OutgoingMessage {
        OutgoingMessage(channel: .instagram, recipient: "1254459154682919", content: .text(text), mediaURL: media, traceId: "t")
    }

    static func sent(_ mid: String) -> FakeProvider.Reply {
        .json(200, #"{"recipient_id":"1254459154682919","message_id":"\#(mid)"}"#)
    }

    @Test("text is posted as {recipient:{id}, message:{text}} with a bearer token; the message_id is kept")
    func text() async throws {
        try await FakeProvider.with({ _ in Self.sent("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx") }) { fake in
            let outcome = await provider(fake).send(message())
            #expect(outcome == .accepted(SendReceipt(providerMessageId: "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx", providerStatus: "sent")))
            let request = try #require(fake.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/v21.0/17841405822304914/messages")
            #expect(request.headers["authorization"] == "Bearer \(Self.token)")
            #expect(request.json == ["recipient": ["id": "1254459154682919"], "message": ["text": "See you tomorrow!"]])
        }
    }

    @Test("media with text: the attachment first, then the text, whose id is kept")
    func attachmentThenText() async throws {
        try await FakeProvider.with({ request in
            request.json == ["recipient": ["id": "1254459154682919"], "message": ["text": "Your invoice"]] ? Self.sent("mid.text") : Self.sent("mid.file")
        }) { fake in
            let outcome = await provider(fake).send(message("Your invoice", media: "https://cdn.example.com/invoice.pdf"))
            #expect(outcome.receipt == SendReceipt(providerMessageId: "mid.text", providerStatus: "sent"))
            let bodies = fake.requests.map(\.json)
            #expect(bodies == [
                ["recipient": ["id": "1254459154682919"], "message": ["attachment": ["type": "file", "payload": ["url": "https://cdn.example.com/invoice.pdf"]]]],
                ["recipient": ["id": "1254459154682919"], "message": ["text": "Your invoice"]],
            ])
        }
    }

    @Test("an image without text is one attachment request of type image")
    func imageOnly() async throws {
        try await FakeProvider.with({ _ in Self.sent("mid.1") }) { fake in
            _ = await provider(fake).send(message("", media: "https://cdn.example.com/smile.jpeg"))
            #expect(fake.requests.map(\.json) == [
                ["recipient": ["id": "1254459154682919"], "message": ["attachment": ["type": "image", "payload": ["url": "https://cdn.example.com/smile.jpeg"]]]],
            ])
        }
    }

    @Test("a failed attachment stops before the text; a failed text after the attachment is accepted with a warning")
    func partialFailures() async throws {
        try await FakeProvider.with({ _ in .json(500, #"{"error":{"message":"An unexpected error has occurred.","code":2,"is_transient":true}}"#) }) { fake in
            let outcome = await provider(fake).send(message("Your invoice", media: "https://cdn.example.com/invoice.pdf"))
            #expect(outcome.isTemporary)
            #expect(fake.requests.count == 1)
        }
        try await FakeProvider.with({ request in
            request.json == ["recipient": ["id": "1254459154682919"], "message": ["text": "Your invoice"]]
                ? .json(400, #"{"error":{"message":"This message is sent outside of allowed window.","code":10,"error_subcode":2534022}}"#)
                : Self.sent("mid.file")
        }) { fake in
            let outcome = await provider(fake).send(message("Your invoice", media: "https://cdn.example.com/invoice.pdf"))
            let receipt = try #require(outcome.receipt)
            #expect(receipt.providerMessageId == "mid.file")
            #expect(receipt.warning?.contains("10: This message is sent outside of allowed window. (subcode 2534022)") == true)
        }
    }

    @Test("Graph rate limits are temporary, a closed window or unknown user permanent")
    func errors() async throws {
        try await FakeProvider.with({ request in
            request.json == ["recipient": ["id": "1254459154682919"], "message": ["text": "limit"]]
                ? .json(400, #"{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4,"fbtrace_id":"x"}}"#, headers: ["Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"])
                : .json(400, #"{"error":{"message":"(#100) No matching user found","type":"OAuthException","code":100,"error_subcode":2018001}}"#)
        }) { fake in
            let limited = await provider(fake).send(message("limit"))
            #expect(limited.isTemporary)
            #expect(limited.failure?.code == "4")
            #expect((limited.failure?.retryAfter ?? 0) > 86_400)
            let unknown = await provider(fake).send(message("hello"))
            #expect(unknown.isPermanent)
            #expect(unknown.failure?.code == "100")
        }
    }

    @Test("timeouts and redirects as for every HTTP provider; the token never shows")
    func transport() async throws {
        try await FakeProvider.with({ _ in .silence }) { fake in
            let outcome = await provider(fake, timeout: 0.3).send(message())
            #expect(outcome.failure?.code == "timeout")
            #expect(!outcome.allText.contains(Self.token))
        }
        try await FakeProvider.with({ _ in Self.sent("x") }) { elsewhere in
            try await FakeProvider.with({ _ in FakeProvider.Reply(status: 301, headers: ["Location": elsewhere.baseURL.absoluteString]) }) { fake in
                #expect(await provider(fake).send(message()).failure?.code == "redirect")
                #expect(elsewhere.requests.isEmpty)
            }
        }
    }

    @Test("a recipient with control characters and a non-numeric account id are refused before sending")
    func refused() async throws {
        try await FakeProvider.with({ _ in Self.sent("x") }) { fake in
            var bad = message()
            bad.recipient = "125\n4459"
            #expect(await provider(fake).send(bad).failure?.code == "invalid-recipient")
            let badAccount = InstagramProvider(accountId: "1784/../me", accessToken: Self.token, baseURL: fake.baseURL, transport: HTTPTransport())
            #expect(await badAccount.send(message()).failure?.code == "configuration")
            #expect(fake.requests.isEmpty)
        }
    }
}
