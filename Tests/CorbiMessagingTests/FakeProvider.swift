import CorbiCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP server on an ephemeral port that plays a provider: it records every
/// request and answers what the test's handler says. Kept in a file of its own so it can
/// move to a shared test-support target.
final class FakeProvider: Sendable {
    /// A request as the fake received it.
    struct Received: Sendable {
        var method: String
        /// Path and query, as sent.
        var path: String
        /// Header fields, names lower-cased.
        var headers: [String: String]
        var body: Data

        /// The body as a JSON value (`.string` with the text when it is not JSON).
        var json: JSONValue { JSONValue.parse(String(decoding: body, as: UTF8.self)) }
    }

    /// What the fake answers.
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String] = [:]
        var body: String = ""
        /// Waits this long before answering (to outlast a client's timeout).
        var delay: Duration?

        static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> Reply {
            Reply(status: status, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a }, body: body)
        }

        /// Never answers within any test timeout.
        static var silence: Reply { Reply(status: 200, body: "{}", delay: .seconds(30)) }
    }

    let baseURL: URL
    private let recorder: Recorder
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(baseURL: URL, recorder: Recorder, group: ServiceGroup, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.recorder = recorder
        self.group = group
        self.task = task
    }

    /// Every request received so far, in order.
    var requests: [Received] { recorder.requests }

    /// Runs `body` with a fake answering through `handler`, and stops the fake afterwards.
    static func with<T>(
        _ handler: @escaping @Sendable (Received) -> Reply, _ body: (FakeProvider) async throws -> T
    ) async throws -> T {
        let fake = try await start(handler)
        do {
            let result = try await body(fake)
            await fake.stop()
            return result
        } catch {
            await fake.stop()
            throw error
        }
    }

    /// Stops answering: replies still waiting are cut short, then the server shuts down
    /// gracefully and is gone when this returns.
    private func stop() async {
        recorder.stop()
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    private static func start(_ handler: @escaping @Sendable (Received) -> Reply) async throws -> FakeProvider {
        let recorder = Recorder()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let buffer = try await request.collectBody(upTo: 4 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let received = Received(
                method: request.method.rawValue, path: request.uri.description, headers: headers,
                body: Data(buffer.readableBytesView))
            recorder.append(received)
            let reply = handler(received)
            if let delay = reply.delay {
                // Sleeps in slices so that stopping the fake ends the wait.
                let end = ContinuousClock.now + delay
                while ContinuousClock.now < end && !recorder.stopped { try await Task.sleep(for: .milliseconds(20)) }
            }
            var fields = HTTPFields()
            for (name, value) in reply.headers {
                if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
            }
            return Response(
                status: HTTPResponse.Status(code: reply.status), headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body)))
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "fake-provider")
        logger.logLevel = .error
        let app = Application(
            responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        var port = 0
        for await value in ports { port = value }
        guard port > 0 else {
            task.cancel()
            throw FakeProviderError.notStarted
        }
        return FakeProvider(baseURL: URL(string: "http://127.0.0.1:\(port)")!, recorder: recorder, group: group, task: task)
    }

    /// A port on which nothing listens: connections to it are refused.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FakeProviderError.notStarted }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw FakeProviderError.notStarted }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var received: [Received] = []
        private var isStopped = false

        func append(_ request: Received) { lock.withLock { received.append(request) } }
        var requests: [Received] { lock.withLock { received } }
        func stop() { lock.withLock { isStopped = true } }
        var stopped: Bool { lock.withLock { isStopped } }
    }
}

enum FakeProviderError: Error {
    case notStarted
}
