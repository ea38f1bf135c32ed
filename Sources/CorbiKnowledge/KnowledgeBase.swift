import Crypto
import Foundation
import GRDB

/// The knowledge base: the files under a folder, their passages in an SQLite FTS5 index
/// kept beside the database, and ranked search scoped to one organization.
///
/// Files under `orgs/<domain>/` belong to that organization alone; every other file is
/// shared. The index is derived data and can be rebuilt at any time.
public struct KnowledgeBase: Sendable {
    /// The knowledge-base folder.
    public let root: String
    /// The SQLite index file.
    public let indexPath: String
    /// Size limit, transaction size and search switches.
    public let options: KnowledgeBaseOptions

    /// Files larger than this are skipped with a warning.
    public var maxFileSize: Int { options.maxFileSize }

    let store: IndexStore

    /// Opens (creating if needed) the index at `indexPath` for the folder `root`.
    public init(root: String, indexPath: String, options: KnowledgeBaseOptions = KnowledgeBaseOptions()) throws {
        var root = root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.root = root
        self.indexPath = indexPath
        self.options = options
        self.store = try IndexStore.open(path: indexPath, options: options)
    }

    /// Opens the index with default options but for the size limit.
    public init(root: String, indexPath: String, maxFileSize: Int) throws {
        try self.init(root: root, indexPath: indexPath, options: KnowledgeBaseOptions(maxFileSize: maxFileSize))
    }

    /// A cheap stat pass, then re-indexing of the files that were added or edited (size,
    /// mtime or scope changed, confirmed by SHA-256), and removal of deleted ones. Runs
    /// before every search; cheap when nothing changed.
    ///
    /// One pass runs at a time per index file, across processes and threads. When another
    /// pass is running: with `waitingForOtherIndexer`, this one waits for it and then finds
    /// its work done (`waitedForAnotherIndexer`; what `kb index` does); without, it returns
    /// at once with `leftToAnotherIndexer` set, so that a search answers from what the
    /// other pass has committed instead of waiting for it.
    ///
    /// The summary counts every scope; show a member only ``IndexSummary/visible(to:)``.
    @discardableResult
    public func refresh(waitingForOtherIndexer: Bool = false, progress: ((IndexProgress) -> Void)? = nil) throws -> IndexSummary {
        try IndexStore.mapping(path: indexPath) {
            try store.refresh(root: root, maxFileSize: maxFileSize, full: false, wait: waitingForOtherIndexer, progress: progress)
        }
    }

    /// Reads every file again and replaces the whole index. Waits for a pass that is
    /// running, and does not start over if a full pass began while it waited. Searches see
    /// the old index until the new one is complete (one transaction), unless the index was
    /// empty. The summary counts every scope; show a member only ``IndexSummary/visible(to:)``.
    @discardableResult
    public func rebuild(progress: ((IndexProgress) -> Void)? = nil) throws -> IndexSummary {
        try IndexStore.mapping(path: indexPath) {
            try store.refresh(root: root, maxFileSize: maxFileSize, full: true, wait: true, progress: progress)
        }
    }

    /// The best passages first for the organization whose domain is given: shared files
    /// plus `orgs/<domain>/` only (nil: shared files only), each file's scope decided on its
    /// real path too (see ``KnowledgeScope``). Any text is accepted; text with no searchable
    /// word gives no results. Refreshes the index first unless this value refreshed it
    /// within the last second or another pass is running (the search then answers at once
    /// from what that pass has committed). `feedbackTerms` turns pseudo-relevance
    /// feedback on (terms added from the best passages) or off (0); nil keeps the default.
    public func search(_ query: String, organizationDomain: String?, limit: Int = 10, feedbackTerms: Int? = nil) throws -> [Passage] {
        try IndexStore.mapping(path: indexPath) {
            try store.refreshIfStale(root: root, maxFileSize: maxFileSize)
            guard limit > 0 else { return [] }
            return try store.search(query, scope: Self.scope(organizationDomain), limit: limit, feedbackTerms: feedbackTerms)
        }
    }

    /// A fingerprint (hex SHA-256) of the indexed documents visible to the organization
    /// (their paths and content hashes), for the audit trail.
    public func fingerprint(organizationDomain: String?) throws -> String {
        let documents = try IndexStore.mapping(path: indexPath) { try store.visibleDocuments(scope: Self.scope(organizationDomain)) }
        var hasher = SHA256()
        for (path, sha) in documents {
            hasher.update(data: Data((path + "\u{0}" + sha + "\n").utf8))
        }
        return DocumentReader.hex(hasher.finalize())
    }

    /// Files, passages and freshness of the index as the organization sees it.
    public func status(organizationDomain: String?) throws -> KnowledgeBaseStatus {
        try IndexStore.mapping(path: indexPath) {
            try store.status(root: root, indexPath: indexPath, scope: Self.scope(organizationDomain), maxFileSize: maxFileSize)
        }
    }

    static func scope(_ domain: String?) -> String? {
        guard let domain = domain?.trimmingCharacters(in: .whitespaces).lowercased(), !domain.isEmpty else { return nil }
        return domain
    }
}

extension KnowledgeBase {
    /// Where the index of the database at `databasePath` lives: beside it, as
    /// `<name without .sqlite>.kb-index.sqlite`.
    public static func indexPath(besideDatabase databasePath: String) -> String {
        var base = databasePath
        for ext in [".sqlite3", ".sqlite", ".db"] where base.hasSuffix(ext) {
            base.removeLast(ext.count)
            break
        }
        return base + ".kb-index.sqlite"
    }
}
