import CorbiCore
import Foundation

/// How a dispatcher runs. The defaults suit the providers' public APIs; every value is
/// configurable (the application reads `CORBI_DISPATCH_*`, `CORBI_CLAIM_LIFETIME`,
/// `CORBI_RETRY_*` and the timeouts; tests shorten them).
public struct DispatchSettings: Sendable, Equatable {
    /// Sends in flight at once (default 4): enough to hide a provider's latency, few
    /// enough that a burst stays polite.
    public var concurrency: Int
    /// How long a claim holds a message (default 300 s). It must outlast the longest send
    /// by a wide margin: a claim that expires while its send is still under way is settled
    /// as interrupted by the next claimer (never sent twice), and the late answer is
    /// refused. The dispatcher only claims what it can start at once, so a claim covers
    /// one send, not a queue.
    public var claimLifetime: TimeInterval
    /// Attempts and backoff (default 5 attempts, full jitter from 30 s up to 1 h;
    /// `Retry-After` honoured up to a day).
    public var retry: RetryPolicy
    /// How often a run waiting for a channel's rate looks again (default 1 s).
    public var ratePause: TimeInterval
    /// Providers' addresses and timeouts.
    public var providers: ProviderSettings

    /// The margin a claim must have over the longest send.
    public static let claimMargin: TimeInterval = 5

    /// Settings; see each property for its default.
    public init(
        concurrency: Int = 4, claimLifetime: TimeInterval = 300, retry: RetryPolicy = .standard, ratePause: TimeInterval = 1,
        providers: ProviderSettings
    ) {
        self.concurrency = concurrency
        self.claimLifetime = claimLifetime
        self.retry = retry
        self.ratePause = ratePause
        self.providers = providers
    }

    /// Why these settings cannot run, in words; nil when they can. A claim shorter than
    /// the longest send plus ``claimMargin`` would let a slow send's message be settled
    /// as interrupted while it is still being sent.
    public var problem: String? {
        if concurrency < 1 || concurrency > 256 { return "the concurrency must be 1 to 256" }
        if retry.maxAttempts < 1 { return "at least 1 attempt is needed" }
        if !(claimLifetime >= providers.longestSend + Self.claimMargin) {
            return "a claim must last at least the longest send (\(Self.seconds(providers.longestSend)) s) plus \(Int(Self.claimMargin)) s"
        }
        if !(ratePause > 0) { return "the pause while waiting for a rate must be above 0" }
        return nil
    }

    private static func seconds(_ value: TimeInterval) -> String {
        value.rounded() == value ? String(Int(value)) : String(format: "%.1f", value)
    }
}
