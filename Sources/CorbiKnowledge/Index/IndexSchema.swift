import GRDB

/// The index file's tables. The index is derived data: a schema it does not know is
/// dropped and rebuilt rather than migrated.
///
/// FTS5 settings, measured on the 50 MB benchmark: a 16 MB in-memory hash (`hashsize`)
/// and `automerge` 16 write far fewer, larger segments than the defaults (1 MB, 4), which
/// takes a full index from about 3.4 s to 1.9 s; a large pass ends with 'optimize'.
enum IndexSchema {
    static let version = "2"

    static func create(_ db: Database) throws {
        let current = try db.tableExists("meta")
            ? String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'") : nil
        if current == version { return }
        if try current != nil || db.tableExists("document") {
            try db.execute(sql: """
                DROP TABLE IF EXISTS chunkVocab; DROP TABLE IF EXISTS chunkFTS;
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
              indexedAt REAL NOT NULL
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
            CREATE VIRTUAL TABLE chunkFTS USING fts5(
              heading, body, content='chunk', content_rowid='id',
              tokenize='porter unicode61 remove_diacritics 2', detail=full);
            CREATE VIRTUAL TABLE chunkVocab USING fts5vocab(chunkFTS, row);
            INSERT INTO chunkFTS(chunkFTS, rank) VALUES('hashsize', 16777216);
            INSERT INTO chunkFTS(chunkFTS, rank) VALUES('automerge', 16);
            INSERT INTO meta(key, value) VALUES('schema', '\(version)');
            """)
    }
}
