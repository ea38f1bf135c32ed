import Foundation
import Testing
@testable import CorbiMessaging

@Suite("Retry policy and Retry-After")
struct RetryPolicyTests {
    @Test("the backoff window doubles from the base and stops at the cap")
    func windows() {
        let policy = RetryPolicy.standard
        #expect(policy.maxAttempts == 5)
        #expect((1...8).map { policy.window(afterFailures: $0) } == [30, 60, 120, 240, 480, 960, 1920, 3600])
        #expect(policy.window(afterFailures: 10_000) == 3600)
        #expect(RetryPolicy(baseDelay: 0).window(afterFailures: 5_000) == 0)
    }

    @Test("full jitter: the delay is drawn from the whole window, by the injected generator")
    func fullJitter() throws {
        let policy = RetryPolicy.standard
        var low = FixedGenerator(value: 0)
        var high = FixedGenerator(value: .max)
        #expect(policy.delay(afterFailures: 3, using: &low) == 0)
        #expect(abs(policy.delay(afterFailures: 3, using: &high)! - 120) < 1e-9)
        var seeded = SeededGenerator(state: 42)
        let delays = (0..<1000).compactMap { _ in policy.delay(afterFailures: 2, using: &seeded) }
        #expect(delays.count == 1000)
        #expect(delays.allSatisfy { (0...60).contains($0) })
        #expect(delays.min()! < 6 && delays.max()! > 54)
        var again = SeededGenerator(state: 42)
        #expect(policy.delay(afterFailures: 2, using: &again) == delays[0])
    }

    @Test("a Retry-After is a minimum, capped at a day; a shorter one leaves the jitter alone")
    func retryAfter() {
        let policy = RetryPolicy.standard
        var high = FixedGenerator(value: .max)
        var low = FixedGenerator(value: 0)
        #expect(policy.delay(afterFailures: 1, retryAfter: 17, using: &low) == 17)
        #expect(abs(policy.delay(afterFailures: 1, retryAfter: 17, using: &high)! - 30) < 1e-9)
        #expect(policy.delay(afterFailures: 1, retryAfter: 999_999_999_999, using: &low) == 86_400)
        #expect(policy.delay(afterFailures: 1, retryAfter: .infinity, using: &low) == 0)
        #expect(policy.delay(afterFailures: 1, retryAfter: -5, using: &low) == 0)
    }

    @Test("no attempt is left after maxAttempts failures, whatever Retry-After says")
    func givesUp() {
        let policy = RetryPolicy(maxAttempts: 3, baseDelay: 10, maxDelay: 100)
        var generator = SeededGenerator(state: 1)
        #expect(policy.delay(afterFailures: 2, using: &generator) != nil)
        #expect(policy.delay(afterFailures: 3, retryAfter: 5, using: &generator) == nil)
        let failedAt = Date(timeIntervalSince1970: 1000)
        var low = FixedGenerator(value: 0)
        #expect(policy.nextAttempt(afterFailures: 1, failedAt: failedAt, retryAfter: 30, using: &low) == Date(timeIntervalSince1970: 1030))
        #expect(RetryPolicy(maxAttempts: 1).delay(afterFailures: 1) == nil)
    }

    @Test("Retry-After as seconds or an HTTP-date in its three forms", arguments: [
        ("120", 120.0), (" 0 ", 0), ("Sun, 06 Nov 1994 08:49:37 GMT", 37), ("Sunday, 06-Nov-94 08:49:37 GMT", 37),
        ("Sun Nov  6 08:49:37 1994", 37), ("Sun, 06 Nov 1994 08:48:00 GMT", 0),
    ])
    func retryAfterHeader(value: String, seconds: Double) {
        let now = Date(timeIntervalSince1970: 784_111_740)  // Sun, 06 Nov 1994 08:49:00 GMT
        #expect(RetryAfter.seconds(value, now: now) == seconds)
    }

    @Test("unreadable Retry-After values are ignored", arguments: ["", "soon", "-5", "1.5", "Sun, 32 Nov 1994 08:49:37 GMT"])
    func badRetryAfter(value: String) {
        #expect(RetryAfter.seconds(value) == nil)
    }

    @Test("template parameters: positional in numeric order without names, named in order with names, missing values refused")
    func templateParameters() throws {
        #expect(try TemplateParameter.list(placeholders: ["2", "1", "10"], values: ["1": "a", "2": "b", "10": "c"])
            == [.positional("a"), .positional("b"), .positional("c")])
        #expect(try TemplateParameter.list(placeholders: ["name", "time"], values: ["time": "9:30", "name": "Zoë"])
            == [.named("name", "Zoë"), .named("time", "9:30")])
        #expect(try TemplateParameter.list(placeholders: [], values: ["x": "y"]) == [])
        #expect(throws: TemplateParameterError.missingValue(placeholder: "time")) {
            try TemplateParameter.list(placeholders: ["name", "time"], values: ["name": "Zoë"])
        }
    }
}
