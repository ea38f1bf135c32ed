import CorbiCore

/// Sends messages on one channel of one account. Implementations never throw and never
/// put a secret in an outcome: every failure is classified as temporary or permanent.
public protocol MessageProvider: Sendable {
    /// The channel this provider sends on.
    var channel: Channel { get }
    /// Sends one message once (no retries: the dispatcher decides when to try again).
    func send(_ message: OutgoingMessage) async -> SendOutcome
}
