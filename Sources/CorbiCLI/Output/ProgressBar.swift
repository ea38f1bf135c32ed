import CorbiKnowledge
import Foundation

/// A one-line progress bar on stderr: files, megabytes and rate.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ p: IndexProgress) {
        guard enabled else { return }
        if p.waitingForAnotherIndexer {
            FileHandle.standardError.write(Data("\rWaiting for another process to finish indexing… ".utf8))
            drawn = true
            return
        }
        guard p.filesTotal > 0 else { return }
        let fraction = Double(p.bytesDone) / Double(max(p.bytesTotal, 1))
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: min(filled, width)) + String(repeating: "░", count: max(0, width - filled))
        let line = "\r" + bar + String(
            format: " %d/%d files  %.1f/%.1f MB  %.1f MB/s ", p.filesDone, p.filesTotal,
            Double(p.bytesDone) / 1e6, Double(p.bytesTotal) / 1e6, p.megabytesPerSecond)
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
