/// How a knowledge base reads, writes and searches; the workspace layer fills these from
/// its configuration (the knowledge base itself reads no environment).
public struct KnowledgeBaseOptions: Sendable, Equatable {
    /// Files larger than this (bytes) are skipped with a warning.
    public var maxFileSize: Int
    /// Bytes of passages per index transaction. FTS5 writes one segment per commit: few
    /// large transactions leave few segments, so a large pass needs no final merge. Small
    /// values are for tests that kill a pass midway.
    public var transactionBytes: Int
    /// Scores every matching passage instead of pruning: for checking that pruning
    /// changes no top-10 (the benchmark compares both).
    public var exhaustiveSearch: Bool

    public init(maxFileSize: Int = 10_000_000, transactionBytes: Int = 32_000_000, exhaustiveSearch: Bool = false) {
        self.maxFileSize = maxFileSize
        self.transactionBytes = max(1, transactionBytes)
        self.exhaustiveSearch = exhaustiveSearch
    }
}
