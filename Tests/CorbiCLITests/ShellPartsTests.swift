import CorbiWorkspace
import Foundation
import GRDB
import Testing

@testable import CorbiCLI
@testable import CorbiCore

/// Completion, history, suggestions, the demo workspace and template names.
@Suite struct ShellPartsTests {
    private func completer() -> Completer {
        Completer(
            contactNames: { prefix in ["Anna Müller", "Anton Berg", "Ben Okafor"].filter { $0.lowercased().hasPrefix(prefix.lowercased()) } },
            templateNames: { prefix in ["reminder", "recall_6m", "welcome"].filter { $0.hasPrefix(prefix) } },
            templateVariables: { name in name == "reminder" ? ["first_name", "time"] : [] },
            organizationDomains: { ["alpha.example", "beta.example"] },
            citationNumbers: { ["1", "2"] })
    }

    @Test func completesCommandsSubcommandsAndOptions() {
        let c = completer()
        #expect(c.complete(before: "", word: "/con") == .candidates(["/contacts"]))
        #expect(c.complete(before: "", word: "/b") == .candidates(["/book", "/bookings"]))
        #expect(c.complete(before: "", word: "/q") == .candidates(["/quit"]))
        #expect(
            c.complete(before: "/contacts ", word: "")
                == .candidates(["list", "show", "add", "update", "delete", "import", "export", "conflicts", "merge"]))
        #expect(c.complete(before: "/contacts conflicts ", word: "") == .candidates(["list", "resolve"]))
        #expect(c.complete(before: "/audit ", word: "") == .candidates(["list", "verify", "head", "key", "seal"]))
        #expect(c.complete(before: "/monitor ", word: "--d") == .candidates(["--day", "--days", "--db"]))
        #expect(c.complete(before: "/contacts ", word: "ex") == .candidates(["export"]))
        #expect(c.complete(before: "/contacts add ", word: "--t") == .candidates(["--telegram", "--tag"]))
        #expect(c.complete(before: "/contacts add --name X ", word: "--j") == .candidates(["--json"]))
        #expect(c.complete(before: "/help ", word: "bo") == .candidates(["book", "bookings"]))
        #expect(c.complete(before: "/help contacts ", word: "i") == .candidates(["import"]))
        // Questions are not completed.
        #expect(c.complete(before: "", word: "wha") == .nothing)
        #expect(c.complete(before: "when do you ", word: "op") == .nothing)
    }

    @Test func completesContactTemplateAndValueNames() {
        let c = completer()
        #expect(c.complete(before: "/contacts show ", word: "an") == .candidates(["Anna Müller", "Anton Berg"]))
        #expect(c.complete(before: "/contacts update ", word: "Ben") == .candidates(["Ben Okafor"]))
        #expect(c.complete(before: "/book ", word: "A") == .candidates(["Anna Müller", "Anton Berg"]))
        #expect(c.complete(before: "/contacts merge ", word: "an") == .candidates(["Anna Müller", "Anton Berg"]))
        #expect(c.complete(before: "/contacts merge \"Anna Müller\" ", word: "b") == .candidates(["Ben Okafor"]))
        #expect(c.complete(before: "/contacts merge 3 4 ", word: "") == .nothing)
        #expect(c.complete(before: "/draft \"Anna Müller\" ", word: "re") == .candidates(["reminder", "recall_6m"]))
        #expect(c.complete(before: "/draft Ben reminder ", word: "") == .candidates(["first_name=", "time="]))
        #expect(c.complete(before: "/draft Ben reminder first_name=Ben ", word: "t") == .candidates(["time="]))
        #expect(c.complete(before: "/draft Ben --channel ", word: "") == .candidates(["whatsapp", "telegram", "instagram", "email"]))
        #expect(c.complete(before: "/templates approve ", word: "w") == .candidates(["welcome"]))
        #expect(c.complete(before: "/members add x@y.example --role ", word: "") == .candidates(["viewer", "staff", "admin"]))
        #expect(c.complete(before: "/contacts add --status ", word: "b") == .candidates(["blocked", "bounced"]))
        #expect(c.complete(before: "/org ", word: "b") == .candidates(["beta.example"]))
        #expect(c.complete(before: "/contacts list --org ", word: "") == .candidates(["alpha.example", "beta.example"]))
        #expect(c.complete(before: "/cite ", word: "") == .candidates(["1", "2"]))
        #expect(c.complete(before: "/contacts import ", word: "") == .files)
        #expect(c.complete(before: "/contacts list --db ", word: "") == .files)
        // An option's value is not a positional: the second positional of draft is the template.
        #expect(c.complete(before: "/draft --channel email Ben ", word: "") == .candidates(["reminder", "recall_6m", "welcome"]))
        // A half-typed quoted name still counts as one word.
        #expect(c.complete(before: "/draft \"Anna M", word: "") == .candidates(["reminder", "recall_6m", "welcome"]))
    }

    @Test func completionQuotesNamesWithSpaces() throws {
        func strings(_ matches: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
            guard let matches else { return [] }
            var result: [String] = []
            var i = 0
            while let entry = matches[i] {
                result.append(String(cString: entry))
                free(entry)
                i += 1
            }
            free(matches)
            return result
        }
        #expect(strings(ReadlineLineReader.matches(["Anna Müller"], typed: "An", insideQuotes: false)) == ["\"Anna Müller\""])
        #expect(strings(ReadlineLineReader.matches(["Anna Müller"], typed: "An", insideQuotes: true)) == ["Anna Müller"])
        #expect(
            strings(ReadlineLineReader.matches(["Anna Müller", "Anna Schmidt"], typed: "an", insideQuotes: false))
                == ["\"Anna ", "\"Anna Müller", "\"Anna Schmidt"])
        #expect(strings(ReadlineLineReader.matches(["/book", "/bookings"], typed: "/b", insideQuotes: false)) == ["/book", "/book", "/bookings"])
        #expect(strings(ReadlineLineReader.matches([], typed: "x", insideQuotes: false)).isEmpty)
    }

    @Test func optionsAndTheirValuesComeFromTheDeclarations() {
        let options = CommandTree.options(of: ContactsCommand.Add.self)
        #expect(options.contains(CommandTree.Option(name: "--name", takesValue: true, values: [], isPath: false)))
        #expect(options.contains(CommandTree.Option(name: "--json", takesValue: false, values: [], isPath: false)))
        #expect(options.contains(CommandTree.Option(name: "--help", takesValue: false, values: [], isPath: false)))
        #expect(!options.contains(where: { $0.name == "--nmae" }))
        // A status option lists the enum's cases, declared once in the core.
        let status = CommandTree.options(of: OutboxCommand.List.self).first { $0.name == "--status" }
        #expect(status?.values == MessageStatus.allCases.map(\.rawValue))
        let channel = CommandTree.options(of: DraftCommand.self).first { $0.name == "--channel" }
        #expect(channel?.values == Channel.allCases.map(\.rawValue))
    }

    @Test func suggestionsUseEditDistance() {
        let names = ShellInterpreter.commandNames
        #expect(Suggestion.distance("bokings", "bookings") == 1)
        #expect(Suggestion.distance("conatcts", "contacts") == 1)
        #expect(Suggestion.closest(to: "bokings", among: names) == "bookings")
        #expect(Suggestion.closest(to: "Contacts", among: names) == "contacts")
        #expect(Suggestion.closest(to: "aduit", among: names) == "audit")
        #expect(Suggestion.closest(to: "xyzzy", among: names) == nil)
        #expect(Suggestion.closest(to: "", among: names) == nil)
    }

    // MARK: - History

    @Test func historyIsAppendedAndCapped() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-history-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state/corbi/history").path
        let history = HistoryFile(path: path, limit: 10)
        #expect(history.load().isEmpty)
        for i in 1...25 { history.append("/contacts show \(i)") }
        history.append("two\nlines")
        history.append("   ")
        let reloaded = HistoryFile(path: path, limit: 10).load()
        #expect(reloaded.count == 10)
        #expect(reloaded.last == "two lines")
        #expect(reloaded.first == "/contacts show 17")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 10)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    // MARK: - Demo workspace

    @Test func demoIsSeededOnceWithTwoOrganizations() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        // The user's own workspace (CORBI_CALENDAR_DIR included) is never touched.
        let env = ["XDG_DATA_HOME": folder.path, "HOME": folder.path, "CORBI_CALENDAR_DIR": folder.path + "/mine"]
        let settings = try DemoWorkspace.configuration(overrides: .init(), base: Configuration.resolve(environment: env))
        #expect(settings.databasePath == folder.path + "/corbi/demo/corbi.sqlite")
        #expect(settings.calendarRoot == folder.path + "/corbi/demo/calendar")
        #expect(settings.user == "staff@brightsmile.example")
        #expect(settings.organization == "brightsmile.example")
        // Nothing but the database is left in the folder (no half-seeded temporary file).
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/corbi/demo") == ["corbi.sqlite"])

        let db = try AppDatabase(path: settings.databasePath)
        let staff = try db.resolveActor(user: settings.user, organization: settings.organization)
        #expect(staff.role == .staff)
        #expect(staff.organization.timezone == "Europe/Berlin")
        #expect(staff.organization.name == "BrightSmile Dental")
        #expect(try db.contacts(staff).total == 30)
        #expect(try db.members(staff).map(\.role).sorted() == [Role.viewer, .staff, .admin])
        #expect(try db.memberships(userId: staff.userId!).map(\.0.domain) == ["brightsmile.example", "northpeak.example"])
        // Northpeak's contacts stay there.
        let north = try db.resolveActor(user: "admin@northpeak.example", organization: nil)
        #expect(try db.contacts(north).total == 5)
        #expect(try db.contacts(staff, matching: "Nils Berg").total == 0)
        _ = try db.addContact(staff, ContactInput(fullName: "Added Later"))

        // Prepared again: the database is reused, not seeded again.
        _ = try DemoWorkspace.configuration(overrides: .init(), base: Configuration.resolve(environment: env))
        #expect(try db.contacts(staff).total == 31)
    }

    @Test func demoHonoursUserAndExplicitPaths() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("mine.sqlite").path
        let globals = try GlobalOptions.parse(["--db", path, "--kb", "/kb/here", "--user", "viewer@brightsmile.example"])
        let settings = try DemoWorkspace.configuration(
            overrides: globals.overrides,
            base: Configuration.resolve(globals.overrides, environment: ["HOME": folder.path, "CORBI_DB": "/elsewhere.sqlite"]))
        #expect(settings.databasePath == path)
        #expect(settings.knowledgeBasePath == "/kb/here")
        #expect(settings.user == "viewer@brightsmile.example")
        #expect(settings.organization == nil)
        let db = try AppDatabase(path: path)
        #expect(try db.resolveActor(user: settings.user, organization: settings.organization).role == .viewer)
    }

    // MARK: - Template names

    @Test func templateNamesAreScopedToTheOrganization() throws {
        let workspace = try ShellTestWorkspace()
        let alpha = try workspace.actor()
        let beta = try workspace.actor(ShellTestWorkspace.staff, "beta.example")
        try workspace.database.writer.write { db in
            for (org, name, language) in [
                (alpha.organizationId, "reminder", "en"), (alpha.organizationId, "reminder", "de"),
                (alpha.organizationId, "recall_6m", "en"), (alpha.organizationId, "welcome", "en"), (beta.organizationId, "rebook", "en"),
            ] {
                try db.execute(
                    sql: """
                        INSERT INTO messageTemplate (organizationId, name, channel, language, body, createdAt, updatedAt)
                        VALUES (?, ?, 'whatsapp', ?, 'Hello', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000')
                        """, arguments: [org, name, language])
            }
        }
        #expect(try workspace.database.templateNames(alpha, prefix: "re") == ["recall_6m", "reminder"])
        #expect(try workspace.database.templateNames(alpha, prefix: "") == ["recall_6m", "reminder", "welcome"])
        #expect(try workspace.database.templateNames(alpha, prefix: "re_") == [])
        #expect(try workspace.database.templateNames(beta, prefix: "") == ["rebook"])
    }
}
