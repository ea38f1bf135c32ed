import CorbiCore
import Foundation
import Testing

@testable import CorbiCLI

/// The REPL loop driven by a scripted line reader.
@Suite struct REPLTests {
    @Test func promptShowsOrganizationAndRole() throws {
        let workspace = try ShellTestWorkspace()
        let (_, reader, _, status) = workspace.repl([.line("/members"), .endOfInput])
        #expect(status == 0)
        #expect(reader.prompts == ["alpha.example (staff)> ", "alpha.example (staff)> "])

        let viewer = workspace.repl([.endOfInput], session: workspace.session(user: ShellTestWorkspace.viewer, organization: nil))
        #expect(viewer.1.prompts == ["alpha.example (viewer)> "])
    }

    @Test func promptWithoutAnOrganizationIsPlain() throws {
        let workspace = try ShellTestWorkspace()
        // The staff member belongs to two organizations and names neither.
        let (_, reader, _, _) = workspace.repl([.endOfInput], session: workspace.session(organization: nil))
        #expect(reader.prompts == ["corbi> "])
    }

    @Test func commandsRunAndFailuresReturnToThePrompt() throws {
        let workspace = try ShellTestWorkspace()
        let (_, reader, streams, status) = workspace.repl([
            .line("/contacts add --name \"Zoë Becker\" --phone \"0176 5550 1203\""),
            .line("/bokings list"),
            .line("/contacts show nobody"),
            .line("/contacts add --nmae X"),
            .line("/contacts list"),
            .endOfInput,
        ])
        #expect(status == 0)
        #expect(streams.out.contains("Added #1 Zoë Becker"))
        #expect(streams.out.contains("+4917655501203"))
        #expect(streams.err.contains("Unknown command /bokings; did you mean /bookings?"))
        #expect(streams.err.contains("No contact matches 'nobody'."))
        #expect(streams.err.contains("Missing expected argument '--name <name>'"))
        // The list after the failures still ran.
        #expect(streams.out.components(separatedBy: "Zoë Becker").count == 3)
        #expect(reader.prompts.count == 6)
    }

    @Test func quitStopsReadingAndBlankLinesStayOutOfHistory() throws {
        let workspace = try ShellTestWorkspace()
        let (_, reader, streams, status) = workspace.repl([
            .line("/members"), .line(""), .line("   "), .line("# a comment"), .line("/quit"),
            .line("/contacts add --name Never"),
        ])
        #expect(status == 0)
        #expect(reader.history == ["/members", "/quit"])
        #expect(!streams.out.contains("Never"))
        #expect(try workspace.database.contacts(workspace.actor()).total == 0)
    }

    @Test func continuationLinesMakeOneInput() throws {
        let workspace = try ShellTestWorkspace()
        let (_, reader, streams, _) = workspace.repl([
            .line("/contacts add \\"), .line("  --name \"Anna Müller\" \\"), .line("  --tag patient"), .endOfInput,
        ])
        #expect(streams.out.contains("Added #1 Anna Müller"))
        #expect(reader.prompts == ["alpha.example (staff)> ", "...> ", "...> ", "alpha.example (staff)> "])
        #expect(reader.history == ["/contacts add --name \"Anna Müller\" --tag patient"])
        #expect(try workspace.database.contact(workspace.actor(), ref: "Anna").tags == ["patient"])
    }

    @Test func ctrlCAbandonsAHalfTypedInput() throws {
        let workspace = try ShellTestWorkspace()
        let (_, reader, _, status) = workspace.repl([
            .line("/contacts add \\"), .interrupt, .line("--name Ghost"), .line("/contacts list"), .endOfInput,
        ])
        #expect(status == 0)
        #expect(try workspace.database.contacts(workspace.actor()).total == 0)
        // After Ctrl-C the prompt is the normal one again, not the continuation prompt.
        #expect(reader.prompts[2] == "alpha.example (staff)> ")
    }

    @Test func ctrlCWhileACommandRunsDropsItsAnswer() throws {
        let workspace = try ShellTestWorkspace()
        let (_, _, streams, _) = workspace.repl([
            .line("/contacts add --name First"), .interruptNextCommand, .line("/contacts list"), .line("/members"), .endOfInput,
        ])
        #expect(streams.err.contains("Interrupted; the answer was dropped."))
        // The list's answer was dropped; the next command printed normally.
        #expect(streams.out.components(separatedBy: "First").count == 2)
        #expect(streams.out.contains(ShellTestWorkspace.viewer))
    }

    @Test func orgSwitchesAmongMembershipsAndChangesThePrompt() throws {
        let workspace = try ShellTestWorkspace()
        let (_, reader, streams, _) = workspace.repl([
            .line("/org nowhere.example"), .line("/org beta.example"), .line("/contacts add --name Nope"), .line("/org"), .endOfInput,
        ])
        #expect(streams.err.contains("No organization 'nowhere.example' for staff@alpha.example."))
        #expect(streams.out.contains("Now in Beta Studio (beta.example) as viewer."))
        #expect(reader.prompts[1] == "alpha.example (staff)> ")
        #expect(reader.prompts[2] == "beta.example (viewer)> ")
        // A viewer cannot write: refused, and the REPL goes on.
        #expect(streams.err.contains("A viewer cannot"))
        #expect(streams.out.contains("*  ") && streams.out.contains("beta.example"))
        #expect(try workspace.database.contacts(workspace.actor()).total == 0)
    }

    @Test func endOfInputLeavesWithStatusZeroEvenAfterFailures() throws {
        let workspace = try ShellTestWorkspace()
        let (_, _, streams, status) = workspace.repl([.line("/nope"), .endOfInput])
        #expect(status == 0)
        #expect(streams.err.contains("Unknown command /nope"))
    }

    @Test func coloursOnlyWhenAsked() throws {
        let workspace = try ShellTestWorkspace()
        let session = workspace.session()
        #expect(REPL.prompt(for: session, color: false) == "alpha.example (staff)> ")
        let coloured = REPL.prompt(for: session, color: true)
        #expect(coloured.contains("\u{1B}["))
        // Escape sequences are marked invisible for readline.
        #expect(coloured.contains("\u{1}") && coloured.contains("\u{2}"))
        #expect(coloured.replacingOccurrences(of: "\u{1}\u{1B}[1;36m\u{2}", with: "").replacingOccurrences(of: "\u{1}\u{1B}[0m\u{2}", with: "")
            .replacingOccurrences(of: "\u{1}\u{1B}[2m\u{2}", with: "") == "alpha.example (staff)> ")
    }

    @Test func longTextGoesThroughThePager() throws {
        let workspace = try ShellTestWorkspace()
        let reader = ScriptedLineReader([.line("/help"), .line("/members --json"), .endOfInput])
        let streams = CapturedStreams()
        let paged = PagedTexts()
        let repl = REPL(
            interpreter: ShellInterpreter(session: workspace.session(), json: false), reader: reader, streams: streams,
            pager: { paged.add($0) })
        _ = repl.run()
        // Help text paged; JSON never.
        #expect(paged.texts.count == 1)
        #expect(paged.texts.first?.contains("/contacts") == true)
        #expect(!streams.out.contains("Shell commands:"))
        #expect(streams.out.contains("\"members\""))
    }
}

final class PagedTexts: @unchecked Sendable {
    private(set) var texts: [String] = []
    func add(_ text: String) -> Bool {
        texts.append(text)
        return true
    }
}
