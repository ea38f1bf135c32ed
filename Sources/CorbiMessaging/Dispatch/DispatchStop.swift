import Foundation

/// Asks a running dispatcher to stop: it claims nothing more, lets the sends under way
/// finish and records them, then returns. Set from a signal handler or a server's
/// graceful shutdown; safe from any thread.
public final class DispatchStop: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false

    public init() {}

    /// Whether a stop was asked for.
    public var isRequested: Bool { lock.withLock { requested } }

    /// Asks the dispatcher to stop.
    public func request() { lock.withLock { requested = true } }
}
