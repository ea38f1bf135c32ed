import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A sendmail stand-in: a shell script in a temporary folder that records its arguments
/// and its standard input (each message also in a file of its own under `mail/`), writes
/// `stderr` and exits with `status`.
public struct FakeSendmail: Sendable {
    public let folder: URL
    public let script: URL

    public init(status: Int32, stderr: String = "", readInput: Bool = true, sleep: Int = 0) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-sendmail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        script = folder.appendingPathComponent("sendmail")
        var lines = ["#!/bin/sh", "printf '%s\\n' \"$@\" > '\(folder.path)/args'"]
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("mail"), withIntermediateDirectories: true)
        if readInput {
            // Each message in its own file first (sends run concurrently), named so that
            // sorting the names gives the order they came in.
            lines.append("f=\"\(folder.path)/mail/$(date +%s%N)-$$\"")
            lines.append("cat > \"$f\"")
            lines.append("cp \"$f\" '\(folder.path)/stdin'")
        }
        if sleep > 0 {
            // The shell and its sleeping child record their process ids, so a test can
            // check that a timeout stopped both.
            lines.append("echo $$ > '\(folder.path)/pids'")
            lines.append("sleep \(sleep) &")
            lines.append("echo $! >> '\(folder.path)/pids'")
            lines.append("wait")
            lines.append("touch '\(folder.path)/slept'")
        }
        if !stderr.isEmpty { lines.append("printf '%s' '\(stderr.replacingOccurrences(of: "'", with: "'\\''"))' >&2") }
        lines.append("exit \(status)")
        // Written through a close-on-exec descriptor: a process that another test spawns
        // meanwhile must not inherit it open for writing, or running the script fails
        // with "text file busy".
        let fd = open(script.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        let text = Array((lines.joined(separator: "\n") + "\n").utf8)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == text.count else { throw CocoaError(.fileWriteUnknown) }
    }

    /// The arguments the script was called with.
    public var arguments: [String] {
        ((try? String(contentsOf: folder.appendingPathComponent("args"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    /// What the script read on its standard input (the last message).
    public var input: String? { try? String(contentsOf: folder.appendingPathComponent("stdin"), encoding: .utf8) }

    /// The process ids of the shell and its sleep, when the script sleeps.
    public var processIds: [Int32] {
        ((try? String(contentsOf: folder.appendingPathComponent("pids"), encoding: .utf8)) ?? "")
            .split(separator: "\n").compactMap { Int32($0) }
    }

    /// Whether the script got past its sleep.
    public var slept: Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent("slept").path) }

    /// Every message piped to the script, oldest first.
    public var messages: [String] {
        let mail = folder.appendingPathComponent("mail")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: mail.path)) ?? []).sorted()
        return names.compactMap { try? String(contentsOf: mail.appendingPathComponent($0), encoding: .utf8) }
    }

    public func remove() { try? FileManager.default.removeItem(at: folder) }
}
