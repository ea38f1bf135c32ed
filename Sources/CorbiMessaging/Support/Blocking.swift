import Foundation

/// Runs blocking work (a database transaction, which may wait for SQLite's write lock for
/// up to the busy timeout) on a thread of its own. Swift's cooperative pool has one thread
/// per core: a transaction waiting there would stall every request and send of the
/// process, so async code never calls the core's synchronous services directly.
public enum Blocking {
    private static let queue = DispatchQueue(label: "corbi.blocking", qos: .userInitiated, attributes: .concurrent)

    /// `work`'s result, computed off the cooperative pool. Not cancellable: a transaction
    /// once started commits or rolls back as a whole.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
