import Foundation
import Testing

@testable import CorbiKnowledge

/// One indexer at a time (issue 17, item 11): a second pass waits for the running one and
/// reuses its work, and a search never waits for a pass: it reads what is committed.
///
/// The running pass is held inside its write transaction by its progress callback (called
/// after each batch, before the commit), so every check below happens while it still
/// holds the index; nothing depends on how fast the machine is.
@Suite struct ConcurrentIndexingTests {
    static let fileCount = 40

    func folder() throws -> KBTestFolder {
        let folder = try KBTestFolder()
        for i in 0..<Self.fileCount {
            try folder.write("notes/n\(i).md", "# Note \(i)\n\nA note about llamas and topic \(i % 7).\n")
        }
        return folder
    }

    @Test func aSecondIndexerWaitsAndReusesTheWork() throws {
        let folder = try folder()
        let held = HeldPass()
        defer { held.release() }
        let first = try folder.knowledgeBase(), second = try folder.knowledgeBase()
        let firstPass = Outcome<IndexSummary>()
        held.start(into: firstPass) { try first.refresh(waitingForOtherIndexer: true, progress: held.progress) }
        held.waitUntilInside()

        let secondWaits = Flag()
        let secondPass = Outcome<IndexSummary>()
        Thread {
            secondPass.set(Result { try second.refresh(waitingForOtherIndexer: true) { if $0.waitingForAnotherIndexer { secondWaits.set() } } })
        }.start()
        // Signalled at once when the second pass queues behind the first. (Before the fix it
        // never is: after this bound the first is let go and the second does the work again.)
        #expect(secondWaits.wait(seconds: 30))
        #expect(!firstPass.isDone)
        held.release()

        let a = try firstPass.value(), b = try secondPass.value()
        #expect(a.indexed == Self.fileCount)
        #expect(b.waitedForAnotherIndexer)
        #expect(b.indexed == 0 && b.unchanged == Self.fileCount)
        #expect(a.passages + b.passages == Self.fileCount)
    }

    @Test func aSearchDuringAFullRebuildAnswersFromTheCommittedIndex() throws {
        // Many small transactions, so that a rebuild committing as it goes would already
        // have shown an emptied, half-filled index when it is held (its second batch).
        let count = IndexWriter.handOffFiles * 3
        let folder = try KBTestFolder()
        for i in 0..<count { try folder.write("notes/n\(i).md", "# Note \(i)\n\nA note about llamas and topic \(i % 7).\n") }
        let options = KnowledgeBaseOptions(transactionBytes: 1)
        let first = try KnowledgeBase(root: folder.root, indexPath: folder.indexPath, options: options)
        try first.refresh()
        let held = HeldPass(at: { $0.filesDone > IndexWriter.handOffFiles })
        defer { held.release() }
        let rebuild = Outcome<IndexSummary>()
        held.start(into: rebuild) { try first.rebuild(progress: held.progress) }
        held.waitUntilInside()

        // Another process's search (its own connection): answered from the old index,
        // complete, while the rebuild still holds its transaction.
        let other = try KnowledgeBase(root: folder.root, indexPath: folder.indexPath, options: options)
        let hits = try other.search("llamas", organizationDomain: nil, limit: 1000)
        #expect(hits.count == count)
        #expect(try other.status(organizationDomain: nil).files == count)
        let skipped = try other.refresh()
        #expect(skipped.leftToAnotherIndexer && skipped.indexed == 0)
        #expect(!rebuild.isDone)
        held.release()

        let summary = try rebuild.value()
        #expect(summary.indexed == count)
        #expect(try other.search("llamas", organizationDomain: nil, limit: 1000).count == count)
    }

    @Test func fullRebuildsAskedForTogetherRunOnce() throws {
        let folder = try folder()
        let running = try folder.knowledgeBase()
        try running.refresh()
        try folder.write("notes/n0.md", "# Note 0\n\nEdited: alpacas now.\n")
        let held = HeldPass()
        defer { held.release() }
        let edit = Outcome<IndexSummary>()
        held.start(into: edit) { try running.refresh(waitingForOtherIndexer: true, progress: held.progress) }
        held.waitUntilInside()

        // Two `kb index --full` asked for while a pass runs: whichever goes first rebuilds,
        // and the other finds a rebuild that began after it asked, and does not repeat it.
        let waiting = [Flag(), Flag()]
        let rebuilds = [Outcome<IndexSummary>(), Outcome<IndexSummary>()]
        for i in 0..<2 {
            let kb = try folder.knowledgeBase()
            Thread {
                rebuilds[i].set(Result { try kb.rebuild { if $0.waitingForAnotherIndexer { waiting[i].set() } } })
            }.start()
        }
        #expect(waiting.allSatisfy { $0.wait(seconds: 30) })
        held.release()
        #expect(try edit.value().indexed == 1)
        let indexed = try rebuilds.map { try $0.value().indexed }.sorted()
        #expect(indexed == [0, Self.fileCount])
        #expect(try running.search("alpacas", organizationDomain: nil).map(\.path) == ["notes/n0.md"])
    }
}

/// A pass held inside its write transaction: its progress callback blocks until released,
/// at the first call `at` accepts (by default the first call).
final class HeldPass: @unchecked Sendable {
    private let at: @Sendable (IndexProgress) -> Bool
    private let inside = DispatchSemaphore(value: 0)
    private let gate = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var entered = false
    private var released = false

    init(at: @escaping @Sendable (IndexProgress) -> Bool = { _ in true }) { self.at = at }

    /// The callback to give the pass: the first call signals and blocks.
    var progress: (IndexProgress) -> Void {
        { [self] p in
            guard !p.waitingForAnotherIndexer, at(p) else { return }
            let first = lock.withLock {
                defer { entered = true }
                return !entered
            }
            guard first else { return }
            inside.signal()
            gate.wait()
        }
    }

    func start<T>(into outcome: Outcome<T>, _ body: @escaping @Sendable () throws -> T) {
        Thread { outcome.set(Result { try body() }) }.start()
    }

    func waitUntilInside() { inside.wait() }

    /// Lets the pass go on (once; later calls do nothing).
    func release() {
        let first = lock.withLock {
            defer { released = true }
            return !released
        }
        if first { gate.signal() }
    }
}

/// The result of work on another thread.
final class Outcome<T>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Result<T, Error>?

    func set(_ result: Result<T, Error>) {
        lock.withLock { self.result = result }
        done.signal()
    }

    var isDone: Bool { lock.withLock { result != nil } }

    /// Waits for the result.
    func value() throws -> T {
        done.wait()
        done.signal()
        return try lock.withLock { result! }.get()
    }
}

/// A one-way signal between threads.
final class Flag: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)

    func set() { semaphore.signal() }

    /// Whether it was set within `seconds` (a bound for a broken build, not a timing).
    func wait(seconds: Double) -> Bool {
        let set = semaphore.wait(timeout: .now() + seconds) == .success
        if set { semaphore.signal() }
        return set
    }
}
