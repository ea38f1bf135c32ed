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

    public var description: String {
        switch self {
        case .timedOut(let s): "the model did not answer within \(Int(s)) s"
        case .transport(let m): "the model could not be reached (\(m))"
        case .http(let code): "the model's server answered HTTP \(code)"
        case .malformed: "the model's reply was not a chat completion"
        case .uncited: "the model's reply cited no passage"
        case .unknownCitation(let n): "the model's reply cited [\(n)], which was not given"
        }
    }
}

/// Sends one chat-completion request and returns the reply's text.
public struct LLMClient: Sendable {
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
        var request = URLRequest(url: configuration.url, timeoutInterval: configuration.timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key = configuration.apiKey { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        request.httpBody = try JSONEncoder().encode(
            Body(
                model: configuration.model,
                messages: [Message(role: "system", content: system), Message(role: "user", content: user)],
                temperature: 0, stream: false))

        final class Box: @unchecked Sendable {
            var data: Data?
            var response: URLResponse?
            var error: (any Error)?
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = configuration.timeout
        sessionConfiguration.timeoutIntervalForResource = configuration.timeout
        let session = URLSession(configuration: sessionConfiguration)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: request) { data, response, error in
            box.data = data
            box.response = response
            box.error = error
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + configuration.timeout + 0.5) == .timedOut {
            task.cancel()
            throw LLMError.timedOut(configuration.timeout)
        }
        if let error = box.error {
            if (error as? URLError)?.code == .timedOut { throw LLMError.timedOut(configuration.timeout) }
            throw LLMError.transport((error as? URLError).map { "\($0.code.rawValue)" } ?? "\(error)")
        }
        if let http = box.response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            throw LLMError.http(http.statusCode)
        }
        struct Reply: Decodable {
            struct Choice: Decodable { var message: Message }
            var choices: [Choice]
        }
        guard let data = box.data, let reply = try? JSONDecoder().decode(Reply.self, from: data),
            let content = reply.choices.first?.message.content
        else { throw LLMError.malformed }
        return content.trimmingCharacters(in: .whitespacesAndNewlines)
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
