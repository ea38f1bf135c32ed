import Foundation
import Testing

/// Issue 17, items 3, 7 and 11 through the built binary: links never widen who sees a
/// file (answers, searches, `/cite`), `kb index` and `kb status` report a member's own
/// files only, and two `kb index` runs share one pass.
@Suite struct KnowledgeHardeningEndToEndTests {
    /// A and B (admins a@a.example, b@b.example; viewer v@a.example in A), a shared file,
    /// one private file each.
    static func workspace() throws -> CorbiBinary {
        let w = try CorbiBinary()
        try FileManager.default.createDirectory(at: w.kb, withIntermediateDirectories: true)
        try w.write("handbook.md", "# Handbook\n\n## Cancellation\n\nCancel up to 24 hours before the appointment.\n")
        try w.write("orgs/a.example/hours.md", "# Hours\n\nClinic A opens at eight on Saturdays.\n")
        try w.write("orgs/b.example/secret.md", "# Loyalty\n\nThe beta loyalty discount code is OKAPI77.\n")
        for args in [
            ["init", "--org", "A", "--domain", "a.example", "--admin", "a@a.example"],
            ["init", "--org", "B", "--domain", "b.example", "--admin", "b@b.example"],
        ] {
            let r = try w.run(args)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let viewer = try w.run(["members", "add", "v@a.example", "--role", "viewer"], as: "a@a.example")
        #expect(viewer.status == 0, "\(viewer.stderr)")
        return w
    }

    func link(_ w: CorbiBinary, _ path: String, to target: String) throws {
        let url = w.kb.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
    }

    @Test func linksDoNotLetAnotherOrganizationQuoteAPrivateFile() throws {
        let w = try Self.workspace()
        try link(w, "orgs/a.example/s.md", to: "../b.example/secret.md")
        try link(w, "loyalty.md", to: "orgs/b.example/secret.md")
        try link(w, "shared-b", to: "orgs/b.example")
        for user in ["a@a.example", "v@a.example"] {
            let ask = try w.run(["ask", "--json", "What", "is", "the", "loyalty", "discount", "code?"], as: user)
            #expect(!ask.stdout.contains("OKAPI77"), "\(user): \(ask.stdout)")
            let search = try w.run(["kb", "search", "--json", "OKAPI77", "loyalty"], as: user)
            #expect(search.status == 0)
            #expect(!search.stdout.contains("OKAPI77"))
            #expect(search.results.allSatisfy { ($0["path"] as? String) == "handbook.md" || ($0["path"] as? String)?.hasPrefix("orgs/a.example/hours") == true })
        }
        // B still finds its own file.
        let b = try w.run(["ask", "--json", "What", "is", "the", "loyalty", "discount", "code?"], as: "b@b.example")
        #expect(b.stdout.contains("OKAPI77"))
    }

    @Test func citeReadsTheFileAsItIsNowAndWhereItReallyIs() throws {
        let w = try Self.workspace()
        let outside = w.folder.appendingPathComponent("outside.txt")
        // As many lines as the cited file, so that a line range alone would not refuse it.
        try String(repeating: "root:x:0:0:root:/root:/bin/bash\n", count: 10).write(to: outside, atomically: true, encoding: .utf8)
        let shell = try Interactive(w, user: "a@a.example", arguments: ["--json"])
        defer { shell.close() }
        let answer = try shell.send("When does clinic A open on Saturdays?")
        let citations = answer["citations"] as? [[String: Any]] ?? []
        #expect(citations.first?["path"] as? String == "orgs/a.example/hours.md", "\(answer)")
        #expect((try shell.send("/cite 1")).description.contains("eight on Saturdays"))

        // The cited name swapped for a link after the answer: nothing outside A's scope is printed.
        for target in [outside.path, "../b.example/secret.md", "../../orgs/b.example/secret.md"] {
            try link(w, "orgs/a.example/hours.md", to: target)
            let cite = try shell.send("/cite 1")
            let error = cite["error"] as? [String: Any]
            #expect(error?["exitCode"] as? Int == 66, "\(target): \(cite)")
            #expect(!cite.description.contains("root:x") && !cite.description.contains("OKAPI77"), "\(target): \(cite)")
        }
        // A linked folder swapped in for the cited file's folder.
        try FileManager.default.removeItem(at: w.kb.appendingPathComponent("orgs/a.example/hours.md"))
        try FileManager.default.moveItem(at: w.kb.appendingPathComponent("orgs/a.example"), to: w.kb.appendingPathComponent("orgs/a-old"))
        try link(w, "orgs/a.example", to: "b.example")
        try FileManager.default.copyItem(
            at: w.kb.appendingPathComponent("orgs/b.example/secret.md"), to: w.kb.appendingPathComponent("orgs/b.example/hours.md"))
        let cite = try shell.send("/cite 1")
        #expect((cite["error"] as? [String: Any])?["exitCode"] as? Int == 66, "\(cite)")
        #expect(!cite.description.contains("OKAPI77"))
    }

    @Test func indexAndStatusNameNoOtherOrganizationsFiles() throws {
        let w = try Self.workspace()
        try Data([0x25, 0x50, 0x44, 0x46]).write(to: w.kb.appendingPathComponent("orgs/b.example/layoffs-2027-plan.pdf"))
        try Data([0x6C, 0x00]).write(to: w.kb.appendingPathComponent("orgs/b.example/layoffs-memo.txt"))
        try Data([0x6C, 0x00]).write(to: w.kb.appendingPathComponent("blob.txt"))
        for user in ["a@a.example", "v@a.example"] {
            let index = try w.run(["kb", "index"], as: user)
            #expect(index.status == 0, "\(index.stderr)")
            #expect(!index.stderr.contains("b.example") && !index.stderr.contains("layoffs"), "\(user): \(index.stderr)")
            #expect(index.stderr.contains("skipped blob.txt: binary file"))
            let json = try w.run(["kb", "index", "--full", "--json"], as: user).json
            #expect(json?["indexed"] as? Int == 2 && json?["skipped"] as? Int == 1, "\(String(describing: json))")
            let status = try w.run(["kb", "status", "--json"], as: user).json
            #expect(status?["files"] as? Int == 2 && status?["skipped"] as? Int == 1)
        }
        let b = try w.run(["kb", "index", "--full", "--json"], as: "b@b.example")
        #expect(b.json?["indexed"] as? Int == 2 && b.json?["skipped"] as? Int == 3)
        #expect(b.stderr.contains("skipped orgs/b.example/layoffs-2027-plan.pdf: not Markdown, text or HTML"))
    }

    @Test func twoIndexRunsAtOnceReadEveryFileOnce() throws {
        let w = try Self.workspace()
        let paragraph = String(repeating: "Hygienists polish enamel and check gums with care. ", count: 20)
        for i in 0..<300 { try w.write("bulk/f\(i).md", "# File \(i)\n\n\(paragraph)\n\nMarker zq\(i)x.\n") }
        let env = ["CORBI_USER": "a@a.example"]
        let runs = try (0..<2).map { _ in try Background(w, ["kb", "index", "--json"], environment: env) }
        let results = runs.map { $0.wait() }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        // Every file indexed once between the two: whichever ran second found the work done.
        let indexed = results.compactMap { $0.json?["indexed"] as? Int }
        #expect(indexed.count == 2 && indexed.reduce(0, +) == 302, "\(indexed)")
        let status = try w.run(["kb", "status", "--json"], as: "a@a.example").json
        #expect(status?["files"] as? Int == 302 && (status?["stale"] as? [String])?.isEmpty == true)
    }
}

/// `corbi` in batch mode with a pipe kept open: one line in, one JSON object out.
final class Interactive {
    private let process = Process()
    private let input = Pipe(), output = Pipe()
    private var buffer = Data()

    init(_ w: CorbiBinary, user: String, arguments: [String]) throws {
        process.executableURL = CorbiBinary.url
        process.arguments = arguments
        process.environment = w.environment.merging(["CORBI_USER": user]) { _, new in new }
        process.currentDirectoryURL = w.folder
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Sends one line and returns the JSON object printed for it.
    func send(_ line: String) throws -> [String: Any] {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let object = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                return try #require(try JSONSerialization.jsonObject(with: Data(object)) as? [String: Any])
            }
            let more = output.fileHandleForReading.availableData
            if more.isEmpty { throw CocoaError(.fileReadUnknown) }
            buffer += more
        }
    }

    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// `corbi ARGS` started now, its output collected; `wait()` for the result.
final class Background: @unchecked Sendable {
    private let process = Process()
    private let output = Pipe(), error = Pipe()
    private let errorData = LockedData()

    init(_ w: CorbiBinary, _ arguments: [String], environment: [String: String]) throws {
        process.executableURL = CorbiBinary.url
        process.arguments = arguments
        process.environment = w.environment.merging(environment) { _, new in new }
        process.currentDirectoryURL = w.folder
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let pipe = error
        let data = errorData
        Thread { data.set(pipe.fileHandleForReading.readDataToEndOfFile()) }.start()
    }

    func wait() -> CorbiBinary.Result {
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.done { usleep(1000) }
        return CorbiBinary.Result(
            stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: errorData.data, as: UTF8.self),
            status: process.terminationStatus)
    }
}
