import Foundation

extension HTTPTransport {
    /// One HTTP request to a provider.
    public struct Request: Sendable, Equatable {
        /// `POST`, `GET`, ...
        public var method: String
        /// Where it goes.
        public var url: URL
        /// Header fields; names as written.
        public var headers: [String: String]
        /// The body, if any.
        public var body: Data?

        /// A request with the given parts.
        public init(method: String, url: URL, headers: [String: String] = [:], body: Data? = nil) {
            self.method = method
            self.url = url
            self.headers = headers
            self.body = body
        }

        /// A `POST` of a JSON body.
        public static func postJSON(_ url: URL, body: Data, headers: [String: String] = [:]) -> Request {
            var all = headers
            all["Content-Type"] = "application/json"
            all["Accept"] = "application/json"
            return Request(method: "POST", url: url, headers: all, body: body)
        }
    }

    /// A provider's answer. A redirect arrives here as the 3xx response it is: it is never followed.
    public struct Response: Sendable, Equatable {
        /// The HTTP status code.
        public var status: Int
        /// Header fields with lower-cased names.
        public var headers: [String: String]
        /// The body as received (at most the transport's limit).
        public var body: Data

        /// A response with the given parts.
        public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
            self.status = status
            self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
            self.body = body
        }

        /// A header's value, by case-insensitive name.
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }
}
