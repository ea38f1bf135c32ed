/// Who may see a knowledge-base file, decided from its path relative to the root — the
/// one rule the scanner, the index, the searcher and the assistant all use:
///
/// - `orgs/<domain>/...` belongs to that organization alone (the domain folder's name in
///   any case);
/// - a file directly in `orgs/` belongs to no organization and is shown to nobody (it is
///   not indexed; `kb index` names it as skipped);
/// - every other file is shared by all organizations.
public enum KnowledgeScope: Equatable, Hashable, Sendable {
    case shared
    case organization(String)
    case nobody

    /// The scope of a path relative to the knowledge-base root (`/`-separated).
    public init(path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.first == "orgs", parts.count >= 2 else {
            self = .shared
            return
        }
        self = parts.count >= 3 ? .organization(parts[1].lowercased()) : .nobody
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
}
