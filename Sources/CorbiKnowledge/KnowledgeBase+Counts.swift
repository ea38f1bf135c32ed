import GRDB

/// How much of the knowledge base is indexed for one scope.
public struct IndexedScopeCount: Sendable, Equatable {
    /// An organization's domain for its own files under `orgs/<domain>/`; nil for the
    /// files every organization shares.
    public var organizationDomain: String?
    /// Files indexed (skipped ones not counted).
    public var files: Int
    /// Passages of those files.
    public var passages: Int

    public init(organizationDomain: String?, files: Int, passages: Int) {
        self.organizationDomain = organizationDomain
        self.files = files
        self.passages = passages
    }
}

extension KnowledgeBase {
    /// Files and passages in the index, per scope, as last indexed: a grouped count of
    /// documents and the per-scope statistics the ranking keeps anyway, no look at the
    /// files on disk (for `/metrics`, which is scraped often).
    public func indexedCounts() throws -> [IndexedScopeCount] {
        try IndexStore.mapping(path: indexPath) {
            try store.pool.read { db in
                var counts: [String: IndexedScopeCount] = [:]
                func entry(_ scope: String) -> IndexedScopeCount {
                    counts[scope] ?? IndexedScopeCount(organizationDomain: scope.isEmpty ? nil : scope, files: 0, passages: 0)
                }
                for row in try Row.fetchAll(db, sql: "SELECT scope, count(*) FROM document WHERE skipReason IS NULL GROUP BY scope") {
                    let scope: String = row[0]
                    var found = entry(scope)
                    found.files = row[1]
                    counts[scope] = found
                }
                // scopeSize counts organizations' passages only (what BM25 leaves out for
                // the others); the shared ones are the rest of the chunk table.
                var organizations = 0
                for row in try Row.fetchAll(db, sql: "SELECT scope, passages FROM scopeSize WHERE scope <> ''") {
                    let scope: String = row[0]
                    var found = entry(scope)
                    found.passages = row[1]
                    organizations += found.passages
                    counts[scope] = found
                }
                let shared = try Int.fetchOne(db, sql: "SELECT count(*) FROM chunk")! - organizations
                if shared > 0 || counts[""] != nil {
                    var found = entry("")
                    found.passages = shared
                    counts[""] = found
                }
                return counts.values.sorted { ($0.organizationDomain ?? "") < ($1.organizationDomain ?? "") }
            }
        }
    }
}
