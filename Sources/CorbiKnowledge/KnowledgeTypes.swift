import Foundation

/// One retrievable passage of a knowledge-base file.
public struct Passage: Sendable, Equatable, Codable {
    /// Relative to the knowledge-base root, with "/" separators.
    public var path: String
    /// 1-based, first line of the passage in the file on disk.
    public var lineStart: Int
    /// 1-based, inclusive.
    public var lineEnd: Int
    /// Heading path such as "Cancellation › Notice period" ("" if none).
    public var heading: String
    /// The passage's text, one line per source line from `lineStart` to `lineEnd`
    /// (Markdown and text: the raw lines; HTML: tags removed, line breaks kept).
    public var text: String
    /// Higher is better.
    public var score: Double
    /// A short excerpt around the words of the query, for display.
    public var snippet: String

    public init(path: String, lineStart: Int, lineEnd: Int, heading: String, text: String, score: Double, snippet: String) {
        self.path = path
        self.lineStart = lineStart
        self.lineEnd = lineEnd
        self.heading = heading
        self.text = text
        self.score = score
        self.snippet = snippet
    }
}

/// A file an indexing pass left out, and why.
public struct IndexWarning: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Relative to the knowledge-base root, as listed (the link's own path for a link).
    public var path: String
    /// Why, in words ("binary file", "symbolic link leading outside the knowledge base").
    public var reason: String
    /// Who may be told: the scope of the file (for a link refused because of where it
    /// leads, the scope of the folder the link is in).
    public var scope: KnowledgeScope

    public init(path: String, reason: String, scope: KnowledgeScope) {
        self.path = path
        self.reason = reason
        self.scope = scope
    }

    /// `skipped PATH: REASON`, the line `kb index` prints.
    public var description: String { "skipped \(path): \(reason)" }
}

/// What one indexing pass did, counted per scope so that each organization is told about
/// shared files and its own only (``visible(to:)``): the index is shared, the report is not.
public struct IndexSummary: Sendable, Equatable, Codable {
    /// The counts of one scope.
    public struct Counts: Sendable, Equatable, Codable {
        /// Files whose passages were (re)written.
        public var indexed = 0
        /// Files seen and left as they were (same size and mtime, or same SHA-256).
        public var unchanged = 0
        /// Files gone from disk (or out of reach) whose passages were dropped.
        public var removed = 0
        /// Files skipped (hidden, binary, invalid UTF-8, too large, unsupported, links
        /// leading outside the root or out of their folder's scope).
        public var skipped = 0
        /// Passages written.
        public var passages = 0
        /// Bytes of the files read.
        public var bytes = 0

        public init() {}

        static func + (a: Counts, b: Counts) -> Counts {
            var c = a
            c.indexed += b.indexed
            c.unchanged += b.unchanged
            c.removed += b.removed
            c.skipped += b.skipped
            c.passages += b.passages
            c.bytes += b.bytes
            return c
        }
    }

    /// The counts of each scope the pass met.
    public private(set) var byScope: [KnowledgeScope: Counts] = [:]
    /// Wall-clock duration of the pass.
    public var seconds = 0.0
    /// One per skipped file, for stderr (``IndexWarning/description``), sorted by path.
    public private(set) var warnings: [IndexWarning] = []
    /// Another process (or thread) was indexing: this pass waited for it to finish and then
    /// found what it had done (`kb index`).
    public var waitedForAnotherIndexer = false
    /// Another process (or thread) was indexing: this pass did nothing, so that a search
    /// answers at once from what the index has committed (every refresh before a search).
    public var leftToAnotherIndexer = false

    public init() {}

    /// The counts of every scope together.
    public var total: Counts { byScope.values.reduce(Counts(), +) }
    /// Files whose passages were (re)written.
    public var indexed: Int { total.indexed }
    /// Files seen and left as they were.
    public var unchanged: Int { total.unchanged }
    /// Files gone from disk whose passages were dropped.
    public var removed: Int { total.removed }
    /// Files skipped, each with one warning.
    public var skipped: Int { total.skipped }
    /// Passages written by this pass.
    public var passages: Int { total.passages }
    /// Bytes of the files read by this pass.
    public var bytes: Int { total.bytes }

    /// Whether the pass changed the index.
    public var changedIndex: Bool { indexed > 0 || removed > 0 }

    /// The pass as a member of the organization `domain` may see it (nil: shared files
    /// only): counts and warnings of shared files and of the organization's own.
    public func visible(to domain: String?) -> IndexSummary {
        var copy = self
        copy.byScope = byScope.filter { $0.key.isVisible(to: domain) }
        copy.warnings = warnings.filter { $0.scope.isVisible(to: domain) }
        return copy
    }

    /// Adds to the counts of `scope`.
    mutating func count(_ scope: KnowledgeScope, _ change: (inout Counts) -> Void) {
        change(&byScope[scope, default: Counts()])
    }

    /// Records a skipped file: its warning, and one more skipped file in its scope.
    mutating func skip(_ warning: IndexWarning) {
        warnings.append(warning)
        byScope[warning.scope, default: Counts()].skipped += 1
    }

    /// Adds another part of the same pass.
    mutating func add(_ other: IndexSummary) {
        for (scope, counts) in other.byScope { byScope[scope] = (byScope[scope] ?? Counts()) + counts }
        warnings += other.warnings
    }

    mutating func sortWarnings() {
        warnings.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }
}

/// Progress of an indexing pass, reported after each batch.
public struct IndexProgress: Sendable, Equatable {
    /// Files processed so far (of those that needed reading).
    public var filesDone: Int
    /// Files that need reading in this pass.
    public var filesTotal: Int
    /// Bytes processed so far.
    public var bytesDone: Int
    /// Bytes that need reading in this pass.
    public var bytesTotal: Int
    /// Seconds since the pass started.
    public var seconds: Double
    /// Another process (or thread) is indexing and this pass waits for it (nothing done yet).
    public var waitingForAnotherIndexer = false

    /// Megabytes per second so far.
    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytesDone) / 1e6 / seconds : 0 }
}

/// What the index holds for one organization, and how fresh it is.
public struct KnowledgeBaseStatus: Sendable, Equatable, Codable {
    /// The knowledge-base folder.
    public var root: String
    /// The index file.
    public var indexPath: String
    /// Indexed files visible to the organization.
    public var files: Int
    /// Passages of those files.
    public var passages: Int
    /// Bytes of those files.
    public var bytes: Int
    /// Files recorded as skipped (binary, invalid UTF-8, too large).
    public var skipped: Int
    /// When the index was last written, nil if never.
    public var lastIndexed: Date?
    /// Files on disk that are new, edited or deleted since the last indexing, relative paths.
    public var stale: [String]
}

/// Failures of the knowledge-base layer. Front ends map them to their exit codes.
public enum KnowledgeBaseError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The knowledge-base folder does not exist or is not a folder.
    case missingRoot(String)
    /// Another process kept the index locked for longer than the busy timeout.
    case indexBusy(String)
    /// The index file or its folder cannot be created or written (permissions, read-only
    /// file system).
    case indexUnwritable(String)
    /// The disk is full or failed while reading or writing the index.
    case indexIO(String)
    /// Any other failure of the index (a bug).
    case index(String)

    public var description: String {
        switch self {
        case .missingRoot(let path): "No knowledge-base folder at \(path)."
        case .indexBusy(let path): "The knowledge-base index \(path) stayed locked by another process; try again."
        case .indexUnwritable(let message): "The knowledge-base index cannot be written: \(message)"
        case .indexIO(let message): "The knowledge-base index could not be read or written: \(message)"
        case .index(let message): "The knowledge-base index failed: \(message)"
        }
    }
}
