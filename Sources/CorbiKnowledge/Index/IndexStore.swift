import Foundation
import GRDB

/// The open index file: one `DatabasePool` (WAL) reused for every pass and search.
final class IndexStore: @unchecked Sendable {
    let pool: DatabasePool
    private let lock = NSLock()
    private var lastRefresh: Date?
    private var searcher: Searcher?
    /// The documents as the last pass left them, reused while the index's generation holds.
    private var known: KnownDocuments?

    let options: KnowledgeBaseOptions
    /// The index file.
    let path: String

    private init(pool: DatabasePool, path: String, options: KnowledgeBaseOptions) {
        self.pool = pool
        self.path = path
        self.options = options
    }

    static func open(path: String, options: KnowledgeBaseOptions) throws -> IndexStore {
        var config = Configuration()
        // Two processes indexing at once wait for each other's transactions.
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            // Takes effect only when the file is created. 16 kB pages cut the page writes of a
            // full index by four (0.15 s of 1.1 s on the 50 MB benchmark); searches read the
            // same FTS5 leaves either way.
            try db.execute(sql: "PRAGMA page_size = 16384")
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY")
            // A rebuild is one transaction, so the WAL grows to the whole index: cut it back
            // once it has been checkpointed.
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
            try RankFunction.register(db)
            db.add(tokenizer: PretokenizedTokenizer.self)
        }
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        } catch {
            throw KnowledgeBaseError.indexUnwritable("cannot create the folder \(directory)")
        }
        return try mapping(path: path) {
            do {
                return try IndexStore(pool: openPool(path: path, configuration: config), path: path, options: options)
            } catch let error as DatabaseError where [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode) {
                // Derived data: a damaged index file is replaced by a new one (filled by the next pass).
                FileHandle.standardError.write(Data("corbi: \(path) was damaged (\(error.message ?? "corrupt")); building a new index.\n".utf8))
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                return try IndexStore(pool: openPool(path: path, configuration: config), path: path, options: options)
            }
        }
    }

    private static func openPool(path: String, configuration: Configuration) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: configuration)
        // Most opens find the schema current: check with a read, write only to create it.
        let current = try pool.read { db in
            try db.tableExists("meta") ? String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'") : nil
        }
        if current != IndexSchema.version { try pool.write { db in try IndexSchema.create(db) } }
        return pool
    }

    /// Runs `body`, turning SQLite errors into the knowledge base's own.
    static func mapping<T>(path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            let message = "\(path): \(error.message ?? error.description)"
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: throw KnowledgeBaseError.indexBusy(path)
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN, .SQLITE_AUTH: throw KnowledgeBaseError.indexUnwritable(message)
            case .SQLITE_FULL, .SQLITE_IOERR: throw KnowledgeBaseError.indexIO(message)
            default: throw KnowledgeBaseError.index(message)
            }
        }
    }

    /// The documents the index holds: from memory when no write happened since they were
    /// read (one row read to check), else from the index.
    func knownDocuments() throws -> KnownDocuments {
        let cached = lock.withLock { known }
        return try pool.read { db in
            let generation = try KnownDocuments.generation(db)
            if let cached, cached.generation == generation { return cached }
            return try KnownDocuments.load(db, generation: generation)
        }
    }

    /// The stat pass and the re-indexing of what changed (everything when `full`), one
    /// pass at a time per index (`IndexerLock`). When another pass runs: with `wait`, waits
    /// for it and then does its own (cheap, since the other did the work; a `full` pass
    /// is not repeated if a full pass began after this one was asked for); without, does
    /// nothing (`leftToAnotherIndexer`), so that the caller's search answers at once from
    /// what is committed.
    ///
    /// A full pass over an index that holds documents empties and refills it in one
    /// transaction, so that searches keep seeing the old index until the new one is
    /// complete (and a killed rebuild leaves the old one); other passes commit every
    /// `transactionBytes`, each file whole.
    func refresh(root: String, maxFileSize: Int, full: Bool, wait: Bool, progress: ((IndexProgress) -> Void)?) throws -> IndexSummary {
        let asked = Date()
        guard let indexerLock = try IndexerLock.acquire(indexPath: path, wait: wait, waiting: {
            progress?(IndexProgress(filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, seconds: 0, waitingForAnotherIndexer: true))
        }) else {
            var summary = IndexSummary()
            summary.leftToAnotherIndexer = true
            return summary
        }
        defer { indexerLock.release() }
        var full = full
        if full, indexerLock.waited {
            let started = try pool.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'fullRebuildStarted'").flatMap(Double.init)
            }
            if let started, started >= asked.timeIntervalSince1970 { full = false }
        }
        var summary = try pass(root: root, maxFileSize: maxFileSize, full: full, progress: progress)
        summary.waitedForAnotherIndexer = indexerLock.waited
        return summary
    }

    /// One pass, under the indexer lock.
    private func pass(root: String, maxFileSize: Int, full: Bool, progress: ((IndexProgress) -> Void)?) throws -> IndexSummary {
        let started = Date()
        var summary = IndexSummary()
        let scan = try FileScanner(root: root).scan()
        for warning in scan.warnings { summary.skip(warning) }
        var known: KnownDocuments? = try knownDocuments()
        let documents = full ? [:] : known?.documents ?? [:]
        let oldIndexIsVisible = !(known?.documents.isEmpty ?? true)
        var changed: [FileEntry] = []
        var matched = 0
        for entry in scan.files {
            guard let k = documents[entry.path] else {
                changed.append(entry)
                continue
            }
            matched += 1
            if k.size == entry.size, k.mtime == entry.mtime, k.scope == entry.scope {
                let scope = KnowledgeScope(indexValue: entry.scope)
                if let reason = k.skipReason {
                    summary.skip(IndexWarning(path: entry.path, reason: reason, scope: scope))
                } else {
                    summary.count(scope) { $0.unchanged += 1 }
                }
            } else {
                changed.append(entry)
            }
        }
        // Paths are unique on both sides: when every known path was seen, none was removed.
        var removed: [String] = []
        if matched < documents.count {
            let seen = Set(scan.files.lazy.map(\.path))
            removed = documents.keys.filter { !seen.contains($0) }.sorted()
        }
        if full || !changed.isEmpty || !removed.isEmpty {
            // The scan comes in folder order; files are indexed in path order, so a
            // rebuild gives the same index whatever the file system's order.
            changed.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
            do {
                try IndexWriter.write(
                    root: root, realRoot: scan.realRoot, changed: changed, removed: removed, reset: full, known: &known,
                    maxFileSize: maxFileSize,
                    // A rebuild of a new index has nothing to keep visible: it commits as it goes.
                    transactionBytes: full && oldIndexIsVisible ? .max : options.transactionBytes,
                    writer: pool, summary: &summary, started: started, progress: progress)
            } catch {
                lock.withLock { self.known = nil }
                throw error
            }
            if summary.bytes > options.transactionBytes * 4 {
                // A pass of many transactions left many FTS segments; one makes every later search faster.
                try pool.write { db in
                    try db.execute(sql: "INSERT INTO chunkFTS(chunkFTS) VALUES('optimize')")
                    if known?.committed(generation: try KnownDocuments.advanceGeneration(db), changes: [:]) == false { known = nil }
                }
            }
        }
        summary.sortWarnings()
        summary.seconds = Date().timeIntervalSince(started)
        lock.withLock {
            self.known = known
            lastRefresh = Date()
        }
        return summary
    }

    /// Refreshes unless a refresh ran within the last second (the caller usually just did)
    /// or another pass is running (the search then reads what it committed).
    func refreshIfStale(root: String, maxFileSize: Int) throws {
        let recent = lock.withLock { lastRefresh.map { Date().timeIntervalSince($0) < 1 } ?? false }
        if !recent { _ = try refresh(root: root, maxFileSize: maxFileSize, full: false, wait: false, progress: nil) }
    }

    /// (path, sha256) of the indexed documents a scope sees, by path.
    func visibleDocuments(scope: String?) throws -> [(String, String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT path, sha256 FROM document WHERE skipReason IS NULL AND scope IN ('', ?) ORDER BY path
                """, arguments: [scope ?? ""]).map { ($0[0], $0[1]) }
        }
    }

    func status(root: String, indexPath: String, scope: String?, maxFileSize: Int) throws -> KnowledgeBaseStatus {
        let scan = try FileScanner(root: root).scan()
        let known = try knownDocuments().documents
        // By the scopes the scan found and the index holds: both are decided on real paths.
        func visible(_ scopeValue: String) -> Bool { KnowledgeScope(indexValue: scopeValue).isVisible(to: scope) }
        var stale: [String] = []
        var seen = Set<String>()
        for entry in scan.files {
            seen.insert(entry.path)
            if let k = known[entry.path], k.size == entry.size, k.mtime == entry.mtime, k.scope == entry.scope { continue }
            // A file that changes scope is stale to both the old and the new one.
            if visible(entry.scope) || known[entry.path].map({ visible($0.scope) }) == true { stale.append(entry.path) }
        }
        stale += known.filter { visible($0.value.scope) && !seen.contains($0.key) }.map(\.key)
        stale.sort()
        return try pool.read { db in
            let docs = try Row.fetchOne(db, sql: """
                SELECT count(*), coalesce(sum(size), 0) FROM document WHERE skipReason IS NULL AND scope IN ('', ?)
                """, arguments: [scope ?? ""])!
            let skipped = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM document WHERE skipReason IS NOT NULL AND scope IN ('', ?)
                """, arguments: [scope ?? ""]) ?? 0
            let passages = try Int.fetchOne(db, sql: "SELECT count(*) FROM chunk WHERE scope IN ('', ?)", arguments: [scope ?? ""]) ?? 0
            let last = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'lastIndexed'").flatMap(Double.init)
            return KnowledgeBaseStatus(
                root: root, indexPath: indexPath, files: docs[0], passages: passages, bytes: docs[1], skipped: skipped,
                lastIndexed: last.map { Date(timeIntervalSince1970: $0) }, stale: stale)
        }
    }

    func search(_ query: String, scope: String?, limit: Int, feedbackTerms: Int? = nil) throws -> [Passage] {
        try withSearcher { searcher, db in
            try searcher.search(db, query: query, scope: scope ?? "", limit: limit, feedbackTerms: feedbackTerms)
        }
    }

    /// Runs `body` with the store's searcher (made on first use) on a read connection.
    func withSearcher<T>(_ body: (Searcher, Database) throws -> T) throws -> T {
        let current: Searcher = try lock.withLock {
            if let existing = searcher { return existing }
            let made = try Searcher(exhaustive: options.exhaustiveSearch)
            searcher = made
            return made
        }
        return try pool.read { db in try body(current, db) }
    }
}
