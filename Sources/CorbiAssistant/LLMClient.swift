import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where the optional model runs: an OpenAI-compatible chat-completions endpoint
/// (llama.cpp's server, Ollama, vLLM).
public struct LLMConfiguration: Sendable, Equatable {
    public var url: URL
    public var model: String
    public var timeout: TimeInterval
    public var apiKey: String?

    public init(url: URL, model: String, timeout: TimeInterval = 30, apiKey: String? = nil) {
        self.url = url
        self.model = model
        self.timeout = timeout
        self.apiKey = apiKey
    }
}

/// Why a model's reply was not used.
public enum LLMError: Error, CustomStringConvertible, Equatable {
    case timedOut(TimeInterval)
    case transport(String)
    case http(Int)
    case malformed
    case uncited
    case unknownCitation(Int)
    case tooLarge(Int)
    /// A sentence of the reply is not supported by the passage it cites (or cites none).
    case unsupported(String)

    public var description: String {
        switch self {
        case .timedOut(let s): "the model did not answer within \(Int(s)) s"
        case .transport(let m): "the model could not be reached (\(m))"
        case .http(let code): "the model's server answered HTTP \(code)"
        case .malformed: "the model's reply was not a chat completion"
        case .uncited: "the model's reply cited no passage"
        case .unknownCitation(let n): "the model's reply cited [\(n)], which was not given"
        case .tooLarge(let bytes): "the model's reply was larger than \(bytes / 1024) kB"
        case .unsupported(let why): "the model's reply was not supported by the passages (\(why))"
        }
    }
}

/// Sends one chat-completion request and returns the reply's text.
///
/// Redirects are never followed: the API key must not travel to another host, and a model
/// server has no reason to send one elsewhere. A reply larger than
/// ``maximumReplyBytes`` is abandoned as it arrives.
public struct LLMClient: Sendable {
    /// The most of a reply read (a chat completion of a few sentences is a few kB).
    public static let maximumReplyBytes = 256 * 1024

    public var configuration: LLMConfiguration

    public init(configuration: LLMConfiguration) {
        self.configuration = configuration
    }

    /// The model's reply to a system prompt and a user message (blocking).
    public func complete(system: String, user: String) throws -> String {
        struct Message: Codable { var role: String; var content: String }
        struct Body: Encodable {
            var model: String
            var messages: [Message]
            var temperature: Double
            var stream: Bool
        }
        let data = try post(
            JSONEncoder().encode(
                Body(
                    model: configuration.model,
                    messages: [Message(role: "system", content: system), Message(role: "user", content: user)],
                    temperature: 0, stream: false)))
        struct Reply: Decodable {
            struct Choice: Decodable { var message: Message }
            var choices: [Choice]
        }
        guard let reply = try? JSONDecoder().decode(Reply.self, from: data),
            let content = reply.choices.first?.message.content
        else { throw LLMError.malformed }
        return content.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// POSTs one JSON request body to the endpoint and returns the reply's body (2xx only),
    /// within the timeout and the size limit, without following redirects.
    func post(_ body: Data) throws -> Data {
        var request = URLRequest(url: configuration.url, timeoutInterval: configuration.timeout)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key = configuration.apiKey { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }

        let box = ReplyCollector(limit: Self.maximumReplyBytes)
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = configuration.timeout
        sessionConfiguration.timeoutIntervalForResource = configuration.timeout
        let session = URLSession(configuration: sessionConfiguration, delegate: box, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: request)
        task.resume()
        if box.done.wait(timeout: .now() + configuration.timeout + 0.5) == .timedOut {
            task.cancel()
            throw LLMError.timedOut(configuration.timeout)
        }
        if box.tooLarge { throw LLMError.tooLarge(Self.maximumReplyBytes) }
        if let error = box.error {
            if (error as? URLError)?.code == .timedOut { throw LLMError.timedOut(configuration.timeout) }
            throw LLMError.transport((error as? URLError).map { "\($0.code.rawValue)" } ?? "\(error)")
        }
        if let http = box.response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            throw LLMError.http(http.statusCode)
        }
        return box.data
    }

    /// The passage numbers a reply cites as `[n]` (also `[1, 2]` and `[1][3]`), in order
    /// of first appearance.
    public static func citedNumbers(in reply: String) -> [Int] {
        var numbers: [Int] = []
        var index = reply.startIndex
        while let open = reply[index...].firstIndex(of: "[") {
            guard let close = reply[open...].firstIndex(of: "]") else { break }
            let inside = reply[reply.index(after: open)..<close]
            let parts = inside.split(whereSeparator: { $0 == "," || $0 == " " })
            if !parts.isEmpty, parts.allSatisfy({ Int($0) != nil }) {
                for part in parts where !numbers.contains(Int(part)!) { numbers.append(Int(part)!) }
            }
            index = reply.index(after: close)
        }
        return numbers
    }

    /// The reply with every `[n]` group's numbers replaced through `mapping`.
    public static func renumberingCitations(in reply: String, _ mapping: [Int: Int]) -> String {
        var result = ""
        var index = reply.startIndex
        while let open = reply[index...].firstIndex(of: "["), let close = reply[open...].firstIndex(of: "]") {
            result += reply[index..<open]
            let inside = reply[reply.index(after: open)..<close]
            let parts = inside.split(whereSeparator: { $0 == "," || $0 == " " })
            if !parts.isEmpty, parts.allSatisfy({ Int($0) != nil }) {
                result += "[" + parts.map { String(mapping[Int($0)!] ?? Int($0)!) }.joined(separator: ", ") + "]"
            } else {
                result += reply[open...close]
            }
            index = reply.index(after: close)
        }
        return result + reply[index...]
    }
}

/// Collects one response for `LLMClient`: the body up to a limit, no redirects.
private final class ReplyCollector: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let limit: Int
    let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var _data = Data()
    private var _response: URLResponse?
    private var _error: (any Error)?
    private var _tooLarge = false

    init(limit: Int) { self.limit = limit }

    var data: Data { lock.withLock { _data } }
    var response: URLResponse? { lock.withLock { _response } }
    var error: (any Error)? { lock.withLock { _error } }
    var tooLarge: Bool { lock.withLock { _tooLarge } }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        // nil: the redirect response itself is the result (an HTTP error for the caller).
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        lock.withLock { _response = response }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = lock.withLock {
            _data.append(data)
            if _data.count > limit { _tooLarge = true }
            return _tooLarge
        }
        if over { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.withLock {
            if _response == nil { _response = task.response }
            _error = error
        }
        done.signal()
    }
}
