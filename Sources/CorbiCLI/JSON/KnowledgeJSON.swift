/// `kb index`: what a pass did.
struct IndexSummaryJSON: Encodable {
    var indexed, unchanged, removed, skipped, passages, bytes: Int
    var seconds: Double
}

/// `kb status`: the index as the organization sees it.
struct KnowledgeStatusJSON: Encodable {
    var root, indexPath: String
    var files, passages, bytes, skipped: Int
    @Nullable var lastIndexed: String?
    var stale: [String]
}

/// `kb search`: `{"results": [{"path", "lineStart", "lineEnd", "heading", "snippet",
/// "score"}]}`, best first.
struct SearchResultsJSON: Encodable {
    struct Result: Encodable {
        var path: String
        var lineStart: Int
        var lineEnd: Int
        var heading: String
        var snippet: String
        var score: Double
    }
    var results: [Result]
}
