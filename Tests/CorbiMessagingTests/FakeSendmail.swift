import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A sendmail stand-in: a shell script in a temporary folder that records its arguments
/// and its standard input, writes `stderr` and exits with `status`.
struct FakeSendmail {
    let folder: URL
    let script: URL

    init(status: Int32, stderr: String = "", readInput: Bool = true, sleep: Int = 0) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-sendmail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        script = folder.appendingPathComponent("sendmail")
        var lines = ["#!/bin/sh", "printf '%s\\n' \"$@\" > '\(folder.path)/args'"]
        if readInput { lines.append("cat > '\(folder.path)/stdin'") }
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
    var arguments: [String] {
        ((try? String(contentsOf: folder.appendingPathComponent("args"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    /// What the script read on its standard input.
    var input: String? { try? String(contentsOf: folder.appendingPathComponent("stdin"), encoding: .utf8) }

    /// The process ids of the shell and its sleep, when the script sleeps.
    var processIds: [Int32] {
        ((try? String(contentsOf: folder.appendingPathComponent("pids"), encoding: .utf8)) ?? "")
            .split(separator: "\n").compactMap { Int32($0) }
    }

    /// Whether the script got past its sleep.
    var slept: Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent("slept").path) }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}
