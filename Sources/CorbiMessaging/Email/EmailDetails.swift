import Foundation

/// What an email needs beyond the message itself.
public struct EmailDetails: Sendable, Equatable {
    /// The sender, from the organization's email channel (`from="Name <addr@example.com>"`).
    public var from: EmailAddress
    /// Where the recipient can unsubscribe; nil sends no `List-Unsubscribe`.
    public var listUnsubscribe: ListUnsubscribe?

    /// Details with the given sender and unsubscribe targets.
    public init(from: EmailAddress, listUnsubscribe: ListUnsubscribe? = nil) {
        self.from = from
        self.listUnsubscribe = listUnsubscribe
    }
}

/// The targets of `List-Unsubscribe` (RFC 2369). With an https target the message also
/// carries `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
public struct ListUnsubscribe: Sendable, Equatable {
    /// An address (`unsubscribe@example.com`) or a `mailto:` URI with its query
    /// (`mailto:unsubscribe@example.com?subject=unsubscribe`).
    public var mailto: String
    /// The one-click https URL (`CORBI_PUBLIC_URL/unsubscribe/TOKEN`); nil without a public URL.
    public var oneClickURL: String?

    /// Targets: an address or mailto URI, and optionally the one-click https URL.
    public init(mailto: String, oneClickURL: String? = nil) {
        self.mailto = mailto
        self.oneClickURL = oneClickURL
    }
}
