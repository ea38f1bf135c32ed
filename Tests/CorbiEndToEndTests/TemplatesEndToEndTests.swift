import CorbiTestSupport
import Foundation
import Testing

/// Runs the built `corbi` binary on a temporary database.
struct TemplatesCLI {
    struct Result {
        var stdout: String
        var stderr: String
        var code: Int32
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:]
        }
    }

    var folder: URL { temporary.url }
    private let temporary: TemporaryFolder
    var database: String { folder.appendingPathComponent("corbi.sqlite").path }

    init() throws {
        temporary = try TemporaryFolder("corbi-templates-e2e")
    }

    static let binary: URL? = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("corbi")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate.path)
            {
                return candidate
            }
            dir = dir.deletingLastPathComponent()
        }
        let fallback = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/corbi")
        return FileManager.default.isExecutableFile(atPath: fallback.path) ? fallback : nil
    }()

    @discardableResult
    func run(_ arguments: [String], user: String = "staff@clinic.example", stdin: String? = nil) throws -> Result {
        guard let binary = Self.binary else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["CORBI_DB"] = database
        env["CORBI_USER"] = user
        env["NO_COLOR"] = "1"
        env["CORBI_ORG"] = nil
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self),
            code: process.terminationStatus)
    }

    /// An organization with an admin, a staff member, a viewer and three contacts.
    func seed() throws {
        let admin = "admin@clinic.example"
        try expectOK(run(["init", "--org", "Smile Clinic", "--domain", "clinic.example", "--admin", admin, "--timezone", "Europe/Berlin"], user: admin))
        try expectOK(run(["members", "add", "staff@clinic.example", "--role", "staff"], user: admin))
        try expectOK(run(["members", "add", "viewer@clinic.example", "--role", "viewer"], user: admin))
        try expectOK(run(["contacts", "add", "--name", "Anna Müller", "--phone", "+49 151 2345678", "--email", "anna@example.com"]))
        try expectOK(run(["contacts", "add", "--name", "Bob Blocked", "--phone", "+49 151 7654321", "--status", "blocked"]))
        try expectOK(run(["contacts", "add", "--name", "Carl Mail", "--email", "carl@example.com"]))
    }

    func expectOK(_ r: Result, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.code == 0, "stdout: \(r.stdout) stderr: \(r.stderr)", sourceLocation: sourceLocation)
    }
}

@Suite(.serialized) struct TemplatesEndToEndTests {
    @Test func theTemplateAndDraftScript() throws {
        let cli = try TemplatesCLI()
        try cli.seed()
        let admin = "admin@clinic.example"

        // Invalid names and placeholder mixes.
        #expect(try cli.run(["templates", "add", "Reminder", "--channel", "whatsapp", "--language", "en", "--body", "Hi"]).code == 65)
        let mixed = try cli.run(["templates", "add", "reminder", "--channel", "whatsapp", "--language", "en", "--body", "Hi {{first_name}} {{1}}"])
        #expect(mixed.code == 65)
        #expect(mixed.stderr.contains("never mixed"))
        #expect(try cli.run(["templates", "add", "reminder", "--channel", "sms", "--language", "en", "--body", "Hi"]).code == 65)
        #expect(try cli.run(["templates", "add", "reminder", "--channel", "whatsapp", "--language", "en"]).code == 64)

        let body = "Hi {{first_name}}, your visit at {{org_name}} is on {{day}} at {{ time }}. <Reply> \"YES\" & come!"
        let added = try cli.run(["templates", "add", "reminder", "--channel", "whatsapp", "--language", "en", "--body", body, "--json"])
        cli.expectOK(added)
        #expect(added.json["variables"] as? [String] == ["first_name", "org_name", "day", "time"])
        #expect(added.json["approved"] as? Bool == false)

        // Approval: staff 77, viewer 77, admin 0.
        #expect(try cli.run(["templates", "approve", "reminder"]).code == 77)
        #expect(try cli.run(["templates", "approve", "reminder"], user: "viewer@clinic.example").code == 77)
        let approved = try cli.run(["templates", "approve", "reminder", "--json"], user: admin)
        cli.expectOK(approved)
        #expect(approved.json["approvedBy"] as? String == admin)
        #expect((approved.json["approvedAt"] as? String)?.hasSuffix("+01:00") == true || (approved.json["approvedAt"] as? String)?.hasSuffix("+02:00") == true)

        let listed = try cli.run(["templates", "list", "--json"], user: "viewer@clinic.example")
        let templates = listed.json["templates"] as? [[String: Any]] ?? []
        #expect(templates.count == 1)
        #expect(Set(templates.first?.keys ?? [:].keys) == [
            "id", "name", "channel", "language", "subject", "body", "variables", "approved", "approvedBy", "approvedAt",
        ])
        #expect(templates.first?["subject"] is NSNull)

        // Missing variables, all in one error.
        let missing = try cli.run(["draft", "anna", "reminder"])
        #expect(missing.code == 65)
        #expect(missing.stderr.contains("day, time"))

        // A dry run renders exactly and saves nothing.
        let dry = try cli.run(["draft", "anna", "reminder", "day=Monday", "time=09:30", "--dry-run", "--json"])
        cli.expectOK(dry)
        let expected = "Hi Anna, your visit at Smile Clinic is on Monday at 09:30. <Reply> \"YES\" & come!"
        #expect(dry.json["body"] as? String == expected)
        #expect(dry.json["id"] is NSNull)
        #expect((try cli.run(["outbox", "list", "--json"]).json["messages"] as? [Any])?.isEmpty == true)

        // A real draft: the contract's JSON shape.
        let saved = try cli.run(["draft", "anna", "reminder", "day=Monday", "time=09:30", "--json"])
        cli.expectOK(saved)
        #expect(Set(saved.json.keys) == ["id", "contactId", "templateId", "channel", "body", "status", "scheduledFor", "traceId"])
        #expect(saved.json["body"] as? String == expected)
        #expect(saved.json["status"] as? String == "pending")
        #expect(saved.json["channel"] as? String == "whatsapp")
        let text = try cli.run(["draft", "anna", "reminder", "day=Monday", "time=09:30"])
        cli.expectOK(text)
        #expect(text.stdout.contains("\n" + expected + "\n"))
        #expect(!text.stdout.contains("Save this draft"))
        let outbox = try cli.run(["outbox", "list", "--json"])
        #expect((outbox.json["messages"] as? [[String: Any]])?.count == 2)

        // The rules.
        let blocked = try cli.run(["draft", "bob", "reminder", "day=Monday", "time=09:30"])
        #expect(blocked.code == 65)
        #expect(blocked.stderr.contains("is blocked"))
        let lacking = try cli.run(["draft", "carl", "reminder", "day=Monday", "time=09:30"])
        #expect(lacking.code == 65)
        #expect(lacking.stderr.contains("no whatsapp identifier"))
        cli.expectOK(try cli.run(["suppressions", "add", "whatsapp", "0049 151 2345678", "--reason", "asked to stop"]))
        let suppressed = try cli.run(["draft", "anna", "reminder", "day=Monday", "time=09:30"])
        #expect(suppressed.code == 65)
        #expect(suppressed.stderr.contains("+491512345678 is suppressed"))
        // Suppressing cancelled the pending messages to that number.
        #expect((try cli.run(["outbox", "list", "--status", "pending", "--json"]).json["messages"] as? [Any])?.isEmpty == true)
        #expect(try cli.run(["draft", "anna", "--text", "hello", "--channel", "whatsapp"]).code == 65)

        // An edited template loses its approval.
        let edited = try cli.run(["templates", "update", "reminder", "--body", "Hello {{first_name}}", "--json"])
        cli.expectOK(edited)
        #expect(edited.json["approved"] as? Bool == false)
        let unapproved = try cli.run(["draft", "anna", "reminder", "--channel", "whatsapp", "--dry-run"])
        #expect(unapproved.code == 65)
        #expect(unapproved.stderr.contains("not approved"))

        // Viewers cannot draft; refusals are in the audit trail.
        #expect(try cli.run(["draft", "carl", "--text", "Hi", "--channel", "email", "--subject", "S"], user: "viewer@clinic.example").code == 77)
        let audit = try cli.run(["audit", "list", "--limit", "100", "--json"], user: admin)
        let events = audit.json["events"] as? [[String: Any]] ?? []
        let refusedDrafts = events.filter { ($0["action"] as? String) == "draft.create" && ($0["outcome"] as? String) == "refused" }
        #expect(refusedDrafts.count == 6)
        #expect(events.contains { ($0["action"] as? String) == "templates.approve" && ($0["outcome"] as? String) == "refused" })
    }

    @Test func outboxCancelAndRate() throws {
        let cli = try TemplatesCLI()
        try cli.seed()
        let draft = try cli.run(["draft", "carl", "--text", "Your results are ready.", "--channel", "email", "--subject", "Results", "--at", "tomorrow 09:00", "--json"])
        cli.expectOK(draft)
        #expect((draft.json["scheduledFor"] as? String)?.contains("T09:00:00+0") == true)
        let id = "\(draft.json["id"] as? Int ?? 0)"
        let shown = try cli.run(["outbox", "show", id])
        #expect(shown.stdout.contains("Your results are ready."))
        #expect(shown.stdout.contains("subject:   Results"))
        cli.expectOK(try cli.run(["outbox", "cancel", id]))
        #expect(try cli.run(["outbox", "cancel", id]).code == 65)
        #expect(try cli.run(["outbox", "show", "999"]).code == 66)
        #expect(try cli.run(["outbox", "list", "--status", "nope"]).code == 65)

        #expect(try cli.run(["outbox", "rate", "email", "1"]).code == 77)
        cli.expectOK(try cli.run(["outbox", "rate", "email", "1"], user: "admin@clinic.example"))
        let args = ["draft", "carl", "--text", "x", "--channel", "email", "--subject", "s", "--at", "tomorrow 10:00"]
        cli.expectOK(try cli.run(args))
        let moved = try cli.run(args)
        cli.expectOK(moved)
        #expect(moved.stdout.contains("scheduled for 10:01 (rate limit 1/min)"))
    }

    @Test func pipedDraftsAreSavedWithoutAQuestion() throws {
        let cli = try TemplatesCLI()
        try cli.seed()
        cli.expectOK(try cli.run(["templates", "add", "hello", "--channel", "email", "--language", "en", "--subject", "Hello {{first_name}}", "--body", "Hi {{full_name}}"]))
        cli.expectOK(try cli.run(["templates", "approve", "hello"], user: "admin@clinic.example"))
        let batch = try cli.run([], stdin: "/draft carl hello --json\n/outbox list --json\n")
        cli.expectOK(batch)
        let lines = batch.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(!batch.stdout.contains("Save this draft") && !batch.stderr.contains("Save this draft"))
        #expect(lines.first?.contains("\"body\":\"Hi Carl Mail\"") == true)
        #expect(lines.last?.contains("Hi Carl Mail") == true)
    }
}
