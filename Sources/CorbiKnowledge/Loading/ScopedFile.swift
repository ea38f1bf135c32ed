import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a knowledge-base file was not read.
public enum KnowledgeFileRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// No such file (or a link to nothing, or a loop of links).
    case missing
    /// It exists but cannot be read (permissions, an I/O error).
    case unreadable
    /// Not a regular file (a folder, a FIFO, a device).
    case notRegularFile
    /// Its real path is outside the knowledge base.
    case outsideRoot
    /// Its path as named or its real path is not visible to the organization.
    case outOfScope
    /// Larger than the limit given.
    case tooLarge(Int)

    public var description: String {
        switch self {
        case .missing, .unreadable: "cannot be read"
        case .notRegularFile: "not a regular file"
        case .outsideRoot: "symbolic link leading outside the knowledge base"
        case .outOfScope: "symbolic link out of its folder's scope"
        case .tooLarge(let limit): "larger than \(limit) bytes"
        }
    }
}

/// Reads knowledge-base files for an organization, checking each one where it really is
/// when it is read: every read outside the index (the shell's `/cite`) goes through here.
public enum KnowledgeFiles {
    /// The bytes of the file at `path` (relative to `root`) if a member of the organization
    /// `organizationDomain` (nil: shared files only) may read it now: both its path as
    /// named and the real path of the file actually opened must be visible to the
    /// organization (`KnowledgeScope(path:realPath:)`) and inside the real root; a link
    /// swapped in after an answer is refused, whatever it leads to.
    public static func read(
        _ path: String, root: String, organizationDomain: String?, maxBytes: Int
    ) -> Result<[UInt8], KnowledgeFileRefusal> {
        let domain = KnowledgeBase.scope(organizationDomain)
        // Checked before the disk is touched: an absolute path, `..` or another
        // organization's folder in the name is refused as it stands.
        guard !path.hasPrefix("/"), KnowledgeScope(path: path).isVisible(to: domain) else { return .failure(.outOfScope) }
        var root = root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        guard let realRoot = RealPath.of(root) else { return .failure(.missing) }
        switch ScopedFile.read(root + "/" + path, listedAs: path, realRoot: realRoot, limit: maxBytes + 1) {
        case .failure(let refusal):
            return .failure(refusal)
        case .success(let (bytes, scope)):
            guard scope.isVisible(to: domain) else { return .failure(.outOfScope) }
            guard bytes.count <= maxBytes else { return .failure(.tooLarge(maxBytes)) }
            return .success(bytes)
        }
    }
}

/// Opens a file, then decides its scope from what was opened.
enum ScopedFile {
    /// At most `limit` bytes of the regular file at `absolutePath`, with its scope: that of
    /// `listedAs` (its path relative to the root) and of the real path of the open file.
    static func read(
        _ absolutePath: String, listedAs: String, realRoot: String, limit: Int
    ) -> Result<([UInt8], KnowledgeScope), KnowledgeFileRefusal> {
        // O_NONBLOCK: a name swapped for a FIFO must not hang the open.
        let fd = open(absolutePath, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            return .failure([ENOENT, ENOTDIR, ELOOP].contains(errno) ? .missing : .unreadable)
        }
        defer { close(fd) }
        var st = FileStatus()
        guard fstat(fd, &st) == 0 else { return .failure(.unreadable) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return .failure(.notRegularFile) }
        guard let real = RealPath.of(descriptor: fd, openedAs: absolutePath) else { return .failure(.unreadable) }
        guard let realRelative = RealPath.relative(real, toRoot: realRoot) else { return .failure(.outsideRoot) }
        let scope = KnowledgeScope(path: listedAs, realPath: realRelative)
        // Nothing is read from a file nobody may see.
        guard scope != .nobody else { return .failure(.outOfScope) }
        guard let bytes = DocumentReader.read(fd, limit: limit) else { return .failure(.unreadable) }
        return .success((bytes, scope))
    }
}
