import Foundation
import Testing

/// `corbi kb ...` through the built binary: JSON shape, exit codes, org privacy, edits seen
/// without re-indexing, hostile queries.
@Suite struct KnowledgeEndToEndTests {
    /// A workspace: database with organizations A and B, a knowledge base with a shared
    /// file and one private file each.
    static func workspace() throws -> CorbiBinary {
        let w = try CorbiBinary()
        try FileManager.default.createDirectory(at: w.kb, withIntermediateDirectories: true)
        try w.write("handbook.md", "# Handbook\n\n## Cancellation\n\nCancel up to 24 hours before the appointment.\n")
        try w.write("orgs/a.example/secret.md", "# Secret\n\nThe alpha discount code is ZEBRA42.\n")
        try w.write("orgs/b.example/secret.md", "# Secret\n\nThe beta discount code is OKAPI77.\n")
        for args in [
            ["init", "--org", "A", "--domain", "a.example", "--admin", "a@a.example"],
            ["init", "--org", "B", "--domain", "b.example", "--admin", "b@b.example"],
        ] {
            let r = try w.run(args)
            #expect(r.status == 0, "\(r.stderr)")
        }
        return w
    }

    @Test func searchPrintsTheContractJSONBestFirst() throws {
        let w = try Self.workspace()
        let index = try w.run(["kb", "index"], as: "a@a.example")
        #expect(index.status == 0)
        // B's private file is indexed too, but not counted for A.
        #expect(index.stdout.contains("Indexed 2"))
        let r = try w.run(["kb", "search", "--json", "--limit", "5", "--", "how", "late", "can", "I", "cancel?"], as: "a@a.example")
        #expect(r.status == 0)
        let first = try #require(r.results.first)
        #expect(Set(first.keys) == ["path", "lineStart", "lineEnd", "heading", "snippet", "score"])
        #expect(first["path"] as? String == "handbook.md")
        #expect(first["heading"] as? String == "Handbook › Cancellation")
        #expect(first["lineStart"] as? Int == 1)
        #expect(first["lineEnd"] as? Int == 5)
        let scores = r.results.compactMap { $0["score"] as? Double }
        #expect(scores == scores.sorted(by: >))
    }

    @Test func anotherOrganizationsPrivateFileIsNeverFound() throws {
        let w = try Self.workspace()
        let a = try w.run(["kb", "search", "--json", "discount", "code", "OKAPI77"], as: "a@a.example")
        #expect(a.status == 0)
        #expect(a.results.map { $0["path"] as? String } == ["orgs/a.example/secret.md"])
        #expect(!a.stdout.contains("b.example"))
        let b = try w.run(["kb", "search", "--json", "ZEBRA42"], as: "b@b.example")
        #expect(b.results.isEmpty)
    }

    @Test func anEditIsFoundWithoutReindexing() throws {
        let w = try Self.workspace()
        _ = try w.run(["kb", "index"], as: "a@a.example")
        try w.write("handbook.md", "# Handbook\n\n## Parking\n\nPark in the blue garage on level two.\n")
        let r = try w.run(["kb", "search", "--json", "where", "to", "park"], as: "a@a.example")
        #expect(r.results.first?["path"] as? String == "handbook.md")
        #expect((r.results.first?["snippet"] as? String)?.contains("blue garage") == true)
        let old = try w.run(["kb", "search", "--json", "cancel"], as: "a@a.example")
        #expect(old.results.isEmpty)
    }

    @Test func hostileQueriesGiveResultsOrNothing() throws {
        let w = try Self.workspace()
        for q in ["\"", "NEAR(", "cancel AND (", "-*:", "OR", "😀", String(repeating: "x\"y* ", count: 4_000), "\u{7}"] {
            let r = try w.run(["kb", "search", "--json", "--", q], as: "a@a.example")
            #expect(r.status == 0, "\(q.prefix(20)): \(r.stdout) \(r.stderr)")
            #expect(r.json?["results"] != nil)
        }
        let empty = try w.run(["kb", "search", "--json"], as: "a@a.example")
        #expect(empty.status == 0)
        #expect(empty.results.isEmpty)
    }

    @Test func statusAndSkippedFiles() throws {
        let w = try Self.workspace()
        try Data([0, 1, 2, 3]).write(to: w.kb.appendingPathComponent("blob.txt"))
        let index = try w.run(["kb", "index"], as: "a@a.example")
        #expect(index.status == 0)
        #expect(index.stderr.contains("skipped blob.txt: binary file"))
        try w.write("new.txt", "fresh")
        let status = try w.run(["kb", "status", "--json"], as: "a@a.example")
        #expect(status.json?["files"] as? Int == 2)
        #expect(status.json?["stale"] as? [String] == ["new.txt"])
        let full = try w.run(["kb", "index", "--full", "--json"], as: "a@a.example")
        #expect(full.json?["indexed"] as? Int == 3)  // and B's file, which A is not told about
    }

    @Test func twoIndexingProcessesAtOnceDoNotDuplicate() throws {
        let w = try Self.workspace()
        for i in 0..<150 { try w.write("many/\(i).md", "# Note \(i)\n\nA note about topic \(i % 9) and llamas.\n") }
        let processes = try (0..<2).map { _ in try w.start(["kb", "index"], environment: ["CORBI_USER": "a@a.example"]) }
        for p in processes { p.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let status = try w.run(["kb", "status", "--json"], as: "a@a.example")
        #expect(status.json?["files"] as? Int == 152)
        #expect(status.json?["passages"] as? Int == 152)
        let r = try w.run(["kb", "search", "--json", "--limit", "1000", "llamas"], as: "a@a.example")
        let paths = r.results.compactMap { $0["path"] as? String }
        #expect(paths.count == 150 && Set(paths).count == 150)
    }

    @Test func aMissingKnowledgeBaseIsNotFound() throws {
        let w = try Self.workspace()
        let r = try w.run(["kb", "search", "x"], as: "a@a.example", environment: ["ASSISTANT_KB_PATH": w.folder.appendingPathComponent("nope").path])
        #expect(r.status == 66)
        #expect(r.stderr.contains("No knowledge-base folder"))
        let bad = try w.run(["kb", "search", "--limit", "0", "x"], as: "a@a.example")
        #expect(bad.status == 65)
    }

    @Test func theFileSizeCapIsASetting() throws {
        let w = try Self.workspace()
        try w.write("big.md", "# Big\n\n" + String(repeating: "Wombats dig burrows. ", count: 100))
        let capped = try w.run(["kb", "index"], as: "a@a.example", environment: ["CORBI_KB_MAX_FILE_SIZE": "1kB"])
        #expect(capped.status == 0)
        #expect(capped.stderr.contains("skipped big.md: larger than 1000 bytes"))
        #expect(try w.run(["kb", "search", "--json", "wombats"], as: "a@a.example", environment: ["CORBI_KB_MAX_FILE_SIZE": "1kB"]).results.isEmpty)
        // With the default cap (10 MB) the edited file is read and found.
        try w.write("big.md", "# Big\n\n" + String(repeating: "Wombats dig tunnels. ", count: 100))
        let found = try w.run(["kb", "search", "--json", "wombats"], as: "a@a.example")
        #expect(found.results.first?["path"] as? String == "big.md")
        let bad = try w.run(["kb", "status"], as: "a@a.example", environment: ["CORBI_KB_MAX_FILE_SIZE": "ten megabytes"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("CORBI_KB_MAX_FILE_SIZE"))
    }

    @Test func aDamagedIndexIsBuiltAgain() throws {
        let w = try Self.workspace()
        #expect(try w.run(["kb", "index"], as: "a@a.example").status == 0)
        let index = w.folder.appendingPathComponent("corbi.kb-index.sqlite")
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: index.path + suffix) }
        try Data(repeating: 0x41, count: 4096).write(to: index)
        let r = try w.run(["kb", "search", "--json", "cancel"], as: "a@a.example")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("damaged"))
        #expect(r.results.first?["path"] as? String == "handbook.md")
    }

    @Test func aKilledIndexingLeavesAConsistentIndex() throws {
        let w = try Self.workspace()
        // About 8 MB in transactions of 500 kB, so that the pass is likely killed with some
        // files committed and others not (whenever it is killed, the checks below hold).
        let paragraph = String(repeating: "Hygienists polish enamel and check gums with care. ", count: 28)
        for i in 0..<120 {
            let body = (0..<50).map { "\(paragraph)Part \($0)." }.joined(separator: "\n\n")
            try w.write("bulk/f\(i).md", "# File \(i)\n\nMarker zq\(i)x.\n\n\(body)\n")
        }
        let p = try w.start(["kb", "index", "--full"], environment: ["CORBI_USER": "a@a.example", "CORBI_KB_TRANSACTION_BYTES": "500000"])
        Thread.sleep(forTimeInterval: 0.5)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        // What was committed is whole: the next pass finishes the rest, nothing twice.
        let resumed = try w.run(["kb", "index"], as: "a@a.example")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let status = try w.run(["kb", "status", "--json"], as: "a@a.example").json
        #expect(status?["files"] as? Int == 122)  // and handbook.md, orgs/a.example/secret.md
        #expect((status?["stale"] as? [String])?.isEmpty == true)
        let rebuilt = try w.run(["kb", "index", "--full"], as: "a@a.example")
        #expect(rebuilt.status == 0)
        let after = try w.run(["kb", "status", "--json"], as: "a@a.example").json
        #expect(after?["passages"] as? Int == status?["passages"] as? Int)
        for i in [0, 41, 77, 119] {
            let r = try w.run(["kb", "search", "--json", "zq\(i)x"], as: "a@a.example")
            #expect(r.results.compactMap { $0["path"] as? String } == ["bulk/f\(i).md"])
        }
    }
}

extension CorbiBinary.Result {
    /// `kb search --json` results.
    var results: [[String: Any]] { json?["results"] as? [[String: Any]] ?? [] }
}
