import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `struct stat`, named apart from the function `stat`.
typealias FileStatus = stat

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
    var size: Int
    /// Modification time in nanoseconds since 1970, compared exactly.
    var mtime: Int64
    /// "" for shared files, the organization domain for files under `orgs/<domain>/`.
    var scope: String
    var kind: DocumentKind

    func absolutePath(root: String) -> String { root + "/" + path }
}

/// Walks the knowledge-base folder without following symbolic links that leave it and
/// without looping, collecting loadable files and one warning per skipped entry.
///
/// This runs before every search, so it is built for speed: names are stat'ed relative to
/// their open folder, on two threads for large folders, and the entries come in folder
/// order (callers sort what they need sorted).
struct FileScanner {
    let root: String

    struct Result {
        var files: [FileEntry] = []
        var warnings: [String] = []
        var skipped = 0
    }

    /// Folders with more entries than this are stat'ed on two threads.
    static let parallelThreshold = 512

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
        let prefix = relative.isEmpty ? "" : relative + "/"
        guard fd >= 0, let paths = Self.entries(of: fd, prefix: prefix) else {
            if fd >= 0 { close(fd) }
            result.warnings.append("skipped \(relative.isEmpty ? "." : relative): cannot read the folder")
            result.skipped += 1
            return
        }
        defer { close(fd) }
        // Every file of a folder has the folder's scope: worked out once.
        let scope = KnowledgeScope(path: prefix + "file").indexValue
        let stats = Self.lstatAll(paths.visible, nameOffset: prefix.utf8.count, in: fd)
        for (rel, statResult) in zip(paths.visible, stats) {
            guard var st = statResult else { continue }
            if (st.st_mode & S_IFMT) == S_IFLNK {
                let abs = root + "/" + rel
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
                walk(directory: root + "/" + rel, relative: rel, realRoot: realRoot, visited: &visited, into: &result)
            case S_IFREG:
                guard let scope else {
                    result.warnings.append("skipped \(rel): not inside an organization's folder (orgs/<domain>/)")
                    result.skipped += 1
                    continue
                }
                guard let kind = DocumentKind(path: rel) else {
                    result.warnings.append("skipped \(rel): not Markdown, text or HTML")
                    result.skipped += 1
                    continue
                }
                let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
                result.files.append(FileEntry(path: rel, size: Int(st.st_size), mtime: mtime, scope: scope, kind: kind))
            default:
                result.warnings.append("skipped \(rel): not a regular file")
                result.skipped += 1
            }
        }
        result.skipped += paths.hidden.count
        result.warnings += paths.hidden.map { "skipped \($0): hidden" }
    }

    /// The relative paths (`prefix` + name) of a folder's entries, hidden ones apart.
    private static func entries(of fd: Int32, prefix: String) -> (visible: [String], hidden: [String])? {
        // fdopendir takes over its descriptor: give it a copy, the caller keeps `fd`.
        let copy = dup(fd)
        guard copy >= 0 else { return nil }
        guard let dir = fdopendir(copy) else {
            close(copy)
            return nil
        }
        defer { closedir(dir) }
        var visible: [String] = [], hidden: [String] = []
        // d_name is read in place: a dirent can be shorter than the struct's declared size.
        let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(dir) {
            let name = UnsafeRawPointer(entry).advanced(by: offset).assumingMemoryBound(to: CChar.self)
            if name[0] == 0x2E {  // "."
                if name[1] == 0 || (name[1] == 0x2E && name[2] == 0) { continue }
                hidden.append(prefix + String(cString: name))
            } else {
                visible.append(prefix + String(cString: name))
            }
        }
        return (visible, hidden)
    }

    /// lstat of every path's last component, relative to the open folder `fd` (no path
    /// walk per file); large folders are split across two threads.
    private static func lstatAll(_ paths: [String], nameOffset: Int, in fd: Int32) -> [FileStatus?] {
        var results = [FileStatus?](repeating: nil, count: paths.count)
        results.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let buffer = out
            let run: @Sendable (Range<Int>) -> Void = { range in
                for i in range {
                    var st = FileStatus()
                    let ok = paths[i].withCString { fstatat(fd, $0 + nameOffset, &st, AT_SYMLINK_NOFOLLOW) == 0 }
                    buffer[i] = ok ? st : nil
                }
            }
            if paths.count < parallelThreshold {
                run(0..<paths.count)
            } else {
                let half = paths.count / 2
                DispatchQueue.concurrentPerform(iterations: 2) { part in run(part == 0 ? 0..<half : half..<paths.count) }
            }
        }
        return results
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
