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
/// Each file's scope is decided on both its listed path and its real path
/// (`KnowledgeScope(path:realPath:)`), so a link never makes a private file visible to more
/// organizations. Linked folders are walked after every folder reachable without links: a
/// folder reached both ways is walked once, under its own path, whatever order the names
/// come in (so a link elsewhere can never take an organization's folder away from it).
///
/// This runs before every search, so it is built for speed: names are stat'ed relative to
/// their open folder, on two threads for large folders, and the entries come in folder
/// order (callers sort what they need sorted). Only links cost a `realpath`.
struct FileScanner {
    let root: String

    struct Result {
        var files: [FileEntry] = []
        var warnings: [IndexWarning] = []
        /// The root with every link resolved: real paths are taken relative to it.
        var realRoot = ""
    }

    /// Folders with more entries than this are stat'ed on two threads.
    static let parallelThreshold = 512

    func scan() throws -> Result {
        var st = stat()
        guard stat(root, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw KnowledgeBaseError.missingRoot(root)
        }
        var result = Result()
        result.realRoot = RealPath.of(root) ?? root
        var visited: Set<DirectoryID> = [DirectoryID(st)]
        var linked: [LinkedFolder] = []
        walk(Folder(listed: "", real: ""), visited: &visited, linked: &linked, into: &result)
        // Linked folders, a round at a time in path order: a folder the walk reached by its
        // own path was visited already and is not walked again.
        while !linked.isEmpty {
            let round = linked.sorted { $0.folder.listed.utf8.lexicographicallyPrecedes($1.folder.listed.utf8) }
            linked = []
            for link in round where visited.insert(link.id).inserted {
                walk(link.folder, visited: &visited, linked: &linked, into: &result)
            }
        }
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

    /// A folder to walk: its path as listed and its real path, both relative to the root
    /// (the same unless a link led to it).
    private struct Folder {
        var listed: String
        var real: String
        /// Reached through a symbolic link (its last name is the link): opened following it.
        var isLink = false

        var listedPrefix: String { listed.isEmpty ? "" : listed + "/" }
        var realPrefix: String { real.isEmpty ? "" : real + "/" }
        /// The scope of the files directly in this folder.
        var fileScope: KnowledgeScope {
            KnowledgeScope(path: listedPrefix + "file", realPath: realPrefix + "file")
        }
        /// Whether nothing below this folder can be visible to anyone: listed under one
        /// organization's folder and really in another's.
        var isOutOfScope: Bool {
            func owner(_ path: String) -> String? {
                let parts = path.split(separator: "/", omittingEmptySubsequences: true)
                return parts.count >= 2 && parts[0] == "orgs" ? parts[1].lowercased() : nil
            }
            guard let listedOwner = owner(listed), let realOwner = owner(real) else { return false }
            return listedOwner != realOwner
        }
    }

    private struct LinkedFolder {
        var folder: Folder
        var id: DirectoryID
    }

    private func walk(_ folder: Folder, visited: inout Set<DirectoryID>, linked: inout [LinkedFolder], into result: inout Result) {
        let directory = folder.listed.isEmpty ? root : root + "/" + folder.listed
        // A folder found as a folder is opened as one: a link swapped in since the lstat
        // is not followed (and reads check each file's real path anyway).
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (folder.isLink ? 0 : O_NOFOLLOW))
        let prefix = folder.listedPrefix
        // Every file of a folder has the folder's scope: worked out once.
        let folderScope = folder.fileScope
        guard fd >= 0, let paths = Self.entries(of: fd, prefix: prefix) else {
            if fd >= 0 { close(fd) }
            result.warnings.append(IndexWarning(path: folder.listed.isEmpty ? "." : folder.listed, reason: "cannot read the folder", scope: folderScope))
            return
        }
        defer { close(fd) }
        let stats = Self.lstatAll(paths.visible, nameOffset: prefix.utf8.count, in: fd)
        for (rel, statResult) in zip(paths.visible, stats) {
            guard var st = statResult else { continue }
            var scope = folderScope
            if (st.st_mode & S_IFMT) == S_IFLNK {
                let abs = root + "/" + rel
                guard let target = RealPath.of(abs) else {
                    result.warnings.append(IndexWarning(path: rel, reason: "symbolic link to nothing (a missing file or a loop)", scope: folderScope))
                    continue
                }
                guard let targetRel = RealPath.relative(target, toRoot: result.realRoot) else {
                    result.warnings.append(IndexWarning(path: rel, reason: "symbolic link leading outside the knowledge base", scope: folderScope))
                    continue
                }
                guard stat(abs, &st) == 0 else { continue }
                if (st.st_mode & S_IFMT) == S_IFDIR {
                    let linkedFolder = Folder(listed: rel, real: targetRel, isLink: true)
                    guard !linkedFolder.isOutOfScope else {
                        // Told to those who see the folder the link stands for (under its own name).
                        let name = String(rel.utf8.dropFirst(prefix.utf8.count))!
                        let scope = Folder(listed: rel, real: folder.realPrefix + name).fileScope
                        result.warnings.append(IndexWarning(path: rel, reason: "symbolic link into another organization's folder", scope: scope))
                        continue
                    }
                    // Walked after every folder reachable without links, if not reached by then.
                    linked.append(LinkedFolder(folder: linkedFolder, id: DirectoryID(st)))
                    continue
                }
                scope = folderScope.intersection(KnowledgeScope(path: targetRel))
                if scope == .nobody, folderScope != .nobody {
                    let reason = KnowledgeScope(path: targetRel) == .nobody
                        ? "symbolic link to a file directly in orgs/, which no organization sees"
                        : "symbolic link into another organization's folder"
                    result.warnings.append(IndexWarning(path: rel, reason: reason, scope: folderScope))
                    continue
                }
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                // A directory reached twice (through a link) is walked once: loops end here.
                guard visited.insert(DirectoryID(st)).inserted else { continue }
                let name = String(rel.utf8.dropFirst(prefix.utf8.count))!
                walk(Folder(listed: rel, real: folder.realPrefix + name), visited: &visited, linked: &linked, into: &result)
            case S_IFREG:
                guard let scopeValue = scope.indexValue else {
                    result.warnings.append(IndexWarning(path: rel, reason: "not inside an organization's folder (orgs/<domain>/)", scope: scope))
                    continue
                }
                guard let kind = DocumentKind(path: rel) else {
                    result.warnings.append(IndexWarning(path: rel, reason: "not Markdown, text or HTML", scope: scope))
                    continue
                }
                let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
                result.files.append(FileEntry(path: rel, size: Int(st.st_size), mtime: mtime, scope: scopeValue, kind: kind))
            default:
                result.warnings.append(IndexWarning(path: rel, reason: "not a regular file", scope: scope))
            }
        }
        result.warnings += paths.hidden.map { IndexWarning(path: $0, reason: "hidden", scope: folderScope) }
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
}
