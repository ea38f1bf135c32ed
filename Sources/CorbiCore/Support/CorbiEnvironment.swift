import Foundation

/// The clock and identifier source every service uses, injected so tests are deterministic.
public struct CorbiEnvironment: Sendable {
    /// The current instant.
    public var now: @Sendable () -> Date
    /// A new unique identifier (trace ids, calendar ids).
    public var makeID: @Sendable () -> String

    public init(now: @escaping @Sendable () -> Date, makeID: @escaping @Sendable () -> String) {
        self.now = now
        self.makeID = makeID
    }

    /// The real clock and random UUIDs.
    public static let live = CorbiEnvironment(
        now: { Date() },
        makeID: { UUID().uuidString.lowercased() }
    )
}
