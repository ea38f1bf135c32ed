import Foundation
import Testing

/// `corbi ask` through the built binary: the contract's JSON, exit 1 for a refusal, org
/// privacy, edits seen at once, prompts from files, audit, LLM fallback note.
@Suite struct AskEndToEndTests {
    /// Organizations A (admin a@a.example) and B, a shared file and one private file each;
    /// commands run as A's admin unless told otherwise.
    struct Workspace {
        var corbi: CorbiBinary
        var folder: URL { corbi.folder }
        var kb: URL { corbi.kb }

        init() throws {
            corbi = try CorbiBinary()
            corbi.environment["CORBI_PROMPTS"] = corbi.folder.appendingPathComponent("prompts").path
            try FileManager.default.createDirectory(at: corbi.kb, withIntermediateDirectories: true)
            try write(
                "policies.md",
                """
                # Policies

                ## Cancellation

                Please cancel at least 24 hours before your appointment.
                Late cancellations cost €40.

                ## Parking

                Free parking is available behind the building.
                """)
            try write("orgs/a.example/hours.md", "# Hours\n\nClinic A opens at 8:00 on weekdays.\n")
            try write("orgs/b.example/discount.md", "# Loyalty discount\n\nLoyal patients of clinic B get a 15% loyalty discount on whitening.\n")
            for args in [
                ["init", "--org", "A", "--domain", "a.example", "--admin", "a@a.example"],
                ["init", "--org", "B", "--domain", "b.example", "--admin", "b@b.example"],
            ] {
                let r = try corbi.run(args)
                #expect(r.status == 0, "\(r.stderr)")
            }
        }

        func write(_ path: String, _ text: String) throws { try corbi.write(path, text) }

        func run(
            _ arguments: [String], as user: String = "a@a.example", stdin: String = "", environment extra: [String: String] = [:]
        ) throws -> CorbiBinary.Result {
            try corbi.run(arguments, as: user, stdin: stdin, environment: extra)
        }

        func lines(_ path: String, _ start: Int, _ end: Int) throws -> String {
            let text = try String(contentsOf: kb.appendingPathComponent(path), encoding: .utf8)
            return text.split(separator: "\n", omittingEmptySubsequences: false)[(start - 1)...(end - 1)].joined(separator: "\n")
        }
    }

    @Test func answersWithTheContractsJSONAndCitesTheLines() throws {
        let w = try Workspace()
        let r = try w.run(["ask", "How", "much", "does", "a", "late", "cancellation", "cost?", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        #expect(Set(json.keys) == ["question", "answered", "answer", "confidence", "citations", "command"])
        #expect(json["command"] is NSNull, "a knowledge-base answer names no command")
        #expect(json["question"] as? String == "How much does a late cancellation cost?")
        #expect(json["answered"] as? Bool == true)
        #expect(json["answer"] as? String == "Late cancellations cost €40. [1]")
        let confidence = try #require(json["confidence"] as? Double)
        #expect(confidence > 0 && confidence <= 1)
        let c = try #require(r.citations.first)
        #expect(Set(c.keys) == ["n", "path", "lineStart", "lineEnd", "heading", "score"])
        #expect(c["n"] as? Int == 1 && c["path"] as? String == "policies.md")
        #expect(c["heading"] as? String == "Policies › Cancellation")
        let cited = try w.lines("policies.md", c["lineStart"] as! Int, c["lineEnd"] as! Int)
        #expect(cited.contains("Late cancellations cost €40."))

        let text = try w.run(["ask", "How much does a late cancellation cost?"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("Late cancellations cost €40. [1]"))
        // A short passage is cited whole (the section, lines 1-6 on disk).
        #expect(text.stdout.contains("Sources:\n[1] policies.md:1-6 (Policies › Cancellation)"))
    }

    @Test func refusesWithExitOneAndTheClosestSources() throws {
        let w = try Workspace()
        let r = try w.run(["ask", "Do you sell electric toothbrushes?", "--json"])
        #expect(r.status == 1)
        #expect(r.json?["answered"] as? Bool == false)
        #expect(r.json?["answer"] as? String == "The knowledge base does not hold an answer to that question.")
        let text = try w.run(["ask", "Do you sell electric toothbrushes?"])
        #expect(text.status == 1)
        #expect(text.stdout.hasPrefix("The knowledge base does not hold an answer to that question."))
        #expect(text.stderr.isEmpty)
    }

    @Test func neverAnswersFromAnotherOrganizationsPrivateFile() throws {
        let w = try Workspace()
        let asB = try w.run(["ask", "What loyalty discount do loyal patients get on whitening?", "--json"], as: "b@b.example")
        #expect(asB.status == 0, "\(asB.stdout)")
        #expect((asB.json?["answer"] as? String ?? "").contains("15%"))
        let asA = try w.run(["ask", "What loyalty discount do loyal patients get on whitening?", "--json"])
        #expect(asA.status == 1, "\(asA.stdout)")
        #expect(!asA.stdout.contains("orgs/b.example"))
        #expect(!asA.stdout.contains("15%"))
    }

    @Test func anEditedFileShowsInTheNextAnswer() throws {
        let w = try Workspace()
        let before = try w.run(["ask", "When does clinic A open?", "--json"])
        #expect((before.json?["answer"] as? String ?? "").contains("8:00"))
        try w.write("orgs/a.example/hours.md", "# Hours\n\nNew this month:\n\nClinic A opens at 7:30 on weekdays.\n")
        let after = try w.run(["ask", "When does clinic A open?", "--json"])
        #expect((after.json?["answer"] as? String ?? "").contains("7:30"), "\(after.stdout)")
        #expect(after.citations.first?["lineEnd"] as? Int == 5)
    }

    @Test func auditsEveryQuestionAndViewersMayAsk() throws {
        let w = try Workspace()
        #expect(try w.run(["members", "add", "v@a.example", "--role", "viewer"]).status == 0)
        #expect(try w.run(["ask", "Where is parking?"], as: "v@a.example").status == 0)
        #expect(try w.run(["ask", "Do you sell electric toothbrushes?"]).status == 1)
        let audit = try w.run(["audit", "list", "--action", "assistant", "--json"])
        let events = audit.json?["events"] as? [[String: Any]] ?? []
        #expect(events.count == 2)
        let details = events.compactMap { $0["details"] as? [String: Any] }
        #expect(details.map { $0["question"] as? String } == ["Do you sell electric toothbrushes?", "Where is parking?"])
        #expect(details.map { $0["answered"] as? Bool } == [false, true])
        #expect((details[1]["citations"] as? [String])?.first?.hasPrefix("policies.md:") == true)
        #expect((details[1]["kbFingerprint"] as? String)?.count == 64)
        #expect(events.map { $0["actor"] as? String } == ["a@a.example", "v@a.example"])
        #expect(try w.run(["audit", "verify"]).status == 0)
    }

    @Test func readsTheWordingFromThePromptsFolder() throws {
        let w = try Workspace()
        let prompts = w.folder.appendingPathComponent("prompts")
        try FileManager.default.createDirectory(at: prompts, withIntermediateDirectories: true)
        try Data("Sorry, our files do not say.\n".utf8).write(to: prompts.appendingPathComponent("refusal.txt"))
        try Data("Found in our files:\n".utf8).write(to: prompts.appendingPathComponent("answer-header.txt"))
        let refused = try w.run(["ask", "Do you sell electric toothbrushes?"])
        #expect(refused.stdout.hasPrefix("Sorry, our files do not say."))
        let answered = try w.run(["ask", "Where is parking?"])
        #expect(answered.stdout.hasPrefix("Found in our files:\nFree parking"))
        let other = try w.run(["ask", "Do you sell electric toothbrushes?", "--prompts", w.folder.appendingPathComponent("none").path])
        #expect(other.stdout.hasPrefix("The knowledge base does not hold an answer"))
    }

    @Test func fallsBackWithANoteWhenTheModelCannotBeReached() throws {
        let w = try Workspace()
        let r = try w.run(
            ["ask", "Where is parking?"],
            environment: ["CORBI_LLM_URL": "http://127.0.0.1:9", "CORBI_LLM_MODEL": "m", "CORBI_LLM_TIMEOUT": "3"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("Free parking is available behind the building. [1]"))
        #expect(r.stderr.contains("not used"))
    }

    @Test func batchLinesAreQuestionsAndUsageErrorsExit64() throws {
        let w = try Workspace()
        let r = try w.run(["--json"], stdin: "Where is parking?\nDo you sell electric toothbrushes?\n")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(r.status == 1)
        #expect(try w.run(["ask"]).status == 64)
    }
}

extension CorbiBinary.Result {
    /// `ask --json` citations.
    var citations: [[String: Any]] { json?["citations"] as? [[String: Any]] ?? [] }
}
