import Foundation

/// A bounded hand-off between the reading thread and the writing thread.
final class WorkQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[FileWork]] = []
    private var finished = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Blocks while the queue is full; returns false once the consumer has given up.
    func put(_ batch: [FileWork]) -> Bool {
        condition.lock(); defer { condition.unlock() }
        while batches.count >= capacity, !cancelled { condition.wait() }
        if cancelled { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    func finish() {
        condition.lock(); finished = true; condition.broadcast(); condition.unlock()
    }

    func cancel() {
        condition.lock(); cancelled = true; condition.broadcast(); condition.unlock()
    }

    /// The next batch, or nil once the producer is done.
    func take() -> [FileWork]? {
        condition.lock(); defer { condition.unlock() }
        while batches.isEmpty, !finished { condition.wait() }
        if batches.isEmpty { return nil }
        let batch = batches.removeFirst()
        condition.broadcast()
        return batch
    }
}
