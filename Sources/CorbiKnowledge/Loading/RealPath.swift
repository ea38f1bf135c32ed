import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where files really are: the real path of a name (every symbolic link and `..`
/// resolved), of an open descriptor, and relative to the knowledge base's real root.
enum RealPath {
    /// The absolute real path of `path`, nil if it cannot be resolved (missing, a loop).
    static func of(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The absolute real path of the file open as `fd`, as the kernel knows it now: what is
    /// checked is what was opened, whatever the names do after. `fallbackPath` (the name it
    /// was opened by) is resolved instead where the system cannot say, and accepted only
    /// if it still names the same file.
    static func of(descriptor fd: Int32, openedAs fallbackPath: String) -> String? {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
        if n > 0, buffer[0] == 0x2F {  // "/": not "anon_inode:..." or the like
            buffer[n] = 0
            var path = String(cString: buffer)
            // A file removed since it was opened: the kernel appends this to its last name.
            if path.hasSuffix(" (deleted)") { path.removeLast(" (deleted)".count) }
            return path
        }
        #elseif canImport(Darwin)
        var buffer = [CChar](repeating: 0, count: Int(MAXPATHLEN) + 1)
        if fcntl(fd, F_GETPATH, &buffer) == 0 { return String(cString: buffer) }
        #endif
        var opened = FileStatus(), named = FileStatus()
        guard let resolved = of(fallbackPath), fstat(fd, &opened) == 0, stat(resolved, &named) == 0,
            opened.st_dev == named.st_dev, opened.st_ino == named.st_ino
        else { return nil }
        return resolved
    }

    /// `real` relative to `realRoot` ("" for the root itself), nil when it is outside.
    static func relative(_ real: String, toRoot realRoot: String) -> String? {
        if real.utf8.elementsEqual(realRoot.utf8) { return "" }
        if realRoot == "/" { return String(real.dropFirst()) }
        // Compared byte for byte: String's == treats differently normalized names as equal.
        guard real.utf8.starts(with: realRoot.utf8), real.utf8.dropFirst(realRoot.utf8.count).first == UInt8(ascii: "/") else { return nil }
        return String(real.utf8.dropFirst(realRoot.utf8.count + 1))!
    }
}
