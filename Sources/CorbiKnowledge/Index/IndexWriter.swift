import Foundation
import GRDB

/// Writes files' passages into the index, in transactions of whole files, so that a killed
/// process leaves every file either fully indexed or as it was before.
enum IndexWriter {
    /// What the reading thread hands over at a time: small, so the writer starts at once
    /// and the progress bar moves.
    static let handOffFiles = 64
    static let handOffBytes = 1_000_000
    /// Hand-offs read ahead of the writer: with their tokens, each holds about 5 MB.
    static let readAhead = 8

    /// Reads the files on a second thread (read, check, hash, split, tokenize) while this
    /// thread writes; `known` follows every commit (or becomes nil if another process wrote).
    /// With `reset`, the first transaction starts by emptying the index (a full rebuild):
    /// searches see the old index until that transaction commits.
    static func write(
        root: String, realRoot: String, changed: [FileEntry], removed: [String], reset: Bool = false,
        known: inout KnownDocuments?, maxFileSize: Int, transactionBytes: Int,
        writer: DatabasePool, summary: inout IndexSummary, started: Date,
        progress: ((IndexProgress) -> Void)?
    ) throws {
        let queue = WorkQueue(capacity: readAhead)
        let files = changed
        let hashes = reset ? [:] : known?.documents ?? [:]
        let tokenizer = try writer.read { db in try PassageTokenizer(db) }
        let producer = Thread {
            var batch: [FileWork] = []
            var bytes = 0
            for entry in files {
                batch.append(
                    read(entry, root: root, realRoot: realRoot, indexed: hashes[entry.path], maxFileSize: maxFileSize, tokenizer: tokenizer))
                bytes += entry.size
                if batch.count >= handOffFiles || bytes >= handOffBytes {
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

        var pending: (Int64, [String: KnownDocuments.Document?])?
        var pendingReset: Int64?
        func commit(_ db: Database, _ changes: [String: KnownDocuments.Document?]) throws {
            let generation = try KnownDocuments.advanceGeneration(db)
            // Applied once the transaction is committed, below.
            pending = (generation, changes)
        }
        func apply() {
            if let generation = pendingReset {
                // Emptied in the transaction that committed: what was known is gone.
                known = KnownDocuments(generation: generation, documents: [:])
                pendingReset = nil
            }
            guard let (generation, changes) = pending else { return }
            pending = nil
            if known?.committed(generation: generation, changes: changes) == false { known = nil }
        }

        if !removed.isEmpty {
            var scopes: [String] = []
            try writer.write { db in
                scopes = []
                for path in removed {
                    if let scope = try removeDocument(db, path: path) { scopes.append(scope) }
                }
                try commit(db, Dictionary(uniqueKeysWithValues: removed.map { ($0, nil) }))
            }
            apply()
            for scope in scopes { summary.count(KnowledgeScope(indexValue: scope)) { $0.removed += 1 } }
        }
        let totalBytes = files.reduce(0) { $0 + $1.size }
        var filesDone = 0, bytesDone = 0
        var finished = false
        var resetPending = reset
        while !finished {
            var done = IndexSummary()
            try writer.write { db in
                done = IndexSummary()
                var changes: [String: KnownDocuments.Document?] = [:]
                if resetPending {
                    try db.execute(sql: """
                        INSERT INTO chunkFTS(chunkFTS) VALUES('delete-all');
                        DELETE FROM chunk; DELETE FROM document; DELETE FROM scopeTerm; DELETE FROM scopeSize;
                        """)
                    pendingReset = try KnownDocuments.generation(db)
                }
                var filesWritten = filesDone, bytesWritten = bytesDone, bytesInTransaction = 0
                let now = Date().timeIntervalSince1970
                while bytesInTransaction < transactionBytes {
                    guard let batch = queue.take() else { finished = true; break }
                    for work in batch {
                        let entry = work.entry
                        let scope = KnowledgeScope(indexValue: entry.scope)
                        switch work {
                        case .index(_, let sha, let chunks, let tokens):
                            try store(db, entry: entry, sha256: sha, skipReason: nil, chunks: chunks, tokens: tokens, now: now)
                            done.count(scope) {
                                $0.indexed += 1
                                $0.passages += chunks.count
                            }
                        case .touch:
                            try db.cachedStatement(sql: "UPDATE document SET size = ?, mtime = ? WHERE path = ?")
                                .execute(arguments: [entry.size, entry.mtime, entry.path])
                            done.count(scope) { $0.unchanged += 1 }
                        case .skip(_, let reason):
                            try store(db, entry: entry, sha256: "", skipReason: reason, chunks: [], now: now)
                            done.skip(IndexWarning(path: entry.path, reason: reason, scope: scope))
                        }
                        done.count(scope) { $0.bytes += entry.size }
                        changes[entry.path] = work.document
                        bytesInTransaction += entry.size
                        filesWritten += 1
                        bytesWritten += entry.size
                    }
                    progress?(IndexProgress(
                        filesDone: filesWritten, filesTotal: files.count, bytesDone: bytesWritten, bytesTotal: totalBytes,
                        seconds: Date().timeIntervalSince(started)))
                }
                if !changes.isEmpty || resetPending {
                    try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES('lastIndexed', ?)", arguments: [String(now)])
                    if resetPending {
                        try db.execute(
                            sql: "INSERT OR REPLACE INTO meta(key, value) VALUES('fullRebuildStarted', ?)",
                            arguments: [String(started.timeIntervalSince1970)])
                    }
                    try commit(db, changes)
                }
            }
            resetPending = false
            apply()
            summary.add(done)
            filesDone += done.indexed + done.unchanged + done.skipped
            bytesDone += done.bytes
        }
    }

    /// Reads, checks, hashes, splits and tokenizes one file (on the reading thread).
    static func read(
        _ entry: FileEntry, root: String, realRoot: String, indexed: KnownDocuments.Document?, maxFileSize: Int,
        tokenizer: PassageTokenizer
    ) -> FileWork {
        if entry.size > maxFileSize { return .skip(entry, reason: "larger than \(maxFileSize) bytes") }
        switch DocumentReader.load(entry, root: root, realRoot: realRoot, maxFileSize: maxFileSize) {
        case .skipped(let reason):
            return .skip(entry, reason: reason)
        case .text(let text, let sha):
            if let indexed, indexed.skipReason == nil, indexed.sha256 == sha, indexed.scope == entry.scope {
                return .touch(entry, sha256: sha)
            }
            let chunks = Chunker.chunks(of: text, kind: entry.kind)
            var headingTokens: (String, TokenList)?
            let tokens = chunks.map { chunk in
                // A file's passages often share a heading path: tokenized once.
                let heading = Chunker.indexedHeading(context: chunk.context, heading: chunk.heading)
                if headingTokens?.0 != heading { headingTokens = (heading, tokenizer.tokens(of: heading)) }
                return PassageTokens(heading: headingTokens!.1, body: tokenizer.tokens(of: chunk.text))
            }
            return .index(entry, sha256: sha, chunks: chunks, tokens: tokens)
        }
    }

    /// Replaces the file's row and passages (inside the caller's transaction). Looking the
    /// path up again here makes two processes indexing at once harmless: the later one
    /// replaces what the earlier one wrote.
    static func store(
        _ db: Database, entry: FileEntry, sha256: String, skipReason: String?, chunks: [Chunk], tokens: [PassageTokens] = [], now: Double
    ) throws {
        let documentId: Int64
        // Every passage of a file shares its context; the document row keeps it for removing
        // the passages from the FTS index as they were indexed.
        let context = chunks.first?.context ?? ""
        if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM document WHERE path = ?", arguments: [entry.path]) {
            try removeChunks(db, documentId: existing)
            try db.cachedStatement(sql: """
                UPDATE document SET scope = ?, kind = ?, size = ?, mtime = ?, sha256 = ?, skipReason = ?, indexedAt = ?, context = ?
                WHERE id = ?
                """).execute(arguments: [entry.scope, entry.kind.rawValue, entry.size, entry.mtime, sha256, skipReason, now, context, existing])
            documentId = existing
        } else {
            try db.cachedStatement(sql: """
                INSERT INTO document(path, scope, kind, size, mtime, sha256, skipReason, indexedAt, context)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [entry.path, entry.scope, entry.kind.rawValue, entry.size, entry.mtime, sha256, skipReason, now, context])
            documentId = db.lastInsertedRowID
        }
        let insertChunk = try FastInsert(db.cachedStatement(sql: """
            INSERT INTO chunk(documentId, ordinal, scope, heading, body, lineStart, lineEnd) VALUES (?, ?, ?, ?, ?, ?, ?)
            """))
        let insertFTS = try FastInsert(db.cachedStatement(sql: "INSERT INTO chunkFTS(rowid, heading, body) VALUES (?, ?, ?)"))
        for (ordinal, chunk) in chunks.enumerated() {
            try insertChunk.execute(
                .integer(documentId), .integer(Int64(ordinal)), .text(entry.scope), .text(chunk.heading), .text(chunk.text),
                .integer(Int64(chunk.lineStart)), .integer(Int64(chunk.lineEnd)))
            let rowID = db.lastInsertedRowID
            let heading = Chunker.indexedHeading(context: chunk.context, heading: chunk.heading)
            // Without tokens from the reading thread, FTS5 tokenizes the texts itself.
            let stashed = ordinal < tokens.count ? [(heading, tokens[ordinal].heading), (chunk.text, tokens[ordinal].body)] : []
            try TokenStash.shared.with(stashed) {
                try insertFTS.execute(.integer(rowID), .text(heading), .text(chunk.text))
            }
        }
        if !entry.scope.isEmpty, !chunks.isEmpty {
            let counted = tokens.count == chunks.count
                ? tokens : try PassageTokens.of(chunks.map { (Chunker.indexedHeading(context: $0.context, heading: $0.heading), $0.text) }, db)
            try ScopeStatistics.apply(db, scope: entry.scope, passages: counted, sign: 1)
        }
    }

    /// Drops a file's passages from the FTS index and the chunk table, through the index on
    /// `chunk.documentId`.
    static func removeChunks(_ db: Database, documentId: Int64) throws {
        let deleteFTS = try db.cachedStatement(
            sql: "INSERT INTO chunkFTS(chunkFTS, rowid, heading, body) VALUES('delete', ?, ?, ?)")
        let context = try String.fetchOne(db.cachedStatement(sql: "SELECT context FROM document WHERE id = ?"), arguments: [documentId]) ?? ""
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT id, heading, body, scope FROM chunk WHERE documentId = ?"), arguments: [documentId])
        for row in rows {
            try deleteFTS.execute(arguments: [row[0] as Int64, Chunker.indexedHeading(context: context, heading: row[1]), row[2] as String])
        }
        if let scope: String = rows.first?[3], !scope.isEmpty {
            let passages = try PassageTokens.of(rows.map { (Chunker.indexedHeading(context: context, heading: $0[1]), $0[2]) }, db)
            try ScopeStatistics.apply(db, scope: scope, passages: passages, sign: -1)
        }
        try db.cachedStatement(sql: "DELETE FROM chunk WHERE documentId = ?").execute(arguments: [documentId])
    }

    /// Drops a file's row and passages; returns the scope it had (nil if it was not indexed).
    @discardableResult
    static func removeDocument(_ db: Database, path: String) throws -> String? {
        guard let row = try Row.fetchOne(db, sql: "SELECT id, scope FROM document WHERE path = ?", arguments: [path]) else { return nil }
        let id: Int64 = row[0]
        try removeChunks(db, documentId: id)
        try db.execute(sql: "DELETE FROM document WHERE id = ?", arguments: [id])
        return row[1]
    }
}
