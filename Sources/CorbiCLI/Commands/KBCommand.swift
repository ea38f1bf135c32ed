import ArgumentParser
import CorbiCore
import CorbiKnowledge
import CorbiWorkspace
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
            let actor = try session.actor()
            let kb = try session.workspace.knowledgeBase()
            let bar = ProgressBar(enabled: session.colorErr)
            let everything = try Workspace.mapping {
                full ? try kb.rebuild(progress: bar.update) : try kb.refresh(waitingForOtherIndexer: true, progress: bar.update)
            }
            bar.finish()
            // The index is shared, the report is not: counts and warnings of shared files
            // and the member's own organization's only.
            let summary = everything.visible(to: actor.organization.domain)
            var notes = summary.warnings.map(\.description)
            if summary.waitedForAnotherIndexer {
                notes.insert("Another process was indexing: waited for it, then checked the files again.", at: 0)
            }
            let json = IndexSummaryJSON(
                indexed: summary.indexed, unchanged: summary.unchanged, removed: summary.removed, skipped: summary.skipped,
                passages: summary.passages, bytes: summary.bytes, seconds: (summary.seconds * 1000).rounded() / 1000)
            let text = "Indexed \(summary.indexed), unchanged \(summary.unchanged), removed \(summary.removed), "
                + "skipped \(summary.skipped); \(summary.passages) passages, "
                + String(format: "%.1f MB in %.2f s.", Double(summary.bytes) / 1e6, summary.seconds)
            return CommandOutput(text: text, json: json, notes: notes)
        }
    }

    struct Status: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Files, passages and freshness of the index.")
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let kb = try session.workspace.knowledgeBase()
            let status = try Workspace.mapping { try kb.status(organizationDomain: actor.organization.domain) }
            let last = status.lastIndexed.map { DateFormatting.iso8601($0, in: actor.organization.timeZone) }
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
            let json = KnowledgeStatusJSON(
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

        func execute(in session: Session) throws -> CommandOutput {
            guard (1...1000).contains(limit) else { throw CorbiError.invalid("--limit must be between 1 and 1000.") }
            let actor = try session.actor()
            let kb = try session.workspace.knowledgeBase()
            let text = query.joined(separator: " ")
            let passages = try Workspace.mapping {
                try kb.refresh()
                return try kb.search(text, organizationDomain: actor.organization.domain, limit: limit)
            }
            let results = passages.map {
                SearchResultsJSON.Result(path: $0.path, lineStart: $0.lineStart, lineEnd: $0.lineEnd, heading: $0.heading, snippet: $0.snippet, score: $0.score)
            }
            var lines: [String] = []
            for (i, p) in passages.enumerated() {
                let place = "\(p.path):\(p.lineStart)-\(p.lineEnd)"
                lines.append("\(i + 1). \(place)" + (p.heading.isEmpty ? "" : "  \(p.heading)") + String(format: "  (%.2f)", p.score))
                if !p.snippet.isEmpty { lines.append("   \(p.snippet)") }
            }
            return CommandOutput(text: passages.isEmpty ? "No passages found." : lines.joined(separator: "\n"), json: SearchResultsJSON(results: results))
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
            let kb = try session.workspace.knowledgeBase()
            let domain = actor.organization.domain
            func ms(_ start: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6 }
            _ = try Workspace.mapping { try kb.refresh() }
            var rescans: [Double] = []
            for _ in 0..<5 {
                let t = DispatchTime.now()
                _ = try Workspace.mapping { try kb.refresh() }
                rescans.append(ms(t))
            }
            var editMs: Double? = nil
            if let edit {
                let path = session.configuration.knowledgeBasePath + "/" + edit
                let original = try Data(contentsOf: URL(fileURLWithPath: path))
                try (original + Data("\nAn edited line about zanzibar quokkas.\n".utf8)).write(to: URL(fileURLWithPath: path))
                let t = DispatchTime.now()
                let summary = try Workspace.mapping { try kb.refresh() }
                editMs = ms(t)
                let found = try kb.search("zanzibar quokkas", organizationDomain: domain, limit: 1).first?.path == edit
                try original.write(to: URL(fileURLWithPath: path))
                _ = try Workspace.mapping { try kb.refresh() }
                if summary.indexed != 1 || !found { throw CorbiError.internal("The edited file was not re-indexed.") }
            }
            let lines = try String(contentsOfFile: queries, encoding: .utf8).split(separator: "\n").map(String.init)
            var latencies: [Double] = []
            var out = ""
            for line in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                // Refreshed just before, so the timing below is the search alone.
                _ = try Workspace.mapping { try kb.refresh() }
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
}
