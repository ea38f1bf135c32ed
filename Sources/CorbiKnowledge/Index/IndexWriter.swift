import Foundation
import GRDB

/// What the reading thread hands the writer for one file.
enum FileWork: Sendable {
    /// New text: its passages replace the file's old ones.
    case index(FileEntry, sha256: String, chunks: [Chunk])
    /// Same SHA-256 as indexed: only size and mtime are updated.
    case touch(FileEntry)
    /// Cannot be indexed: recorded so it is not read again until it changes.
    case skip(FileEntry, reason: String)
}

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

/// Writes files' passages into the index, one transaction per batch of files, so that a
/// killed process leaves every file either fully indexed or as it was before.
enum IndexWriter {
    /// Files and bytes per transaction: small enough that a kill loses little, large
    /// enough that FTS5 flushes few segments (each commit writes one).
    static let batchFiles = 1_000
    static let batchBytes = 8_000_000

    /// Reads the files on a second thread (read, check, hash, split) while this thread writes.
    static func write(
        changed: [FileEntry], removed: [String], knownHashes: [String: String], maxFileSize: Int,
        writer: DatabasePool, summary: inout IndexSummary, started: Date,
        progress: ((IndexProgress) -> Void)?
    ) throws {
        let queue = WorkQueue(capacity: 3)
        let files = changed
        let producer = Thread {
            var batch: [FileWork] = []
            var bytes = 0
            for entry in files {
                let work: FileWork
                if entry.size > maxFileSize {
                    work = .skip(entry, reason: "larger than \(maxFileSize) bytes")
                } else {
                    switch DocumentReader.load(entry.absolutePath, maxFileSize: maxFileSize) {
                    case .skipped(let reason):
                        work = .skip(entry, reason: reason)
                    case .text(let text, let sha):
                        if knownHashes[entry.path] == sha {
                            work = .touch(entry)
                        } else {
                            work = .index(entry, sha256: sha, chunks: Chunker.chunks(of: text, kind: entry.kind))
                        }
                    }
                }
                batch.append(work)
                bytes += entry.size
                if batch.count >= batchFiles || bytes >= batchBytes {
                    if !queue.put(batch) { return }
                    batch = []
                    bytes = 0
                }
            }
            if !batch.isEmpty { _ = queue.put(batch) }
            queue.finish()
        }
        producer.stackSize = 8 << 20
        producer.start()
        defer { queue.cancel() }

        if !removed.isEmpty {
            try writer.write { db in
                for path in removed { try removeDocument(db, path: path) }
            }
            summary.removed += removed.count
        }
        let totalBytes = files.reduce(0) { $0 + $1.size }
        var filesDone = 0, bytesDone = 0
        while let batch = queue.take() {
            let now = Date().timeIntervalSince1970
            var passages = 0, indexed = 0, unchanged = 0, skipped = 0
            var warnings: [String] = []
            try writer.write { db in
                passages = 0; indexed = 0; unchanged = 0; skipped = 0; warnings = []
                for work in batch {
                    switch work {
                    case .index(let entry, let sha, let chunks):
                        try store(db, entry: entry, sha256: sha, skipReason: nil, chunks: chunks, now: now)
                        indexed += 1
                        passages += chunks.count
                    case .touch(let entry):
                        try db.execute(
                            sql: "UPDATE document SET size = ?, mtime = ? WHERE path = ?",
                            arguments: [entry.size, entry.mtime, entry.path])
                        unchanged += 1
                    case .skip(let entry, let reason):
                        try store(db, entry: entry, sha256: "", skipReason: reason, chunks: [], now: now)
                        skipped += 1
                        warnings.append("skipped \(entry.path): \(reason)")
                    }
                }
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES('lastIndexed', ?)", arguments: [String(now)])
            }
            summary.indexed += indexed
            summary.unchanged += unchanged
            summary.skipped += skipped
            summary.passages += passages
            summary.warnings += warnings
            for work in batch {
                switch work {
                case .index(let e, _, _), .touch(let e), .skip(let e, _): filesDone += 1; bytesDone += e.size
                }
            }
            summary.bytes = bytesDone
            progress?(IndexProgress(
                filesDone: filesDone, filesTotal: files.count, bytesDone: bytesDone, bytesTotal: totalBytes,
                seconds: Date().timeIntervalSince(started)))
        }
    }

    /// Replaces the file's row and passages (inside the caller's transaction). Looking the
    /// path up again here makes two processes indexing at once harmless: the later one
    /// replaces what the earlier one wrote.
    static func store(_ db: Database, entry: FileEntry, sha256: String, skipReason: String?, chunks: [Chunk], now: Double) throws {
        let documentId: Int64
        if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM document WHERE path = ?", arguments: [entry.path]) {
            try removeChunks(db, documentId: existing)
            try db.cachedStatement(sql: """
                UPDATE document SET scope = ?, kind = ?, size = ?, mtime = ?, sha256 = ?, skipReason = ?, indexedAt = ?
                WHERE id = ?
                """).execute(arguments: [entry.scope, entry.kind.rawValue, entry.size, entry.mtime, sha256, skipReason, now, existing])
            documentId = existing
        } else {
            try db.cachedStatement(sql: """
                INSERT INTO document(path, scope, kind, size, mtime, sha256, skipReason, indexedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [entry.path, entry.scope, entry.kind.rawValue, entry.size, entry.mtime, sha256, skipReason, now])
            documentId = db.lastInsertedRowID
        }
        let insertChunk = try db.cachedStatement(sql: """
            INSERT INTO chunk(documentId, ordinal, scope, heading, body, lineStart, lineEnd) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let insertFTS = try db.cachedStatement(sql: "INSERT INTO chunkFTS(rowid, heading, body) VALUES (?, ?, ?)")
        for (ordinal, chunk) in chunks.enumerated() {
            try insertChunk.execute(arguments: [documentId, ordinal, entry.scope, chunk.heading, chunk.text, chunk.lineStart, chunk.lineEnd])
            try insertFTS.execute(arguments: [db.lastInsertedRowID, chunk.heading, chunk.text])
        }
    }

    /// Drops a file's passages from the FTS index and the chunk table, through the index on
    /// `chunk.documentId`.
    static func removeChunks(_ db: Database, documentId: Int64) throws {
        let deleteFTS = try db.cachedStatement(
            sql: "INSERT INTO chunkFTS(chunkFTS, rowid, heading, body) VALUES('delete', ?, ?, ?)")
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT id, heading, body FROM chunk WHERE documentId = ?"), arguments: [documentId])
        for row in rows {
            try deleteFTS.execute(arguments: [row[0] as Int64, row[1] as String, row[2] as String])
        }
        try db.cachedStatement(sql: "DELETE FROM chunk WHERE documentId = ?").execute(arguments: [documentId])
    }

    static func removeDocument(_ db: Database, path: String) throws {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM document WHERE path = ?", arguments: [path]) else { return }
        try removeChunks(db, documentId: id)
        try db.execute(sql: "DELETE FROM document WHERE id = ?", arguments: [id])
    }
}
