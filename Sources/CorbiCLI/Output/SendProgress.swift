import CorbiMessaging
import Foundation

/// The running counts of `outbox send` on a terminal's stderr (one line, redrawn at most
/// ten times a second), only when colour and progress are allowed there.
final class SendProgress: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var drawn = false
    private var last = ContinuousClock.now - .seconds(1)

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ summary: DispatchSummary) {
        guard enabled else { return }
        lock.withLock {
            let now = ContinuousClock.now
            guard now - last >= .milliseconds(100) else { return }
            last = now
            var line = "\rSending: \(summary.sent) sent · \(summary.retrying) retrying · \(summary.failed + summary.refused) failed"
            if summary.throttled > 0 { line += " · \(summary.throttled) waiting for a rate" }
            FileHandle.standardError.write(Data((line + " \u{1B}[K").utf8))
            drawn = true
        }
    }

    /// A line on its own (the progress line is cleared first).
    func note(_ text: String) {
        lock.withLock {
            let prefix = drawn ? "\r\u{1B}[K" : ""
            FileHandle.standardError.write(Data((prefix + text + "\n").utf8))
        }
    }

    func finish() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            drawn = false
        }
    }
}
