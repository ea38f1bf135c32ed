import CorbiCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Files written whole or not at all: a hidden temporary file beside the target, renamed
/// over it once complete.
enum ExportFile {
    /// Runs `body` on a new temporary file beside `path` (owner-only permissions), then
    /// renames it to `path`. 77 when it cannot be written, 75 when the disk is full; the
    /// temporary file is removed on any failure.
    static func write<T>(to path: String, _ body: (FileHandle) throws -> T) throws -> T {
        let url = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw CorbiError.invalid("\(path) is a folder; give a file name.")
        }
        let temp = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw failure(path, errno: errno)
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        do {
            let result = try mappingWriteErrors(path) { try body(handle) }
            guard fsync(fd) == 0 else { throw failure(path, errno: errno) }
            close(fd)
            guard rename(temp.path, url.path) == 0 else { throw failure(path, errno: errno) }
            return result
        } catch {
            close(fd)
            unlink(temp.path)
            throw error
        }
    }

    /// Runs `body`, turning a failed write (a POSIX or file-system error) into the
    /// contract's error (a full disk 75, anything else 77); other errors pass as they are.
    static func mappingWriteErrors<T>(_ path: String, _ body: () throws -> T) throws -> T {
        // Errors of other kinds (not about the file) propagate as they are.
        do {
            return try body()
        } catch let error as CorbiError {
            throw error
        } catch let error as NSError where error.domain == NSPOSIXErrorDomain {
            throw failure(path, errno: Int32(error.code))
        } catch let error as NSError where error.domain == NSCocoaErrorDomain {
            if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
                throw failure(path, errno: Int32(underlying.code))
            }
            throw CorbiError.permission("Cannot write \(path): \(error.localizedDescription)")
        }
    }

    static func failure(_ path: String, errno code: Int32) -> CorbiError {
        let reason = String(cString: strerror(code))
        if code == ENOSPC || code == EDQUOT { return .temporary("Cannot write \(path): \(reason).") }
        return .permission("Cannot write \(path): \(reason).")
    }
}
