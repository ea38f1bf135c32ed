import Foundation

/// When to try a temporarily failed message again: full-jitter exponential backoff
/// (a delay drawn uniformly from `0...min(maxDelay, baseDelay × 2^(failures − 1))`),
/// never sooner than a provider's `Retry-After`, and no more than `maxAttempts` attempts.
///
/// With the defaults (5 attempts, 30 s base, 1 h cap) the windows after the 1st to 4th
/// failure are 30 s, 1 min, 2 min and 4 min; the 5th failure is final.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included (default 5). After that many failures the
    /// message has failed for good.
    public var maxAttempts: Int
    /// The backoff window after the first failure, in seconds (default 30).
    public var baseDelay: TimeInterval
    /// The largest backoff window, in seconds (default 3600).
    public var maxDelay: TimeInterval
    /// The longest `Retry-After` honoured, in seconds (default 86,400): a provider asking
    /// for more is taken to mean a day, so a hostile or broken value cannot park a message forever.
    public var maxRetryAfter: TimeInterval

    /// 5 attempts, 30 s base, 1 h cap, `Retry-After` honoured up to a day.
    public static let standard = RetryPolicy()

    /// A policy; the defaults are those documented on the type.
    public init(maxAttempts: Int = 5, baseDelay: TimeInterval = 30, maxDelay: TimeInterval = 3600, maxRetryAfter: TimeInterval = 86_400) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// The upper bound of the random delay after `failures` failed attempts (1 or more).
    public func window(afterFailures failures: Int) -> TimeInterval {
        let base = max(0, baseDelay.isFinite ? baseDelay : 0)
        let cap = max(0, maxDelay.isFinite ? maxDelay : 0)
        // 2^62 × any positive base is past any cap; stopping there avoids inf × 0 = NaN.
        let exponent = Double(min(max(failures, 1) - 1, 62))
        return min(cap, base * pow(2, exponent))
    }

    /// The delay in seconds before the next attempt after `failures` failed attempts, or
    /// nil when no attempt is left. `retryAfter` (the provider's wish) is a minimum.
    /// `generator` draws the jitter; pass a seeded one in tests.
    public func delay(
        afterFailures failures: Int, retryAfter: TimeInterval? = nil, using generator: inout some RandomNumberGenerator
    ) -> TimeInterval? {
        guard failures < maxAttempts else { return nil }
        let window = window(afterFailures: failures)
        // One draw, 53 random bits → [0, 1): no rejection loop, so any generator (even a
        // constant one in a test) gives an answer.
        let fraction = Double(generator.next() >> 11) * 0x1p-53
        let jitter = fraction * window
        guard let retryAfter, retryAfter.isFinite, retryAfter > 0 else { return jitter }
        return max(jitter, min(retryAfter, max(0, maxRetryAfter)))
    }

    /// `delay(afterFailures:retryAfter:using:)` with the system's random generator.
    public func delay(afterFailures failures: Int, retryAfter: TimeInterval? = nil) -> TimeInterval? {
        var generator = SystemRandomNumberGenerator()
        return delay(afterFailures: failures, retryAfter: retryAfter, using: &generator)
    }

    /// When to try again after the failure at `failedAt`, or nil when no attempt is left.
    public func nextAttempt(
        afterFailures failures: Int, failedAt: Date, retryAfter: TimeInterval? = nil,
        using generator: inout some RandomNumberGenerator
    ) -> Date? {
        delay(afterFailures: failures, retryAfter: retryAfter, using: &generator).map { failedAt.addingTimeInterval($0) }
    }
}
