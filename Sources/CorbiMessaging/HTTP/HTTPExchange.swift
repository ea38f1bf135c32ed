import Foundation

extension HTTPTransport {
    /// One HTTP request to a provider. Printing or dumping it shows the method and host
    /// only: its headers and path may hold credentials.
    public struct Request: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
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

        /// `POST https://host/…`.
        public var description: String { "\(method) \(url.scheme ?? "?")://\(url.host ?? "?")/…" }
        /// The same as `description`.
        public var debugDescription: String { description }
        /// No children: nothing of the request shows in `dump`.
        public var customMirror: Mirror { Mirror(self, children: [:]) }
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
