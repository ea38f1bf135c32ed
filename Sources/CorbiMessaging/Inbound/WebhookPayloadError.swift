/// Why a webhook body (or an email) could not be read. Messages never quote the payload.
public enum WebhookPayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The body is not JSON (or not UTF-8).
    case notJSON
    /// Arrays and objects nest deeper than the limit.
    case tooDeep(limit: Int)
    /// The body is larger than the limit in bytes.
    case tooLarge(limit: Int)
    /// JSON, but not in the provider's shape: `path` says where (`entry[0].changes[1].value`).
    case unexpectedShape(path: String, reason: String)
    /// Not an RFC 5322 message Corbi can read.
    case notEmail(reason: String)

    /// A sentence for an error message; it never quotes the payload.
    public var description: String {
        switch self {
        case .notJSON: "The body is not JSON."
        case .tooDeep(let limit): "The body nests arrays and objects deeper than \(limit) levels."
        case .tooLarge(let limit): "The body is larger than \(limit) bytes."
        case .unexpectedShape(let path, let reason): "Unexpected payload at \(path): \(reason)."
        case .notEmail(let reason): "Not an email message: \(reason)."
        }
    }
}
