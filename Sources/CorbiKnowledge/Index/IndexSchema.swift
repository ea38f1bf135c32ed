import GRDB

/// The index file's tables. The index is derived data: a schema it does not know is
/// dropped and rebuilt rather than migrated.
enum IndexSchema {
    static let version = "1"

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
            INSERT INTO meta(key, value) VALUES('schema', '\(version)');
            """)
    }
}
