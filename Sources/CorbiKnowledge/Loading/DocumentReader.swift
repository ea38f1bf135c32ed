import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file read from disk and checked: its UTF-8 bytes and SHA-256, or why it was skipped.
enum LoadedFile: Sendable {
    case text([UInt8], sha256: String)
    case skipped(reason: String)
}

/// Reads one knowledge-base file and decides whether it can be indexed.
enum DocumentReader {
    /// Reads the file `entry` names under `root`, refusing it unless what was opened is a
    /// regular file whose real path (under `realRoot`) is still within the scope the scan
    /// gave it: a name swapped for a link after the scan is caught here, at the read. The
    /// size is checked again because it can grow after the stat.
    static func load(_ entry: FileEntry, root: String, realRoot: String, maxFileSize: Int) -> LoadedFile {
        let bytes: [UInt8]
        switch ScopedFile.read(entry.absolutePath(root: root), listedAs: entry.path, realRoot: realRoot, limit: maxFileSize + 1) {
        case .success(let (read, scope)):
            // The file's scope now must allow no one the scan's scope does not.
            guard scope.intersection(KnowledgeScope(indexValue: entry.scope)) == KnowledgeScope(indexValue: entry.scope) else {
                return .skipped(reason: "changed into a link out of its folder's scope while being indexed")
            }
            bytes = read
        case .failure(let refusal):
            return .skipped(reason: refusal.description)
        }
        return check(bytes, maxFileSize: maxFileSize)
    }

    /// The checks on a file's bytes: size, binary, UTF-8; the SHA-256 of what was read.
    static func check(_ read: [UInt8], maxFileSize: Int) -> LoadedFile {
        var bytes = read
        if bytes.count > maxFileSize { return .skipped(reason: "larger than \(maxFileSize) bytes") }
        let hash = hex(SHA256.hash(data: bytes))
        let (binary, valid) = bytes.withUnsafeBufferPointer { (memchr($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, 0, $0.count) != nil, isValidUTF8($0)) }
        if binary { return .skipped(reason: "binary file") }
        if !valid { return .skipped(reason: "not valid UTF-8") }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return .text(bytes, sha256: hash)
    }

    /// At most `limit` bytes from the open file `fd`, read straight into one buffer sized by fstat.
    static func read(_ fd: Int32, limit: Int) -> [UInt8]? {
        var st = FileStatus()
        guard fstat(fd, &st) == 0 else { return nil }
        var bytes: [UInt8] = []
        // The size may change under us: grow past it if the file did.
        var capacity = min(limit, max(Int(st.st_size), 0) + 1)
        var count = 0
        while true {
            if count == capacity {
                guard capacity < limit else { break }
                capacity = min(limit, max(capacity * 2, 65_536))
            }
            if bytes.count < capacity { bytes.append(contentsOf: repeatElement(0, count: capacity - bytes.count)) }
            let n = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(fd, buffer.baseAddress! + count, capacity - count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            count += n
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF), ASCII fast.
    static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            func cont(_ k: Int) -> Bool { k < n && b[k] & 0xC0 == 0x80 }
            if c >= 0xC2, c <= 0xDF {
                guard cont(i + 1) else { return false }
                i += 2
            } else if c >= 0xE0, c <= 0xEF {
                guard cont(i + 1), cont(i + 2) else { return false }
                let c1 = b[i + 1]
                if c == 0xE0, c1 < 0xA0 { return false }
                if c == 0xED, c1 > 0x9F { return false }
                i += 3
            } else if c >= 0xF0, c <= 0xF4 {
                guard cont(i + 1), cont(i + 2), cont(i + 3) else { return false }
                let c1 = b[i + 1]
                if c == 0xF0, c1 < 0x90 { return false }
                if c == 0xF4, c1 > 0x8F { return false }
                i += 4
            } else {
                return false
            }
        }
        return true
    }
}
