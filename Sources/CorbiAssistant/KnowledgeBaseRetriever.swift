import Foundation

import CorbiKnowledge

/// Retrieves one organization's passages from the knowledge base: shared files and its
/// own `orgs/<domain>/` files, never another organization's.
public struct KnowledgeBaseRetriever: PassageRetriever {
    public var knowledgeBase: KnowledgeBase
    public var organizationDomain: String

    public init(knowledgeBase: KnowledgeBase, organizationDomain: String) {
        self.knowledgeBase = knowledgeBase
        self.organizationDomain = organizationDomain
    }

    /// Pseudo-relevance feedback terms: a question's best passages are few and short, so
    /// feedback costs little here.
    public var feedbackTerms = 10

    public func retrieve(_ question: String, limit: Int) throws -> [Passage] {
        try retrieve(question, expansion: [], limit: limit)
    }

    public func retrieve(_ question: String, expansion: [(word: String, weight: Double)], limit: Int) throws -> [Passage] {
        let passages = try knowledgeBase.search(
            question, organizationDomain: organizationDomain, limit: limit, feedbackTerms: feedbackTerms, expansion: expansion)
        // The index already scopes by organization; checking again here keeps a bug there
        // from ever putting another organization's private file into an answer.
        return passages.filter { Self.isVisible($0.path, to: organizationDomain) }
    }

    public func retrieve(_ question: String, expansion: [(word: String, weight: Double)], limit: Int, paths: [String]) throws -> [Passage] {
        let visible = paths.filter { Self.isVisible($0, to: organizationDomain) }
        guard !visible.isEmpty else { return [] }
        let passages = try knowledgeBase.search(
            question, organizationDomain: organizationDomain, limit: limit, feedbackTerms: feedbackTerms, expansion: expansion,
            paths: visible)
        return passages.filter { Self.isVisible($0.path, to: organizationDomain) }
    }

    public func firstPassages(of paths: [String]) throws -> [Passage] {
        try knowledgeBase.firstPassages(of: paths.filter { Self.isVisible($0, to: organizationDomain) }, organizationDomain: organizationDomain)
            .filter { Self.isVisible($0.path, to: organizationDomain) }
    }

    public func documentPaths(containing fragments: [String]) throws -> [String] {
        try knowledgeBase.documentPaths(containing: fragments, organizationDomain: organizationDomain)
            .filter { Self.isVisible($0, to: organizationDomain) }
    }

    public func statistics(of words: [String]) throws -> TermStatistics? {
        guard !words.isEmpty else { return nil }
        let (frequencies, passages) = try knowledgeBase.documentFrequencies(of: words, organizationDomain: organizationDomain)
        return TermStatistics(frequencies: frequencies, passages: passages)
    }

    /// Whether a path relative to the KB root is shared or the organization's own.
    public static func isVisible(_ path: String, to domain: String) -> Bool {
        KnowledgeScope(path: path).isVisible(to: domain)
    }
}

/// The cited lines of a file as they are on disk now, for the REPL's `/cite N`.
public enum CitedLines {
    /// Lines `lineStart...lineEnd` of `path` under `root`, each prefixed with its number.
    public static func read(root: String, path: String, lineStart: Int, lineEnd: Int) throws -> [String] {
        let url = URL(fileURLWithPath: root).appendingPathComponent(path)
        let content = try String(contentsOf: url, encoding: .utf8)
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        guard lineStart >= 1, lineStart <= lineEnd, lineStart <= lines.count else { return [] }
        let end = min(lineEnd, lines.count)
        return (lineStart...end).map { String(format: "%4d  ", $0) + lines[$0 - 1].replacingOccurrences(of: "\r", with: "") }
    }
}
