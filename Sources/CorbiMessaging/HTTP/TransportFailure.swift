import Foundation

/// Why an HTTP exchange produced no response. Messages name the host only: never a
/// path (a Telegram token is in it), a query or a header.
public struct TransportFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Equatable {
        /// No complete answer within the transport's timeout.
        case timeout
        /// Nothing listened on the port, or the peer reset the connection before answering.
        case connectionRefused = "connection-refused"
        /// The host name did not resolve.
        case hostNotFound = "host-not-found"
        /// The connection broke off, or the network is down.
        case connectionLost = "connection-lost"
        /// TLS could not be established (certificate, handshake).
        case tls
        /// The answer was larger than the transport accepts.
        case responseTooLarge = "response-too-large"
        /// The URL cannot be requested at all (not http or https): a configuration error.
        case unsupportedURL = "unsupported-url"
        /// Any other failure of the network layer.
        case network
    }

    /// What went wrong.
    public var kind: Kind
    /// A short reason naming the host.
    public var message: String

    /// A failure of the given kind.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// Whether the same request may succeed later. Everything but a bad URL and an
    /// oversized answer may: the provider never said no.
    public var isTemporary: Bool {
        switch kind {
        case .unsupportedURL, .responseTooLarge: false
        default: true
        }
    }

    /// `kind: message`.
    public var description: String { "\(kind.rawValue): \(message)" }
}
