import CorbiCore
import Foundation

/// A clock that stands still until a test moves it, and numbered ids: the environment
/// every test database runs on, so results are the same on every run.
public final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var counter = 0
    private let idPrefix: String

    public init(_ start: Date, idPrefix: String = "id-") {
        current = start
        self.idPrefix = idPrefix
    }

    public var now: Date {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }

    public func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }

    /// `id-1`, `id-2`, ... (or with the prefix given).
    public func nextID() -> String {
        lock.withLock {
            counter += 1
            return idPrefix + String(counter)
        }
    }

    /// The clock and ids as the services take them.
    public var environment: CorbiEnvironment {
        CorbiEnvironment(now: { [self] in now }, makeID: { [self] in nextID() })
    }
}
