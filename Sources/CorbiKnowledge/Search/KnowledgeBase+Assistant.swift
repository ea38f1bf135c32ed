import Foundation
import GRDB

/// What the assistant asks of the knowledge base beyond `kb search`: a search with weighted
/// extra words, and how often words occur. Kept apart from `search` so that `kb search`
/// ranks exactly as measured on CISI.
extension KnowledgeBase {
    /// The best passages for `query` plus weighted `expansion` words (synonyms of its
    /// words), with pseudo-relevance feedback; scoped like `search`.
    /// `paths` (files relative to the root) restricts the search to those files.
    public func search(
        _ query: String, organizationDomain: String?, limit: Int, feedbackTerms: Int?, expansion: [(word: String, weight: Double)],
        paths: [String]? = nil
    ) throws -> [Passage] {
        try IndexStore.mapping(path: indexPath) {
            try store.refreshIfStale(root: root, maxFileSize: maxFileSize)
            guard limit > 0 else { return [] }
            return try store.withSearcher { searcher, db in
                try searcher.search(
                    db, query: query, scope: Self.scope(organizationDomain) ?? "", limit: limit, feedbackTerms: feedbackTerms,
                    expansion: expansion, paths: paths)
            }
        }
    }

    /// For each word, how many passages visible to the organization hold it (by stem), and
    /// how many passages it sees in all.
    public func documentFrequencies(of words: [String], organizationDomain: String?) throws -> (frequencies: [String: Int], passages: Int) {
        try IndexStore.mapping(path: indexPath) {
            try store.withSearcher { searcher, db in
                let scope = Self.scope(organizationDomain) ?? ""
                return (try searcher.documentFrequencies(db, words: words, scope: scope), try searcher.visibleRows(db, scope: scope))
            }
        }
    }

    /// The indexed files the organization sees (shared and its own), relative to the root.
    public func documentPaths(organizationDomain: String?) throws -> [String] {
        try IndexStore.mapping(path: indexPath) { try store.visibleDocuments(scope: Self.scope(organizationDomain)).map(\.0) }
    }

    /// The indexed files the organization sees whose path contains one of `fragments`
    /// (ASCII case folded), so that a question is matched against file names without
    /// listing every file of a large knowledge base.
    public func documentPaths(containing fragments: [String], organizationDomain: String?) throws -> [String] {
        let fragments = fragments.filter { !$0.isEmpty && !$0.contains("%") && !$0.contains("_") }
        guard !fragments.isEmpty else { return [] }
        return try IndexStore.mapping(path: indexPath) {
            try store.withSearcher { _, db in
                let likes = Array(repeating: "path LIKE ?", count: fragments.count).joined(separator: " OR ")
                var arguments: StatementArguments = [Self.scope(organizationDomain) ?? ""]
                arguments += StatementArguments(fragments.map { "%" + $0 + "%" })
                return try String.fetchAll(db, sql: """
                    SELECT path FROM document WHERE skipReason IS NULL AND scope IN ('', ?) AND (\(likes)) ORDER BY path
                    """, arguments: arguments)
            }
        }
    }

    /// The first passage of each of the given files the organization sees (score 0).
    public func firstPassages(of paths: [String], organizationDomain: String?) throws -> [Passage] {
        guard !paths.isEmpty else { return [] }
        return try IndexStore.mapping(path: indexPath) {
            try store.withSearcher { _, db in
                let marks = Array(repeating: "?", count: paths.count).joined(separator: ", ")
                var arguments: StatementArguments = [Self.scope(organizationDomain) ?? ""]
                arguments += StatementArguments(paths)
                return try Row.fetchAll(db, sql: """
                    SELECT document.path, chunk.lineStart, chunk.lineEnd, chunk.heading, chunk.body
                    FROM chunk JOIN document ON document.id = chunk.documentId
                    WHERE chunk.scope IN ('', ?) AND document.path IN (\(marks))
                      AND chunk.ordinal = (SELECT MIN(c.ordinal) FROM chunk c WHERE c.documentId = chunk.documentId)
                    ORDER BY document.path
                    """, arguments: arguments).map { row in
                    Passage(path: row[0], lineStart: row[1], lineEnd: row[2], heading: row[3], text: row[4], score: 0, snippet: "")
                }
            }
        }
    }
}
