import Foundation

/// Runs async work from a command's synchronous `execute(in:)`. Commands run on the main
/// thread (one-shot) or on the shell's worker queue, never on Swift's cooperative pool,
/// so waiting here cannot starve the work waited for.
enum AsyncBridge {
    static func wait<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            box.value = await work()
            done.signal()
        }
        done.wait()
        return box.value!
    }

    private final class Box<T>: @unchecked Sendable {
        var value: T?
    }
}
