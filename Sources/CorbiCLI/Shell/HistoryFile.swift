import Foundation

/// The REPL's history kept across runs: one input per line, appended as you go and capped
/// to the newest `limit` entries.
public final class HistoryFile: @unchecked Sendable {
    public let path: String
    public let limit: Int
    /// Lines in the file as far as this process knows, to decide when to trim it.
    private var lineCount = 0

    public init(path: String, limit: Int = 1000) {
        self.path = path
        self.limit = max(1, limit)
    }

    /// The newest `limit` entries, oldest first; trims the file if it grew past the cap.
    public func load() -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let all = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let kept = Array(all.suffix(limit))
        lineCount = all.count
        if all.count > limit { rewrite(kept) }
        return kept
    }

    /// Appends one entry (newlines become spaces), creating the folder and file if needed.
    /// History is a convenience: failures to write it are ignored.
    public func append(_ entry: String) {
        let line = entry.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        lineCount += 1
        // Trim now and then rather than on every line: other terminals append too.
        if lineCount > limit + limit / 10 {
            _ = load()
        }
    }

    private func rewrite(_ lines: [String]) {
        let temporary = path + ".\(getpid()).tmp"
        let text = lines.map { $0 + "\n" }.joined()
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { return }
        if rename(temporary, path) != 0 { unlink(temporary) } else { lineCount = lines.count }
    }
}
