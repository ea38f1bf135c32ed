/// Who may see a knowledge-base file — the one rule the scanner, the index, the searcher,
/// the assistant and `/cite` all use.
///
/// From a path relative to the root (`init(path:)`):
///
/// - `orgs/<domain>/...` belongs to that organization alone (the domain folder's name in
///   any case);
/// - a file directly in `orgs/` belongs to no organization and is shown to nobody (it is
///   not indexed, and no member is told its name);
/// - every other file is shared by all organizations;
/// - a path holding a `..` component is shown to nobody (paths found by walking the folder
///   never hold one, so such a path was typed or forged).
///
/// A file reached through symbolic links has two paths: the one it is listed under and its
/// real path (resolved against the knowledge base's real root). It is visible only to
/// organizations that see both (`init(path:realPath:)`): a link may narrow who sees a file,
/// never widen it. So a link at `orgs/a.example/s.md` to `orgs/b.example/secret.md` is
/// shown to nobody, and a shared link (at the root, say) into `orgs/b.example/` is private
/// to `b.example`, like the file it leads to.
public enum KnowledgeScope: Equatable, Hashable, Sendable, Codable {
    case shared
    case organization(String)
    case nobody

    /// The scope of a path relative to the knowledge-base root (`/`-separated; empty and
    /// `.` components are ignored).
    public init(path: String) {
        var first: Substring?
        var second: Substring?
        var count = 0
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                self = .nobody
                return
            }
            if count == 0 { first = part } else if count == 1 { second = part }
            count += 1
        }
        guard first == "orgs", count >= 2, let second else {
            self = .shared
            return
        }
        self = count >= 3 ? .organization(second.lowercased()) : .nobody
    }

    /// The scope of a file listed under `path` whose real path (after every symbolic link,
    /// relative to the real root) is `realPath`: the organizations that see both.
    public init(path: String, realPath: String) {
        self = KnowledgeScope(path: path).intersection(KnowledgeScope(path: realPath))
    }

    /// Who sees a file that both scopes must allow.
    public func intersection(_ other: KnowledgeScope) -> KnowledgeScope {
        switch (self, other) {
        case (.nobody, _), (_, .nobody): .nobody
        case (.shared, _): other
        case (_, .shared): self
        case (.organization(let a), .organization(let b)): a == b ? self : .nobody
        }
    }

    /// Whether an organization (by domain; nil: none, shared files only) sees the file.
    public func isVisible(to domain: String?) -> Bool {
        switch self {
        case .shared: true
        case .organization(let owner): owner == domain?.lowercased()
        case .nobody: false
        }
    }

    /// The `scope` column of the index: "" for shared, the domain for an organization's
    /// file; nil for files that are never indexed.
    var indexValue: String? {
        switch self {
        case .shared: ""
        case .organization(let domain): domain
        case .nobody: nil
        }
    }

    /// The scope an index `scope` column holds.
    init(indexValue: String) {
        self = indexValue.isEmpty ? .shared : .organization(indexValue)
    }
}
