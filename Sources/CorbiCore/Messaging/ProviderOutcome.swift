import Foundation

/// A provider's refusal, as its client read it.
public struct ProviderError: Sendable, Equatable {
    /// The provider's code: an HTTP status, a Graph API error code, a sendmail exit status.
    public var code: String?
    /// The provider's message (untrusted text: cleaned before it is stored for display).
    public var message: String

    public init(code: String?, message: String) {
        self.code = code
        self.message = message
    }
}

/// How a provider answered one send.
public enum ProviderOutcome: Sendable, Equatable {
    /// Accepted, with the provider's id for the message (Telegram: `CHAT_ID:MESSAGE_ID`).
    case accepted(providerMessageId: String, providerStatus: String? = nil)
    /// Not now (429, 5xx, a timeout, a refused connection, sendmail exit 75): try again
    /// after `retryAfter` seconds (the caller's backoff, or the provider's `Retry-After`).
    case temporary(ProviderError, retryAfter: TimeInterval)
    /// Never (an invalid recipient, a closed window, a blocked bot, another 4xx).
    case permanent(ProviderError)
}

/// What recording an outcome did.
public struct SendRecorded: Sendable, Equatable {
    /// The message after the outcome (and any early delivery statuses) applied.
    public var message: OutboundMessage
    /// The finished attempt.
    public var attempt: OutboundAttempt
    /// Delivery statuses that had arrived before the send committed, now applied.
    public var earlyStatuses: [DeliveryStatusEffect]
}
