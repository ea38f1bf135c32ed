import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The kinds of file the knowledge base reads.
enum DocumentKind: String, Sendable {
    case markdown, text, html

    init?(path: String) {
        // By the bytes of the name: Foundation's pathExtension costs more than the stat.
        guard let dot = path.utf8.lastIndex(of: UInt8(ascii: ".")) else { return nil }
        let ext = String(decoding: path.utf8[path.utf8.index(after: dot)...].prefix(9), as: UTF8.self).lowercased()
        switch ext {
        case "md", "markdown": self = .markdown
        case "txt": self = .text
        case "html", "htm": self = .html
        default: return nil
        }
    }
}

/// A file found under the knowledge-base root, with what a stat tells about it.
struct FileEntry: Sendable, Equatable {
    /// Relative to the root, "/" separators.
    var path: String
    var absolutePath: String
    var size: Int
    /// Modification time in nanoseconds since 1970, compared exactly.
    var mtime: Int64
    /// "" for shared files, the organization domain for files under `orgs/<domain>/`.
    var scope: String
    var kind: DocumentKind
}

/// Walks the knowledge-base folder without following symbolic links that leave it and
/// without looping, collecting loadable files and one warning per skipped entry.
struct FileScanner {
    let root: String

    struct Result {
        var files: [FileEntry] = []
        var warnings: [String] = []
        var skipped = 0
    }

    /// The organization scope of a relative path: `orgs/<domain>/...` belongs to that domain.
    static func scope(of relativePath: String) -> String {
        guard relativePath.hasPrefix("orgs/") else { return "" }
        let parts = relativePath.split(separator: "/", omittingEmptySubsequences: true)
        if parts.count >= 3 { return parts[1].lowercased() }
        return ""
    }

    func scan() throws -> Result {
        var st = stat()
        guard stat(root, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw KnowledgeBaseError.missingRoot(root)
        }
        let realRoot = Self.realPath(root) ?? root
        var result = Result()
        var visited: Set<DirectoryID> = [DirectoryID(st)]
        walk(directory: root, relative: "", realRoot: realRoot, visited: &visited, into: &result)
        return result
    }

    private struct DirectoryID: Hashable {
        var device: UInt64
        var inode: UInt64
        init(_ st: stat) {
            device = UInt64(st.st_dev)
            inode = UInt64(st.st_ino)
        }
    }

    private func walk(directory: String, relative: String, realRoot: String, visited: inout Set<DirectoryID>, into result: inout Result) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0, let names = Self.entries(of: fd) else {
            if fd >= 0 { close(fd) }
            result.warnings.append("skipped \(relative.isEmpty ? "." : relative): cannot read the folder")
            result.skipped += 1
            return
        }
        defer { close(fd) }
        for name in names {
            let rel = relative.isEmpty ? name : relative + "/" + name
            let abs = directory + "/" + name
            if name.hasPrefix(".") {
                result.warnings.append("skipped \(rel): hidden")
                result.skipped += 1
                continue
            }
            var st = stat()
            // Relative to the open folder: no path walk per file.
            guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            if (st.st_mode & S_IFMT) == S_IFLNK {
                guard let target = Self.realPath(abs), target == realRoot || target.hasPrefix(realRoot + "/") else {
                    result.warnings.append("skipped \(rel): symbolic link leading outside the knowledge base")
                    result.skipped += 1
                    continue
                }
                guard stat(abs, &st) == 0 else { continue }
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                // A directory reached twice (through a link) is walked once: loops end here.
                guard visited.insert(DirectoryID(st)).inserted else { continue }
                walk(directory: abs, relative: rel, realRoot: realRoot, visited: &visited, into: &result)
            case S_IFREG:
                guard let kind = DocumentKind(path: name) else {
                    result.warnings.append("skipped \(rel): not Markdown, text or HTML")
                    result.skipped += 1
                    continue
                }
                let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
                result.files.append(FileEntry(
                    path: rel, absolutePath: abs, size: Int(st.st_size), mtime: mtime,
                    scope: Self.scope(of: rel), kind: kind))
            default:
                result.warnings.append("skipped \(rel): not a regular file")
                result.skipped += 1
            }
        }
    }

    /// Entry names of a folder, sorted so passes are deterministic.
    private static func entries(of fd: Int32) -> [String]? {
        // fdopendir takes over its descriptor: give it a copy, the caller keeps `fd`.
        let copy = dup(fd)
        guard copy >= 0 else { return nil }
        guard let dir = fdopendir(copy) else {
            close(copy)
            return nil
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            // d_name is read in place: a dirent can be shorter than the struct's declared size.
            let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
            let name = String(cString: UnsafeRawPointer(entry).advanced(by: offset).assumingMemoryBound(to: CChar.self))
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return names.sorted()
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
