import CorbiCore
import Foundation

/// What one dispatcher run did, counted by what became of each message.
public struct DispatchSummary: Sendable, Equatable {
    /// Accepted by the provider.
    public var sent = 0
    /// Failed for now (429, 5xx, no answer, sendmail exit 75): tried again after a backoff.
    public var retrying = 0
    /// Refused by the provider, or its last attempt failed for now too.
    public var failed = 0
    /// Failed a send-time check (opted out, suppressed, window closed, ...): never sent.
    public var refused = 0
    /// Settled as failed because a dispatcher stopped mid-send (its own claims that
    /// expired during a send included): never sent again on their own.
    public var interrupted = 0
    /// Left pending on channels without a usable provider account (the largest count seen).
    public var waiting = 0
    /// The most messages a channel's rate held back at one time (they waited for their minute).
    public var throttled = 0
    /// Provider calls made.
    public var attempts = 0
    /// Channels whose messages wait for an account, with why.
    public var waitingChannels: [WaitingChannel] = []
    /// Why the run stopped early (the database stayed locked, say); nil when it finished.
    public var stoppedBy: CorbiError?

    public init() {}

    /// Messages this run finished with one way or another.
    public var settled: Int { sent + retrying + failed + refused + interrupted }

    mutating func add(_ batch: DispatchBatch) {
        refused += batch.refused.count
        interrupted += batch.interrupted.count
        throttled = max(throttled, batch.throttled)
        let waitingNow = batch.waiting.reduce(0) { $0 + $1.messages }
        if waitingNow >= waiting {
            waiting = waitingNow
            waitingChannels = batch.waiting
        }
    }
}

/// One provider call, as metrics want it.
public struct DispatchAttemptReport: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable {
        /// The provider took the message.
        case accepted
        /// Not now: retried later (or failed, on its last attempt).
        case temporary
        /// Never.
        case permanent
    }

    public var organizationDomain: String
    public var channel: Channel
    public var outcome: Outcome
    /// The provider's code for a failure (`429`, `http-503`, `timeout`, `exit-75`).
    public var code: String?
    /// Seconds from the start of the provider call to its answer.
    public var latency: TimeInterval
    /// Something that went wrong although the message left (an Instagram text after its
    /// attachment), never holding a secret.
    public var warning: String?

    public init(
        organizationDomain: String, channel: Channel, outcome: Outcome, code: String? = nil, latency: TimeInterval,
        warning: String? = nil
    ) {
        self.organizationDomain = organizationDomain
        self.channel = channel
        self.outcome = outcome
        self.code = code
        self.latency = latency
        self.warning = warning
    }
}
