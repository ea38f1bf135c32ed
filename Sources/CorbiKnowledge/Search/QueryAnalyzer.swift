import Foundation
import GRDB

/// Turns text into the tokens the index holds, with FTS5's own tokenizers (so the stems
/// are exactly those of the index): each token as written (lower-cased, accents removed)
/// and its Porter stem. Runs on a private in-memory database.
final class QueryAnalyzer: @unchecked Sendable {
    struct Token: Equatable {
        var surface: String
        var stem: String
    }

    private let queue: DatabaseQueue

    init() throws {
        queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: """
                CREATE VIRTUAL TABLE raw USING fts5(x, tokenize='unicode61 remove_diacritics 2');
                CREATE VIRTUAL TABLE rawV USING fts5vocab(raw, instance);
                CREATE VIRTUAL TABLE stem USING fts5(x, tokenize='porter unicode61 remove_diacritics 2');
                CREATE VIRTUAL TABLE stemV USING fts5vocab(stem, instance);
                """)
        }
    }

    /// The tokens of each text, in order.
    func tokenize(_ texts: [String]) throws -> [[Token]] {
        guard !texts.isEmpty else { return [] }
        return try queue.inDatabase { db in
            try db.execute(sql: "DELETE FROM raw; DELETE FROM stem")
            let insertRaw = try db.cachedStatement(sql: "INSERT INTO raw(rowid, x) VALUES (?, ?)")
            let insertStem = try db.cachedStatement(sql: "INSERT INTO stem(rowid, x) VALUES (?, ?)")
            for (i, text) in texts.enumerated() {
                try insertRaw.execute(arguments: [i, text])
                try insertStem.execute(arguments: [i, text])
            }
            func read(_ table: String) throws -> [[(Int, String)]] {
                var out = Array(repeating: [(Int, String)](), count: texts.count)
                let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT doc, offset, term FROM \(table)"))
                while let row = try rows.next() {
                    let doc: Int = row[0]
                    if doc >= 0, doc < out.count { out[doc].append((row[1], row[2])) }
                }
                return out.map { $0.sorted { $0.0 < $1.0 } }
            }
            let raw = try read("rawV")
            let stems = try read("stemV")
            var result: [[Token]] = []
            result.reserveCapacity(texts.count)
            for (r, s) in zip(raw, stems) {
                if r.count == s.count {
                    result.append(zip(r, s).map { Token(surface: $0.1, stem: $1.1) })
                } else {
                    // Never expected (porter wraps unicode61 token for token); stay usable.
                    result.append(s.map { Token(surface: $0.1, stem: $0.1) })
                }
            }
            try db.execute(sql: "DELETE FROM raw; DELETE FROM stem")
            return result
        }
    }
}
