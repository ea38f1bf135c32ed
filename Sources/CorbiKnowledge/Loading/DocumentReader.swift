import Crypto
import Foundation

/// A file read from disk and checked: its text and SHA-256, or why it was skipped.
enum LoadedFile: Sendable {
    case text(String, sha256: String)
    case skipped(reason: String)
}

/// Reads one knowledge-base file and decides whether it can be indexed.
enum DocumentReader {
    /// Reads the file at `path` (already known to be at most `maxFileSize` bytes by stat,
    /// re-checked here because it can grow in between).
    static func load(_ path: String, maxFileSize: Int) -> LoadedFile {
        guard let handle = FileHandle(forReadingAtPath: path) else { return .skipped(reason: "cannot be read") }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maxFileSize + 1) ?? Data()
        } catch {
            return .skipped(reason: "cannot be read")
        }
        if data.count > maxFileSize { return .skipped(reason: "larger than \(maxFileSize) bytes") }
        let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let isBinary = data.withUnsafeBytes { raw in raw.baseAddress.map { memchr($0, 0, min(raw.count, 65_536)) != nil } ?? false }
        if isBinary { return .skipped(reason: "binary file") }
        guard var text = String(validating: data, as: UTF8.self) else {
            return .skipped(reason: "not valid UTF-8")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return .text(text, sha256: hash)
    }
}
