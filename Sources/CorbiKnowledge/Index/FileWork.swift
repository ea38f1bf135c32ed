/// What the reading thread hands the writer for one file.
enum FileWork: Sendable {
    /// New text: its passages (with their FTS5 tokens) replace the file's old ones.
    case index(FileEntry, sha256: String, chunks: [Chunk], tokens: [PassageTokens])
    /// Same SHA-256 as indexed: only size and mtime are updated.
    case touch(FileEntry, sha256: String)
    /// Cannot be indexed: recorded so it is not read again until it changes.
    case skip(FileEntry, reason: String)

    var entry: FileEntry {
        switch self {
        case .index(let entry, _, _, _), .touch(let entry, _), .skip(let entry, _): entry
        }
    }

    /// The document row this work leaves behind.
    var document: KnownDocuments.Document {
        switch self {
        case .index(let e, let sha, _, _), .touch(let e, let sha):
            .init(size: e.size, mtime: e.mtime, sha256: sha, skipReason: nil, scope: e.scope)
        case .skip(let e, let reason): .init(size: e.size, mtime: e.mtime, sha256: "", skipReason: reason, scope: e.scope)
        }
    }
}
