import GRDB

/// What the index holds about each file, as the stat pass compares it against the disk.
///
/// Kept in memory between passes (a shell refreshes before every question) and trusted only
/// while the index's generation is the one it was read or last updated at: every write
/// transaction, from any process, moves the generation on.
struct KnownDocuments: Sendable {
    struct Document: Sendable, Equatable {
        var size: Int
        var mtime: Int64
        var sha256: String
        var skipReason: String?
        /// The index `scope` value the file was indexed with: a link retargeted to a file of
        /// the same size and mtime changes only this, and is indexed again.
        var scope: String
    }

    /// The index generation these documents are true at.
    var generation: Int64
    /// By path relative to the knowledge-base root.
    var documents: [String: Document]

    /// Reads every document row (call inside one read transaction with the generation).
    static func load(_ db: Database, generation: Int64) throws -> KnownDocuments {
        var documents: [String: Document] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT path, size, mtime, sha256, skipReason, scope FROM document")
        while let row = try rows.next() {
            documents[row[0]] = Document(size: row[1], mtime: row[2], sha256: row[3], skipReason: row[4], scope: row[5])
        }
        return KnownDocuments(generation: generation, documents: documents)
    }

    /// The index's current generation.
    static func generation(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'")) ?? 0
    }

    /// Moves the generation on; call once in every write transaction.
    static func advanceGeneration(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: """
            INSERT INTO meta(key, value) VALUES('generation', 1)
            ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1
            RETURNING CAST(value AS INTEGER)
            """)) ?? 0
    }

    /// Records a transaction this process committed (nil: the path's row was deleted).
    /// Returns false when another writer committed in between: these documents are then
    /// out of date and must be read again.
    mutating func committed(generation newGeneration: Int64, changes: [String: Document?]) -> Bool {
        guard newGeneration == generation + 1 else { return false }
        generation = newGeneration
        for (path, document) in changes { documents[path] = document }
        return true
    }
}
