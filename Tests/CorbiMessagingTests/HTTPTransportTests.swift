import CorbiCore
import Foundation
import Testing
@testable import CorbiMessaging

@Suite("HTTP transport")
struct HTTPTransportTests {
    @Test("one transport carries many requests at once, each answer to its own request")
    func concurrent() async throws {
        try await FakeProvider.with({ request in
            .json(200, #"{"echo":\#(String(decoding: request.body, as: UTF8.self))}"#)
        }) { fake in
            let transport = HTTPTransport(timeout: 10)
            let results = await withTaskGroup(of: (Int, JSONValue?).self) { group in
                for i in 0..<40 {
                    group.addTask {
                        let request = HTTPTransport.Request.postJSON(fake.baseURL.appendingPathComponent("n\(i)"), body: Data("\(i)".utf8))
                        guard case .success(let response) = await transport.send(request) else { return (i, nil) }
                        return (i, JSONValue.parse(String(decoding: response.body, as: UTF8.self)))
                    }
                }
                var all: [Int: JSONValue?] = [:]
                for await (i, value) in group { all[i] = value }
                return all
            }
            #expect(results.count == 40)
            for (i, value) in results { #expect(value == ["echo": .int(Int64(i))]) }
            #expect(fake.requests.count == 40)
        }
    }

    @Test("an answer larger than the limit is refused, not read whole")
    func tooLarge() async throws {
        try await FakeProvider.with({ _ in FakeProvider.Reply(status: 200, body: String(repeating: "x", count: 200_000)) }) { fake in
            let transport = HTTPTransport(timeout: 5, maxResponseBytes: 10_000)
            let result = await transport.send(.postJSON(fake.baseURL, body: Data("{}".utf8)))
            guard case .failure(let failure) = result else {
                Issue.record("read a response over the limit")
                return
            }
            #expect(failure.kind == .responseTooLarge)
            #expect(!failure.isTemporary)
        }
    }

    @Test("a 503 with an HTTP-date Retry-After is temporary with the delay until then")
    func retryAfterDate() async throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        // An hour ahead: however long this test waits for a thread, most of it is left.
        let later = formatter.string(from: Date().addingTimeInterval(3600))
        try await FakeProvider.with({ _ in FakeProvider.Reply(status: 503, headers: ["Retry-After": later], body: "busy") }) { fake in
            let provider = TelegramProvider(botToken: "1:abc", baseURL: fake.baseURL, transport: HTTPTransport(timeout: 5))
            let outcome = await provider.send(OutgoingMessage(channel: .telegram, recipient: "5", content: .text("x"), traceId: "t"))
            #expect(outcome.isTemporary)
            #expect(outcome.failure?.code == "http-503")
            let delay = try #require(outcome.failure?.retryAfter)
            #expect(delay > 1800 && delay <= 3600)
        }
    }

    @Test("cancelling the calling task ends the exchange at once")
    func cancellation() async throws {
        try await FakeProvider.with({ _ in .silence }) { fake in
            let transport = HTTPTransport(timeout: 20)
            let task = Task { await transport.send(.postJSON(fake.baseURL, body: Data("{}".utf8))) }
            try await Task.sleep(for: .milliseconds(200))
            task.cancel()
            let result = await task.value
            guard case .failure(let failure) = result else {
                Issue.record("a cancelled exchange succeeded")
                return
            }
            // Ended by the cancellation, not by running into the 20 s deadline.
            #expect(failure.kind == .network)
            #expect(failure.message.contains("cancelled"))
            #expect(failure.isTemporary)
        }
    }

    @Test("only http and https URLs are requested")
    func schemes() async {
        let transport = HTTPTransport(timeout: 1)
        for url in ["file:///etc/passwd", "ftp://example.com/x", "gopher://x"] {
            let result = await transport.send(.postJSON(URL(string: url)!, body: Data()))
            guard case .failure(let failure) = result else {
                Issue.record("requested \(url)")
                continue
            }
            #expect(failure.kind == .unsupportedURL)
        }
    }
}
