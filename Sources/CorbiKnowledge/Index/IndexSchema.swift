import Foundation
import GRDB

/// The index file's tables. The index is derived data: a schema it does not know is
/// dropped and rebuilt rather than migrated.
///
/// FTS5 settings, measured on the 50 MB benchmark: a 64 MB in-memory hash (`hashsize`)
/// holds a whole 32 MB transaction (`KnowledgeBaseOptions.transactionBytes`), so each commit writes
/// one segment, and `automerge` 16 leaves those few large segments alone; the defaults
/// (1 MB, 4) write and merge many small ones (a full index took 3.4 s instead of 1.9 s).
/// The tokenizer is `porter unicode61 remove_diacritics 2` behind `PretokenizedTokenizer`,
/// which lets the reading thread tokenize passages for the writing thread.
enum IndexSchema {
    /// 5: plain-text files are cut at the titles their layout shows (FAQ entries, options).
    /// 6: plain-text sections under 200 bytes are joined with the next one in their section;
    /// a manual page's `NAME` line is searched with each of its passages' headings
    /// (`document.context`); the FTS index's content is the view `chunkText`, which joins
    /// them as `Chunker.indexedHeading` does.
    static let version = "6"

    /// A new index starts its generation at the clock (microseconds), so that a process
    /// holding documents read from an index that was since dropped and created again
    /// never finds its old generation current.
    static func firstGeneration() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1_000_000)
    }

    static func create(_ db: Database) throws {
        let current = try db.tableExists("meta")
            ? String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'") : nil
        if current == version { return }
        if try current != nil || db.tableExists("document") {
            try db.execute(sql: """
                DROP TABLE IF EXISTS chunkVocab; DROP TABLE IF EXISTS chunkFTS; DROP VIEW IF EXISTS chunkText;
                DROP TABLE IF EXISTS scopeTerm; DROP TABLE IF EXISTS scopeSize;
                DROP TABLE IF EXISTS chunk; DROP TABLE IF EXISTS document; DROP TABLE IF EXISTS meta;
                """)
        }
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE document(
              id INTEGER PRIMARY KEY,
              path TEXT NOT NULL UNIQUE,
              scope TEXT NOT NULL,
              kind TEXT NOT NULL,
              size INTEGER NOT NULL,
              mtime INTEGER NOT NULL,
              sha256 TEXT NOT NULL,
              skipReason TEXT,
              indexedAt REAL NOT NULL,
              context TEXT NOT NULL DEFAULT ''
            );
            CREATE TABLE chunk(
              id INTEGER PRIMARY KEY,
              documentId INTEGER NOT NULL REFERENCES document(id),
              ordinal INTEGER NOT NULL,
              scope TEXT NOT NULL,
              heading TEXT NOT NULL,
              body TEXT NOT NULL,
              lineStart INTEGER NOT NULL,
              lineEnd INTEGER NOT NULL
            );
            CREATE INDEX chunk_documentId ON chunk(documentId);
            CREATE VIEW chunkText AS
              SELECT chunk.id AS id,
                CASE WHEN document.context = '' THEN chunk.heading
                     WHEN chunk.heading = '' THEN document.context
                     ELSE document.context || '\(Chunker.headingSeparator)' || chunk.heading END AS heading,
                chunk.body AS body
              FROM chunk JOIN document ON document.id = chunk.documentId;
            CREATE VIRTUAL TABLE chunkFTS USING fts5(
              heading, body, content='chunkText', content_rowid='id',
              tokenize='\(PretokenizedTokenizer.name) \(PretokenizedTokenizer.inner.joined(separator: " "))', detail=full);
            CREATE VIRTUAL TABLE chunkVocab USING fts5vocab(chunkFTS, row);
            \(ScopeStatistics.schema)
            INSERT INTO chunkFTS(chunkFTS, rank) VALUES('hashsize', 67108864);
            INSERT INTO chunkFTS(chunkFTS, rank) VALUES('automerge', 16);
            INSERT INTO meta(key, value) VALUES('schema', '\(version)');
            INSERT INTO meta(key, value) VALUES('generation', \(Self.firstGeneration()));
            """)
    }
}
