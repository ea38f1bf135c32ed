import ArgumentParser
import CorbiCore
import CorbiKnowledge
import Foundation

/// `corbi kb`: index and search the knowledge base (`--kb` / `ASSISTANT_KB_PATH`).
public struct KBCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kb", abstract: "Index and search the knowledge base.",
        subcommands: [Index.self, Status.self, Search.self, Bench.self], defaultSubcommand: Status.self)

    public init() {}

    struct Index: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "index", 
            abstract: "Index the files that changed since the last run (or all with --full).")
        @Flag(help: "Rebuild the whole index.") var full = false
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            _ = try session.actor()
            let kb = try session.knowledgeBase()
            let bar = ProgressBar(enabled: session.showsProgress)
            let summary = try KBCommand.mapping { full ? try kb.rebuild(progress: bar.update) : try kb.refresh(progress: bar.update) }
            bar.finish()
            struct JSON: Encodable {
                var indexed, unchanged, removed, skipped, passages, bytes: Int
                var seconds: Double
            }
            let json = JSON(
                indexed: summary.indexed, unchanged: summary.unchanged, removed: summary.removed, skipped: summary.skipped,
                passages: summary.passages, bytes: summary.bytes, seconds: (summary.seconds * 1000).rounded() / 1000)
            let text = "Indexed \(summary.indexed), unchanged \(summary.unchanged), removed \(summary.removed), "
                + "skipped \(summary.skipped); \(summary.passages) passages, "
                + String(format: "%.1f MB in %.2f s.", Double(summary.bytes) / 1e6, summary.seconds)
            return CommandOutput(text: text, json: json, notes: summary.warnings)
        }
    }

    struct Status: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Files, passages and freshness of the index.")
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let kb = try session.knowledgeBase()
            let status = try KBCommand.mapping { try kb.status(organizationDomain: actor.organization.domain) }
            let last = status.lastIndexed.map { DateFormatting.iso8601($0, in: actor.organization.timeZone) }
            struct JSON: Encodable {
                var root, indexPath: String
                var files, passages, bytes, skipped: Int
                var lastIndexed: String?
                var stale: [String]
                func encode(to encoder: any Encoder) throws {
                    var c = encoder.container(keyedBy: CodingKeys.self)
                    try c.encode(root, forKey: .root)
                    try c.encode(indexPath, forKey: .indexPath)
                    try c.encode(files, forKey: .files)
                    try c.encode(passages, forKey: .passages)
                    try c.encode(bytes, forKey: .bytes)
                    try c.encode(skipped, forKey: .skipped)
                    try c.encode(lastIndexed, forKey: .lastIndexed)
                    try c.encode(stale, forKey: .stale)
                }
                enum CodingKeys: String, CodingKey { case root, indexPath, files, passages, bytes, skipped, lastIndexed, stale }
            }
            var lines = [
                "Knowledge base: \(status.root)",
                "Index:          \(status.indexPath)",
                "Files:          \(status.files)" + (status.skipped > 0 ? " (\(status.skipped) skipped)" : ""),
                "Passages:       \(status.passages)",
                String(format: "Size:           %.1f MB", Double(status.bytes) / 1e6),
                "Last indexed:   \(last ?? "never")",
                "Stale files:    \(status.stale.count)" + (status.stale.isEmpty ? "" : " (the next search or kb index picks them up)"),
            ]
            lines += status.stale.prefix(20).map { "  \($0)" }
            if status.stale.count > 20 { lines.append("  … and \(status.stale.count - 20) more") }
            let json = JSON(
                root: status.root, indexPath: status.indexPath, files: status.files, passages: status.passages, bytes: status.bytes,
                skipped: status.skipped, lastIndexed: last, stale: status.stale)
            return CommandOutput(text: lines.joined(separator: "\n"), json: json)
        }
    }

    struct Search: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "search", abstract: "The best passages for a question, best first.")
        @Argument(help: "The words or question to search for.") var query: [String] = []
        @Option(help: "How many passages (1-1000).") var limit: Int = 10
        @OptionGroup var globals: GlobalOptions

        struct ResultJSON: Encodable {
            var path: String
            var lineStart: Int
            var lineEnd: Int
            var heading: String
            var snippet: String
            var score: Double
        }

        func execute(in session: Session) throws -> CommandOutput {
            guard (1...1000).contains(limit) else { throw CorbiError.invalid("--limit must be between 1 and 1000.") }
            let actor = try session.actor()
            let kb = try session.knowledgeBase()
            let text = query.joined(separator: " ")
            let passages = try KBCommand.mapping {
                try kb.refresh()
                return try kb.search(text, organizationDomain: actor.organization.domain, limit: limit)
            }
            struct JSON: Encodable { var results: [ResultJSON] }
            let results = passages.map {
                ResultJSON(path: $0.path, lineStart: $0.lineStart, lineEnd: $0.lineEnd, heading: $0.heading, snippet: $0.snippet, score: $0.score)
            }
            var lines: [String] = []
            for (i, p) in passages.enumerated() {
                let place = "\(p.path):\(p.lineStart)-\(p.lineEnd)"
                lines.append("\(i + 1). \(place)" + (p.heading.isEmpty ? "" : "  \(p.heading)") + String(format: "  (%.2f)", p.score))
                if !p.snippet.isEmpty { lines.append("   \(p.snippet)") }
            }
            return CommandOutput(text: passages.isEmpty ? "No passages found." : lines.joined(separator: "\n"), json: JSON(results: results))
        }
    }

    /// `corbi kb bench QUERIES`: in-process timings for BENCHMARKS.md (hidden).
    struct Bench: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "bench", 
            abstract: "Time the no-change re-scan, one edited file and every query of a file (one a line).",
            shouldDisplay: false)
        @Argument(help: "A file of queries, one a line.") var queries: String
        @Option(help: "A file under the knowledge base to edit (and restore) for the one-file re-index timing.") var edit: String?
        @Option(help: "Write each query's top 10 (path:lineStart) as JSON Lines here.") var results: String?
        @Option(help: "Passages per query.") var limit: Int = 10
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let kb = try session.knowledgeBase()
            let domain = actor.organization.domain
            func ms(_ start: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6 }
            _ = try KBCommand.mapping { try kb.refresh() }
            var rescans: [Double] = []
            for _ in 0..<5 {
                let t = DispatchTime.now()
                _ = try KBCommand.mapping { try kb.refresh() }
                rescans.append(ms(t))
            }
            var editMs: Double? = nil
            if let edit {
                let path = session.settings.knowledgeBasePath + "/" + edit
                let original = try Data(contentsOf: URL(fileURLWithPath: path))
                try (original + Data("\nAn edited line about zanzibar quokkas.\n".utf8)).write(to: URL(fileURLWithPath: path))
                let t = DispatchTime.now()
                let summary = try KBCommand.mapping { try kb.refresh() }
                editMs = ms(t)
                let found = try kb.search("zanzibar quokkas", organizationDomain: domain, limit: 1).first?.path == edit
                try original.write(to: URL(fileURLWithPath: path))
                _ = try KBCommand.mapping { try kb.refresh() }
                if summary.indexed != 1 || !found { throw CorbiError.internal("The edited file was not re-indexed.") }
            }
            let lines = try String(contentsOfFile: queries, encoding: .utf8).split(separator: "\n").map(String.init)
            var latencies: [Double] = []
            var out = ""
            for line in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                // Refreshed just before, so the timing below is the search alone.
                _ = try KBCommand.mapping { try kb.refresh() }
                let t = DispatchTime.now()
                let hits = try kb.search(line, organizationDomain: domain, limit: limit)
                latencies.append(ms(t))
                out += JSONOutput.encode(["query": line, "top": hits.map { "\($0.path):\($0.lineStart)" }.joined(separator: " ")]) + "\n"
            }
            if let results { try out.write(toFile: results, atomically: true, encoding: .utf8) }
            latencies.sort()
            rescans.sort()
            let p50 = latencies.isEmpty ? 0 : latencies[latencies.count / 2]
            let p95 = latencies.isEmpty ? 0 : latencies[Int(0.95 * Double(latencies.count - 1))]
            let mean = latencies.isEmpty ? 0 : latencies.reduce(0, +) / Double(latencies.count)
            struct JSON: Encodable {
                var rescanMs: Double
                var editMs: Double?
                var queries: Int
                var queryMeanMs, queryP50Ms, queryP95Ms: Double
            }
            let json = JSON(rescanMs: rescans[rescans.count / 2], editMs: editMs, queries: latencies.count, queryMeanMs: mean, queryP50Ms: p50, queryP95Ms: p95)
            // edit_ms is the whole refresh (stat pass included); edit_index_ms what it took beyond a no-change pass.
            let text = String(format: "rescan_ms=%.1f", json.rescanMs)
                + (editMs.map { String(format: " edit_ms=%.1f edit_index_ms=%.1f", $0, max(0, $0 - json.rescanMs)) } ?? "")
                + String(format: " queries=%d query_mean_ms=%.2f query_p50_ms=%.2f query_p95_ms=%.2f", latencies.count, mean, p50, p95)
            return CommandOutput(text: text, json: json)
        }
    }

    /// Runs a knowledge-base call, turning its errors into the contract's.
    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as KnowledgeBaseError {
            throw map(error)
        }
    }

    /// The contract's error for a knowledge-base failure.
    static func map(_ error: KnowledgeBaseError) -> CorbiError {
        switch error {
        case .missingRoot(let path): .notFound("No knowledge-base folder at \(path); give one with --kb or ASSISTANT_KB_PATH.")
        case .indexBusy, .indexIO: .temporary(error.description)
        case .indexUnwritable: .permission(error.description)
        case .index: .internal(error.description)
        }
    }
}

extension Session {
    /// The knowledge base of these settings, its index beside the database, skipping files
    /// larger than `CORBI_KB_MAX_FILE_SIZE` (default 10 MB).
    public func knowledgeBase() throws -> KnowledgeBase {
        let maxFileSize = try Self.byteCount(processEnvironment["CORBI_KB_MAX_FILE_SIZE"], default: 10_000_000, name: "CORBI_KB_MAX_FILE_SIZE")
        return try KBCommand.mapping {
            try KnowledgeBase(
                root: settings.knowledgeBasePath,
                indexPath: KnowledgeBase.indexPath(besideDatabase: settings.databasePath),
                maxFileSize: maxFileSize)
        }
    }

    /// A size setting: bytes, or a number with kB, MB, GB (powers of 1000) or KiB, MiB, GiB
    /// (powers of 1024), case and spaces ignored: `25MB`, `1.5 GiB`, `800000`.
    static func byteCount(_ text: String?, default value: Int, name: String) throws -> Int {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return value }
        let lower = text.lowercased().replacingOccurrences(of: " ", with: "")
        let units: [(String, Double)] = [
            ("kib", 1024), ("mib", 1_048_576), ("gib", 1_073_741_824), ("kb", 1e3), ("mb", 1e6), ("gb", 1e9),
            ("k", 1e3), ("m", 1e6), ("g", 1e9), ("b", 1),
        ]
        var number = Substring(lower)
        var scale = 1.0
        if let (suffix, factor) = units.first(where: { lower.hasSuffix($0.0) }) {
            number = number.dropLast(suffix.count)
            scale = factor
        }
        guard let amount = Double(number), amount.isFinite, amount >= 1, amount * scale < 9e15 else {
            throw CorbiError.usage("\(name) must be a size such as 10MB, 500kB or 1GiB (got \"\(text)\").")
        }
        return Int(amount * scale)
    }

    /// Progress bars only when stderr is a terminal and NO_COLOR is unset.
    var showsProgress: Bool {
        stderrIsTerminal && (processEnvironment["NO_COLOR"] ?? "").isEmpty && processEnvironment["TERM"] != "dumb"
    }
}

/// A one-line progress bar on stderr: files, megabytes and rate.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ p: IndexProgress) {
        guard enabled, p.filesTotal > 0 else { return }
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
