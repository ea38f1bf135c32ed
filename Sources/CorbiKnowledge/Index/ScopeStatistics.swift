import GRDB

/// Counts that let a search work out its BM25 statistics (how many passages, how long on
/// average, how many hold a word) over what one organization sees, so that another
/// organization's private files change neither its scores nor its ranking.
///
/// Only passages of files under `orgs/<domain>/` are counted, per domain: what an
/// organization sees is the whole index minus every other domain's passages. Kept by the
/// writer in the same transaction as the passages, from the same tokens FTS5 indexes.
enum ScopeStatistics {
    static let schema = """
        CREATE TABLE scopeTerm(
          term TEXT NOT NULL,
          scope TEXT NOT NULL,
          passages INTEGER NOT NULL,
          PRIMARY KEY(term, scope)
        ) WITHOUT ROWID;
        CREATE TABLE scopeSize(
          scope TEXT PRIMARY KEY,
          passages INTEGER NOT NULL,
          headingTokens INTEGER NOT NULL,
          bodyTokens INTEGER NOT NULL
        ) WITHOUT ROWID;
        """

    /// Counts the passages of one scope in (`sign` 1) or out (`sign` -1).
    static func apply(_ db: Database, scope: String, passages: [PassageTokens], sign: Int) throws {
        guard !scope.isEmpty, !passages.isEmpty else { return }
        var holding: [String: Int] = [:]
        var headingTokens = 0, bodyTokens = 0
        for passage in passages {
            headingTokens += passage.heading.count
            bodyTokens += passage.body.count
            var terms = Set<String>()
            passage.heading.forEachTerm { terms.insert($0) }
            passage.body.forEachTerm { terms.insert($0) }
            for term in terms { holding[term, default: 0] += 1 }
        }
        let addTerm = try db.cachedStatement(sql: """
            INSERT INTO scopeTerm(term, scope, passages) VALUES (?, ?, ?)
            ON CONFLICT(term, scope) DO UPDATE SET passages = passages + excluded.passages
            """)
        for (term, count) in holding {
            try addTerm.execute(arguments: [term, scope, sign * count])
        }
        try db.cachedStatement(sql: """
            INSERT INTO scopeSize(scope, passages, headingTokens, bodyTokens) VALUES (?, ?, ?, ?)
            ON CONFLICT(scope) DO UPDATE SET passages = passages + excluded.passages,
              headingTokens = headingTokens + excluded.headingTokens, bodyTokens = bodyTokens + excluded.bodyTokens
            """).execute(arguments: [scope, sign * passages.count, sign * headingTokens, sign * bodyTokens])
    }

    /// Passages, heading tokens and body tokens of every scope but `scope` ("": all scopes).
    static func outside(_ db: Database, scope: String) throws -> (passages: Int, headingTokens: Int, bodyTokens: Int) {
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT coalesce(sum(passages), 0), coalesce(sum(headingTokens), 0), coalesce(sum(bodyTokens), 0)
            FROM scopeSize WHERE scope <> ?
            """), arguments: [scope])
        return (row?[0] ?? 0, row?[1] ?? 0, row?[2] ?? 0)
    }

    /// Passages holding `term` in every scope but `scope`.
    static func passagesOutside(_ db: Database, scope: String, term: String) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: """
            SELECT coalesce(sum(passages), 0) FROM scopeTerm WHERE term = ? AND scope <> ?
            """), arguments: [term, scope]) ?? 0
    }
}
