import CorbiCore
import Foundation
import Testing

@testable import CorbiCLI

/// The shell's own commands, line classification and batch mode.
@Suite struct ShellInterpreterTests {
    @Test func linesAreQuestionsCommandsOrNothing() {
        #expect(ShellInput.parse("") == .nothing)
        #expect(ShellInput.parse("   # note") == .nothing)
        #expect(ShellInput.parse("  When are you open?  ") == .question("When are you open?"))
        #expect(ShellInput.parse("two\nlines") == .question("two lines"))
        #expect(ShellInput.parse("/contacts add --name 'Anna Müller'") == .command(["contacts", "add", "--name", "Anna Müller"]))
        #expect(ShellInput.parse("/templates add x --body \"line one\nline two\"") == .command(["templates", "add", "x", "--body", "line one\nline two"]))
        if case .malformed = ShellInput.parse("/contacts show \"Anna") {} else { Issue.record("unterminated quote accepted") }
    }

    @Test func continuationBufferJoinsLinesEndingInABackslash() {
        var buffer = ContinuationBuffer()
        #expect(buffer.add("/contacts add \\") == nil)
        #expect(buffer.isContinuing)
        #expect(buffer.add("--name X") == "/contacts add \n--name X")
        #expect(!buffer.isContinuing)
        // An escaped backslash does not continue.
        #expect(buffer.add("path C:\\\\") == "path C:\\\\")
        // A pasted block with continuation lines inside is one input.
        #expect(buffer.add("/contacts add \\\n--name Y") == "/contacts add \n--name Y")
        #expect(buffer.add("tail \\") == nil)
        #expect(buffer.flush() == "tail ")
    }

    @Test func helpListsCommandsAndShowsOneCommandsHelp() throws {
        let workspace = try ShellTestWorkspace()
        let shell = ShellInterpreter(session: workspace.session(), json: false)
        let overview = try #require(shell.run("/help")).result
        #expect(overview.exitCode == 0)
        for name in CorbiRoot.subcommandNames { #expect(overview.stdout.contains("/\(name) ")) }
        #expect(overview.stdout.contains("/cite N"))

        let add = try #require(shell.run("/help contacts add")).result
        #expect(add.stdout.contains("USAGE: corbi contacts add"))
        #expect(add.stdout.contains("--name <name>"))
        // The same text as --help.
        #expect(try #require(shell.run("/contacts add --help")).result.stdout == add.stdout)

        let typo = try #require(shell.run("/help bokings")).result
        #expect(typo.exitCode == 64)
        #expect(typo.stderr == ["Unknown command /bokings; did you mean /bookings?"])
        #expect(try #require(shell.run("/help contacts lsit")).result.stderr == ["/contacts has no subcommand lsit; did you mean list?"])
        #expect(try #require(shell.run("/help cite")).result.stdout.contains("/cite N"))
    }

    @Test func unknownCommandsSuggestTheClosest() throws {
        let workspace = try ShellTestWorkspace()
        let shell = ShellInterpreter(session: workspace.session(), json: false)
        for (typed, meant) in [("bokings", "bookings"), ("contcts", "contacts"), ("cont", "contacts"), ("hepl", "help"), ("qiut", "quit")] {
            let result = try #require(shell.run("/\(typed)")).result
            #expect(result.exitCode == 64)
            #expect(result.stderr == ["Unknown command /\(typed); did you mean /\(meant)?"])
        }
        #expect(try #require(shell.run("/zzzzzzzz")).result.stderr == ["Unknown command /zzzzzzzz; /help lists the commands."])
        #expect(try #require(shell.run("/")).result.exitCode == 64)
    }

    @Test func sourcesAndCitePrintTheCitedLines() throws {
        let workspace = try ShellTestWorkspace()
        let session = workspace.session()
        let shell = ShellInterpreter(session: session, json: false)
        #expect(try #require(shell.run("/sources")).result.stdout.contains("No sources yet"))
        #expect(try #require(shell.run("/cite 1")).result.exitCode == 66)

        let kb = URL(fileURLWithPath: workspace.knowledgeBasePath)
        try FileManager.default.createDirectory(at: kb.appendingPathComponent("policies"), withIntermediateDirectories: true)
        let lines = (1...12).map { "line \($0) of the policy" }.joined(separator: "\n") + "\n"
        try lines.write(to: kb.appendingPathComponent("policies/cancellation.md"), atomically: true, encoding: .utf8)
        session.lastCitations = [
            CitationRef(n: 1, path: "policies/cancellation.md", lineStart: 9, lineEnd: 11, heading: "Cancellation"),
            CitationRef(n: 2, path: "gone.md", lineStart: 1, lineEnd: 2, heading: ""),
        ]
        let sources = try #require(shell.run("/sources")).result
        #expect(sources.stdout == "[1] policies/cancellation.md:9-11  Cancellation\n[2] gone.md:1-2")

        let cite = try #require(shell.run("/cite 1")).result
        #expect(cite.exitCode == 0)
        #expect(cite.stdout == "[1] policies/cancellation.md:9-11  Cancellation\n 9 | line 9 of the policy\n10 | line 10 of the policy\n11 | line 11 of the policy")
        #expect(try #require(shell.run("/cite 2")).result.exitCode == 66)
        #expect(try #require(shell.run("/cite 3")).result.stderr == ["No citation [3]; the last answer cited [1], [2]."])
        #expect(try #require(shell.run("/cite one")).result.exitCode == 65)
        #expect(try #require(shell.run("/cite")).result.exitCode == 64)

        let json = ShellInterpreter(session: session, json: true)
        let citeJSON = try #require(json.run("/cite 1")).result.stdout
        let object = try #require(JSONSerialization.jsonObject(with: Data(citeJSON.utf8)) as? [String: Any])
        let citedLines = try #require(object["lines"] as? [[String: Any]])
        #expect(citedLines.map { $0["number"] as? Int } == [9, 10, 11])
    }

    @Test func orgWithASubcommandIsTheOrgCommand() {
        #expect(ShellInterpreter.isOrgSwitch(["beta.example"]))
        #expect(ShellInterpreter.isOrgSwitch(["2"]))
        #expect(!ShellInterpreter.isOrgSwitch([]))
        #expect(!ShellInterpreter.isOrgSwitch(["list"]))
        #expect(!ShellInterpreter.isOrgSwitch(["show"]))
        #expect(!ShellInterpreter.isOrgSwitch(["update", "--name", "X"]))
        #expect(!ShellInterpreter.isOrgSwitch(["--json"]))
    }

    // MARK: - Batch mode

    @Test func batchRunsEveryLineAndExitsWithTheFirstFailure() throws {
        let workspace = try ShellTestWorkspace()
        let streams = CapturedStreams()
        let batch = BatchRunner(interpreter: ShellInterpreter(session: workspace.session(), json: false), bail: false, streams: streams)
        let status = batch.run(lines: [
            "# set up", "", "/contacts add --name 'Anna Müller'", "/contacts show nobody", "/nope", "/contacts add --name Ben",
            "/contacts list",
        ])
        #expect(status == 66)
        #expect(streams.err.contains("line 4: No contact matches 'nobody'."))
        #expect(streams.err.contains("line 5: Unknown command /nope"))
        #expect(streams.out.contains("Ben"))
        #expect(try workspace.database.contacts(workspace.actor()).total == 2)
    }

    @Test func bailStopsAtTheFirstFailingLine() throws {
        let workspace = try ShellTestWorkspace()
        let streams = CapturedStreams()
        let batch = BatchRunner(interpreter: ShellInterpreter(session: workspace.session(), json: false), bail: true, streams: streams)
        let status = batch.run(lines: ["/contacts add --name A", "/contacts add --name B --status lost", "/contacts add --name C"])
        #expect(status == 65)
        #expect(try workspace.database.contacts(workspace.actor()).contacts.map(\.fullName) == ["A"])
    }

    @Test func jsonPrintsExactlyOneObjectPerInput() throws {
        let workspace = try ShellTestWorkspace()
        let streams = CapturedStreams()
        let batch = BatchRunner(interpreter: ShellInterpreter(session: workspace.session(), json: true), bail: false, streams: streams)
        let status = batch.run(lines: [
            "# comment", "/contacts add --name A", "", "/contacts add \\", "  --name B", "/nope", "/help", "/contacts list --help",
            "/sources", "/contacts list --json", "/contacts show \"unterminated", "What are the opening hours?",
            "/org beta.example", "/quit", "/contacts add --name Never",
        ])
        let objects = try streams.out.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        // 11 inputs up to /quit, the continued one counted once.
        #expect(objects.count == 11)
        #expect(streams.err.isEmpty)
        #expect(status == 64)
        let errors = objects.compactMap { $0["error"] as? [String: Any] }
        #expect(errors.first?["exitCode"] as? Int == 64)
        #expect((errors.first?["message"] as? String)?.contains("/nope") == true)
        #expect((objects[4]["help"] as? String)?.contains("USAGE: corbi contacts list") == true)
        #expect((objects[6]["contacts"] as? [Any])?.count == 2)
        #expect((objects[9]["domain"] as? String) == "beta.example")
        #expect(objects[10]["ok"] as? Bool == true)
        #expect(try workspace.database.contacts(workspace.actor()).total == 2)
    }
}
