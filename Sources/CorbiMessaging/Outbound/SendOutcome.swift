import Foundation

/// What a provider made of one message.
public enum SendOutcome: Sendable, Equatable {
    /// The provider took the message.
    case accepted(SendReceipt)
    /// Worth trying again later: rate limits, 5xx, timeouts, refused connections, DNS
    /// failures, `retry_after`, sendmail exit 75.
    case temporary(ProviderFailure)
    /// Trying again will not help: invalid recipient, closed 24-hour window, a blocked bot,
    /// other 4xx, a bad configuration.
    case permanent(ProviderFailure)

    /// The receipt when accepted.
    public var receipt: SendReceipt? {
        if case .accepted(let receipt) = self { return receipt }
        return nil
    }

    /// The failure when temporary or permanent.
    public var failure: ProviderFailure? {
        switch self {
        case .accepted: nil
        case .temporary(let failure), .permanent(let failure): failure
        }
    }
}

/// A provider's acceptance of a message.
public struct SendReceipt: Sendable, Equatable {
    /// The provider's id of the message: a `wamid.` on WhatsApp, `CHAT_ID:MESSAGE_ID` on
    /// Telegram, Instagram's `mid`, the `Message-ID` (without angle brackets) for email.
    /// Delivery statuses arrive with this id.
    public var providerMessageId: String
    /// The provider's word for the state (`accepted`, `sent`, `queued`, ...).
    public var providerStatus: String
    /// Something that went wrong although the message left, e.g. an Instagram attachment
    /// that followed the text and was refused. Nil when all went well.
    public var warning: String?

    /// A receipt with the given fields.
    public init(providerMessageId: String, providerStatus: String, warning: String? = nil) {
        self.providerMessageId = providerMessageId
        self.providerStatus = providerStatus
        self.warning = warning
    }
}

/// Why a message was not accepted. Never holds a secret; text that came from the
/// provider is cleaned of control characters and cut short.
public struct ProviderFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The provider's error code (`131047`, `403`), `http-503`, or one of Corbi's own:
    /// `timeout`, `connection-refused`, `host-not-found`, `connection-lost`, `tls`,
    /// `network`, `redirect`, `unreadable-reply`, `invalid-recipient`, `invalid-media-url`,
    /// `configuration`, `wrong-channel`, `exit-N`, `signal-N`, `sendmail-unavailable`,
    /// `sendmail-timeout`.
    public var code: String
    /// A short human-readable reason.
    public var message: String
    /// How long the provider asked us to wait before trying again, in seconds.
    public var retryAfter: TimeInterval?

    /// A failure with the given fields.
    public init(code: String, message: String, retryAfter: TimeInterval? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    /// `code: message`, as stored in an outbound message's `error`.
    public var description: String { "\(code): \(message)" }
}
