import CorbiCore
import CorbiWorkspace
import Foundation
import Testing

@testable import CorbiCLI

/// The questions `org delete` and `contacts merge` ask on a terminal, the export streamed
/// to stdout, and the monitor's bars: what the binary's piped tests cannot reach.
@Suite struct RecordsCommandsTests {
    /// A session as on a terminal, answering the questions from `answers` in order.
    final class Terminal: @unchecked Sendable {
        var answers: [String]
        var asked: [String] = []
        var notes: [String] = []
        var output = Data()
        init(_ answers: [String]) { self.answers = answers }

        func session(_ w: ShellTestWorkspace, user: String, organization: String? = "alpha.example") -> Session {
            var configuration = try! Configuration.resolve(
                Configuration.Overrides(
                    database: w.databasePath, knowledgeBase: w.knowledgeBasePath, prompts: w.folder.appendingPathComponent("prompts").path,
                    user: user, organization: organization),
                environment: ["HOME": w.folder.path])
            configuration.calendarRoot = w.folder.appendingPathComponent("calendar").path
            let session = Session(
                workspace: Workspace(configuration: configuration, environment: w.environment),
                terminal: TerminalFacts(stdin: true, stdout: true, stderr: true), diagnostics: { [self] in notes.append($0) })
            session.organization = organization
            session.askText = { [self] question in
                asked.append(question)
                return answers.isEmpty ? nil : answers.removeFirst()
            }
            session.confirm = { [self] question in
                asked.append(question)
                return !answers.isEmpty && answers.removeFirst() == "y"
            }
            session.writeStandardOutput = { [self] data in output.append(data) }
            return session
        }
    }

    @Test func deletingOnATerminalAsksForTheDomainAgain() throws {
        let w = try ShellTestWorkspace()
        let terminal = Terminal(["", "alpha.exampel", "ALPHA.example"])
        let session = terminal.session(w, user: ShellTestWorkspace.admin)
        // No answer keeps it; a mistyped one is refused; the right one (any case) deletes.
        var r = CommandRunner.run(arguments: ["org", "delete", "alpha.example"], in: session)
        #expect(r.exitCode == 0 && r.stdout == "Not deleted.")
        #expect(terminal.notes.first?.contains("cannot be undone") == true)
        r = CommandRunner.run(arguments: ["org", "delete", "alpha.example"], in: session)
        #expect(r.exitCode == 65)
        #expect(try w.database.resolveActor(user: ShellTestWorkspace.admin, organization: "alpha.example").organization.domain == "alpha.example")
        r = CommandRunner.run(arguments: ["org", "delete", "alpha.example"], in: session)
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Deleted Alpha Clinic (alpha.example)"))
        #expect(terminal.asked.count == 3)
        #expect(throws: CorbiError.self) { try w.database.resolveActor(user: ShellTestWorkspace.admin, organization: "alpha.example") }
        // A domain that is not the organization's is refused before anything is asked.
        let other = Terminal(["beta.example"])
        let beta = other.session(w, user: "admin@beta.example", organization: "beta.example")
        #expect(CommandRunner.run(arguments: ["org", "delete", "alpha.example"], in: beta).exitCode == 65)
        #expect(other.asked.isEmpty)
        // Nor is a member who may not delete it asked: refused at once, piped or not.
        let staffTerminal = Terminal(["beta.example"])
        let staff = staffTerminal.session(w, user: ShellTestWorkspace.staff, organization: "beta.example")
        #expect(CommandRunner.run(arguments: ["org", "delete", "beta.example"], in: staff).exitCode == 77)
        #expect(CommandRunner.run(arguments: ["org", "delete", "beta.example"], in: w.session(user: ShellTestWorkspace.staff, organization: "beta.example")).exitCode == 77)
        #expect(staffTerminal.asked.isEmpty)
    }

    @Test func mergingOnATerminalAsksFirst() throws {
        let w = try ShellTestWorkspace()
        let staff = try w.actor(ShellTestWorkspace.staff)
        let keep = try w.database.addContact(staff, ContactInput(fullName: "Anna Müller", email: "anna@example.com"))
        let other = try w.database.addContact(staff, ContactInput(fullName: "Anna Mueller", phone: "+49 170 1234567"))
        let terminal = Terminal(["n", "y"])
        let session = terminal.session(w, user: ShellTestWorkspace.staff)
        let arguments = ["contacts", "merge", String(keep.id!), String(other.id!)]
        var r = CommandRunner.run(arguments: arguments, in: session)
        #expect(r.exitCode == 0 && r.stdout == "Not merged.")
        #expect(terminal.notes.last?.contains("identifiers moved:   whatsapp +491701234567") == true)
        #expect(try w.database.allContacts(staff).count == 2)
        r = CommandRunner.run(arguments: arguments, in: session)
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("Merged Anna Mueller (#\(other.id!)) into Anna Müller (#\(keep.id!))."))
        #expect(try w.database.allContacts(staff).map(\.id) == [keep.id])
        #expect(terminal.asked == Array(repeating: "Merge Anna Mueller (#\(other.id!)) into Anna Müller (#\(keep.id!))? [y/N]", count: 2))
    }

    @Test func anExportToStdoutIsStreamedNotReturned() throws {
        let w = try ShellTestWorkspace()
        let terminal = Terminal([])
        let session = terminal.session(w, user: ShellTestWorkspace.admin)
        _ = try w.database.addContact(try w.actor(ShellTestWorkspace.staff), ContactInput(fullName: "Kim \"Lee\" \\ Park"))
        let r = CommandRunner.run(arguments: ["org", "export"], in: session)
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let text = String(decoding: terminal.output, as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(r.stderr.first?.hasPrefix("Exported \(lines.count) records of alpha.example: organization 1, member 3, contact 1") == true)
        let contact = try #require(lines.first { $0.contains("\"type\":\"contact\"") })
        let object = try JSONSerialization.jsonObject(with: Data(contact.utf8)) as? [String: Any]
        #expect(object?["fullName"] as? String == "Kim \"Lee\" \\ Park")
    }

    @Test func theMonitorsBarsAreForTerminals() throws {
        #expect(MonitorCommand.bar(0, of: 10) == "")
        #expect(MonitorCommand.bar(10, of: 10) == String(repeating: "█", count: 16))
        #expect(MonitorCommand.bar(5, of: 10) == String(repeating: "█", count: 8))
        #expect(MonitorCommand.bar(1, of: 1000) == "▏")
        var busy = MonitoringSummary(organization: "a.example", day: LocalDateTime(year: 2031, month: 3, day: 30), timezone: "Europe/Berlin")
        busy.outbound.sent = 4
        var quiet = busy
        quiet.day = LocalDateTime(year: 2031, month: 3, day: 31)
        quiet.outbound.sent = 1
        let table = MonitorCommand.table([busy, quiet], bars: true).split(separator: "\n")
        #expect(table[1].hasPrefix("Sun 2031-03-30") && table[1].hasSuffix(String(repeating: "█", count: 16)))
        #expect(table[2].hasPrefix("Mon 2031-03-31") && table[2].hasSuffix("  ████"))
        #expect(!table.contains { $0.hasSuffix(" ") })
        #expect(!MonitorCommand.table([busy, quiet], bars: false).contains("█"))
        // The command in a terminal session: three days, a header and a footer.
        let w = try ShellTestWorkspace()
        let r = CommandRunner.run(arguments: ["monitor", "--days", "3"], in: Terminal([]).session(w, user: ShellTestWorkspace.viewer))
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 5)
    }
}
