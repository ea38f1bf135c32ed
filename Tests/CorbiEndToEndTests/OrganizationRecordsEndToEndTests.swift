import Foundation
import GRDB
import Testing

/// `org export`, `org delete` and `org deletions` through the binary: an export compared
/// record by record with what the commands show, its trail verified from the file alone,
/// and a deletion that leaves the other organization exactly as it was.
@Suite struct OrganizationRecordsEndToEndTests {
    /// Two organizations (alpha, beta) in Berlin, each with an admin, staff and a viewer,
    /// contacts, a conflict, an approved template and a draft, an inbound message, a
    /// suppression, a booking and a Telegram account; calendar files under `calendars/`.
    static func twoOrganizations() throws -> CorbiBinary {
        var corbi = try CorbiBinary()
        corbi.environment["CORBI_CALENDAR_DIR"] = corbi.folder.appendingPathComponent("calendars").path
        try Data("123456:secret-bot-token-of-DOMAIN\n".utf8).write(to: corbi.folder.appendingPathComponent("bot-token"))
        for domain in ["alpha.example", "beta.example"] {
            let admin = "admin@\(domain)"
            let init_ = try corbi.run(
                ["init", "--org", domain.capitalized, "--domain", domain, "--admin", admin, "--timezone", "Europe/Berlin", "--calling-code", "49"])
            #expect(init_.status == 0, "\(init_.stderr)")
            let steps: [[String]] = [
                ["members", "add", "staff@\(domain)", "--role", "staff", "--name", "Sam \(domain)"],
                ["members", "add", "viewer@\(domain)", "--role", "viewer"],
                ["contacts", "add", "--name", "Anna Müller", "--email", "anna@\(domain)", "--phone", "+49 170 1234567"],
                ["contacts", "add", "--name", "Ben Weber", "--phone", "+49 171 7654321", "--tag", "vip"],
                ["templates", "add", "hello", "--channel", "whatsapp", "--language", "en", "--body", "Hi {{first_name}}"],
                ["templates", "approve", "hello"],
                ["draft", "anna", "hello", "--at", "2031-02-03 09:00", "--yes"],
                ["inbound", "record", "whatsapp", "+49 171 7654321", "Hello from", domain],
                ["suppressions", "add", "whatsapp", "+49 151 2345678", "--reason", "opt-out"],
                ["book", "Ben Weber", "2031-02-03 10:00", "--title", "Check-up", "--location", "Room 1"],
                ["channels", "set", "telegram", "bot_token=@bot-token", "secret_token=webhook-secret-\(domain.prefix { $0 != "." })"],
            ]
            for arguments in steps {
                let r = try corbi.run(arguments, as: admin)
                #expect(r.status == 0, "\(arguments): \(r.stderr)")
            }
            // An identity conflict: Ben asks for Anna's email.
            #expect(try corbi.run(["contacts", "update", "ben", "--email", "anna@\(domain)"], as: admin).status == 65)
        }
        return corbi
    }

    static func lines(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    static func ids(_ records: [[String: Any]], type: String) -> [Int] {
        records.filter { $0["type"] as? String == type }.compactMap { $0["id"] as? Int }.sorted()
    }

    static func ids(_ result: CorbiBinary.Result, _ key: String) -> [Int] {
        ((result.json?[key] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int }.sorted()
    }

    @Test func anExportHoldsEveryRecordTheCommandsShowAndItsTrailVerifiesFromTheFile() throws {
        let corbi = try Self.twoOrganizations()
        defer { corbi.remove() }
        let admin = "admin@alpha.example"
        let file = corbi.folder.appendingPathComponent("alpha.jsonl")

        let exported = try corbi.run(["org", "export", "-o", file.path, "--json"], as: admin)
        #expect(exported.status == 0, "\(exported.stderr)")
        let records = try Self.lines(file)
        #expect(exported.json?["records"] as? Int == records.count)
        #expect(exported.json?["organization"] as? String == "alpha.example")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // No temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: corbi.folder.path).filter { $0.hasSuffix(".tmp") }.isEmpty)

        // Record by record, what the commands show.
        let orgId = try #require(records.first { $0["type"] as? String == "organization" }?["id"] as? Int)
        func listed(_ arguments: [String], _ key: String) throws -> [Int] {
            let r = try corbi.run(arguments + ["--json"], as: admin)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
            return Self.ids(r, key)
        }
        #expect(Self.ids(records, type: "contact") == (try listed(["contacts", "list"], "contacts")))
        #expect(Self.ids(records, type: "contact").count == 2)
        #expect(Self.ids(records, type: "booking") == (try listed(["bookings", "list"], "bookings")))
        #expect(Self.ids(records, type: "outbound") == (try listed(["outbox", "list"], "messages")))
        #expect(Self.ids(records, type: "inbound") == (try listed(["inbound", "list"], "messages")))
        #expect(Self.ids(records, type: "identityConflict") == (try listed(["contacts", "conflicts", "--all"], "conflicts")))
        #expect(Self.ids(records, type: "identityConflict").count == 1)
        #expect(Self.ids(records, type: "template") == (try listed(["templates", "list"], "templates")))
        #expect(Self.ids(records, type: "suppression") == (try listed(["suppressions", "list"], "suppressions")))
        let members = try corbi.run(["members", "list", "--json"], as: admin).json?["members"] as? [[String: Any]] ?? []
        let exportedMembers = records.filter { $0["type"] as? String == "member" }
        #expect(Set(exportedMembers.compactMap { ($0["user"] as? [String: Any])?["email"] as? String }) == Set(members.compactMap { $0["email"] as? String }))
        #expect(exportedMembers.count == 3)
        // The trail up to the export: every event but the export's own, which follows it.
        let events = try corbi.run(["audit", "list", "--limit", "1000", "--json"], as: admin).json?["events"] as? [[String: Any]] ?? []
        let eventIds = events.filter { $0["action"] as? String != "org.export" }.compactMap { $0["id"] as? Int }.sorted()
        #expect(Self.ids(records, type: "auditEvent") == eventIds)
        #expect(records.last?["type"] as? String == "auditHead")
        // Only this organization's records, and never a secret.
        for record in records {
            if let org = record["organizationId"] as? Int { #expect(org == orgId, "\(record)") }
        }
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(!text.contains("beta.example"))
        #expect(!text.contains("secret-bot-token") && !text.contains("webhook-secret-alpha"))
        #expect(records.contains { $0["type"] as? String == "providerAccount" && $0["hasSecrets"] as? Int == 1 })

        // The trail verifies from the file alone, without a database.
        let verified = try corbi.run(["audit", "verify", "--file", file.path, "--json"], environment: ["CORBI_DB": "/nonexistent/none.sqlite"])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.json?["ok"] as? Bool == true)
        #expect(verified.json?["events"] as? Int == eventIds.count)

        // A tampered line is caught, naming its event.
        var tampered = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(
            tampered.firstIndex { $0.contains("\"type\":\"auditEvent\"") && $0.contains("contacts.add") && $0.contains("Ben Weber") })
        let tamperedId = try #require((try JSONSerialization.jsonObject(with: Data(tampered[index].utf8)) as? [String: Any])?["id"] as? Int)
        tampered[index] = tampered[index].replacingOccurrences(of: "Ben Weber", with: "Ben Webber")
        #expect(tampered[index].contains("Ben Webber"))
        let bad = corbi.folder.appendingPathComponent("tampered.jsonl")
        try Data(tampered.joined(separator: "\n").utf8).write(to: bad)
        let caught = try corbi.run(["audit", "verify", "--file", bad.path, "--json"])
        #expect(caught.status == 65)
        #expect(caught.json?["brokenAt"] as? Int == tamperedId)
        // A removed event line too.
        var removed = text.split(separator: "\n").map(String.init)
        removed.remove(at: index)
        try Data(removed.joined(separator: "\n").utf8).write(to: bad)
        #expect(try corbi.run(["audit", "verify", "--file", bad.path]).status == 65)

        // Streamed to stdout: the same records (the first export's event now in the trail),
        // counts on stderr; --json without a file is a usage error.
        let streamed = try corbi.run(["org", "export"], as: admin)
        #expect(streamed.status == 0, "\(streamed.stderr)")
        let streamedRecords = streamed.jsonLines
        #expect(streamedRecords.count == records.count + 1)
        #expect(Self.ids(streamedRecords, type: "contact") == Self.ids(records, type: "contact"))
        #expect(streamed.stderr.contains("Exported \(records.count + 1) records of alpha.example"))
        #expect(try corbi.run(["org", "export", "--json"], as: admin).status == 64)

        // Admins only; an unwritable file is 77 and leaves nothing behind.
        #expect(try corbi.run(["org", "export", "-o", file.path], as: "staff@alpha.example").status == 77)
        let unwritable = try corbi.run(["org", "export", "-o", corbi.folder.appendingPathComponent("no/such/folder/x.jsonl").path], as: admin)
        #expect(unwritable.status == 77, "\(unwritable.stderr)")
    }

    @Test func anExportToAFullDiskIsTemporaryAndAuditedAsIncomplete() throws {
        let corbi = try CorbiBinary()
        defer { corbi.remove() }
        #expect(try corbi.run("init", "--org", "A", "--domain", "a.example", "--admin", "ann@a.example").status == 0)
        guard let full = FileHandle(forWritingAtPath: "/dev/full") else { return }
        let process = Process()
        process.executableURL = CorbiBinary.url
        process.arguments = ["org", "export"]
        process.environment = corbi.environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = full
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 75)
        let events = try corbi.run("audit", "list", "--action", "org.export", "--json").json?["events"] as? [[String: Any]] ?? []
        #expect((events.first?["details"] as? [String: Any])?["completed"] as? Bool == false)
    }

    /// Every row of `organizationId`, table by table, as text: to compare before and after.
    static func rows(of organizationId: Int64, in path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            var out: [String] = []
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            for table in tables {
                let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String }
                let where_ =
                    table == "organization" ? "id = ?" : columns.contains("organizationId") ? "organizationId = ?" : nil
                guard let where_ else { continue }
                // Sorted here: some tables have no rowid to order by.
                out += try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE \(where_)", arguments: [organizationId])
                    .map { "\(table): \($0.description)" }.sorted()
            }
            return out
        }
    }

    @Test func deletingAnOrganizationLeavesTheOtherAsItWas() throws {
        let corbi = try Self.twoOrganizations()
        defer { corbi.remove() }
        let admin = "admin@alpha.example"
        let calendars = corbi.folder.appendingPathComponent("calendars")
        try corbi.write("orgs/alpha.example/prices.md", "# Prices\n\nA cleaning costs 80 euros.\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: calendars.appendingPathComponent("alpha.example").path).contains { $0.hasSuffix(".ics") })

        // Beta as it was: its rows, its export, its head.
        let betaFile = corbi.folder.appendingPathComponent("beta-before.jsonl")
        #expect(try corbi.run(["org", "export", "-o", betaFile.path], as: "admin@beta.example").status == 0)
        let betaHead = try corbi.run(["audit", "head"], as: "admin@beta.example").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(betaHead.hasPrefix("corbi-audit-head:"))
        let betaId = try #require(Int64(betaHead.split(separator: ":")[1]))
        let betaRows = try Self.rows(of: betaId, in: corbi.databasePath)
        let betaCalendar = try FileManager.default.contentsOfDirectory(atPath: calendars.appendingPathComponent("beta.example").path).sorted()

        // Refusals change nothing: piped without --yes, another domain, a staff member,
        // someone who is not a member.
        let piped = try corbi.run(["org", "delete", "alpha.example"], as: admin)
        #expect(piped.status == 64)
        #expect(piped.stderr.contains("--yes"))
        #expect(try corbi.run(["org", "delete", "beta.example", "--yes", "--org", "alpha.example"], as: admin).status == 65)
        #expect(try corbi.run(["org", "delete", "alpha.example", "--yes"], as: "staff@alpha.example").status == 77)
        #expect(try corbi.run(["org", "delete", "beta.example", "--yes"], as: admin).status == 66)
        #expect(try corbi.run(["contacts", "list", "--json"], as: admin).json?["total"] as? Int == 2)

        let deleted = try corbi.run(["org", "delete", "alpha.example", "--yes", "--json"], as: admin)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let deletion = try #require(deleted.json?["deletion"] as? [String: Any])
        #expect(deletion["domain"] as? String == "alpha.example")
        #expect(deletion["deletedBy"] as? String == admin)
        let counts = try #require(deletion["counts"] as? [String: Int])
        #expect(counts["contact"] == 2 && counts["booking"] == 1 && counts["member"] == 3 && counts["identityConflict"] == 1)
        #expect((deletion["audit"] as? [String: Any])?["intact"] as? Bool == true)
        #expect(deleted.json?["calendarFilesRemoved"] as? Int == 1)
        #expect(deleted.json?["calendarFolderRemoved"] as? Bool == true)
        #expect(deleted.json?["knowledgeBaseFolderKept"] as? Bool == true)
        #expect(!FileManager.default.fileExists(atPath: calendars.appendingPathComponent("alpha.example").path))
        #expect(FileManager.default.fileExists(atPath: corbi.kb.appendingPathComponent("orgs/alpha.example/prices.md").path))

        // Alpha is gone for everyone; its members' users stay.
        #expect(try corbi.run(["contacts", "list"], as: admin).status == 66)
        #expect(try corbi.run(["org", "list", "--json"], as: admin).json?["organizations"] as? [Any] != nil)

        // Beta, row for row, file for file, and its trail.
        #expect(try Self.rows(of: betaId, in: corbi.databasePath) == betaRows)
        #expect(try FileManager.default.contentsOfDirectory(atPath: calendars.appendingPathComponent("beta.example").path).sorted() == betaCalendar)
        let verify = try corbi.run(["audit", "verify", "--head", betaHead, "--json"], as: "admin@beta.example")
        #expect(verify.status == 0, "\(verify.stdout)")
        let betaAfter = corbi.folder.appendingPathComponent("beta-after.jsonl")
        #expect(try corbi.run(["org", "export", "-o", betaAfter.path], as: "admin@beta.example").status == 0)
        // The second export adds the first one's event and a new head, nothing else.
        let before = try String(contentsOf: betaFile, encoding: .utf8).split(separator: "\n").filter { !$0.contains("\"type\":\"auditHead\"") }
        let after = try String(contentsOf: betaAfter, encoding: .utf8).split(separator: "\n").filter { !$0.contains("\"type\":\"auditHead\"") }
        #expect(Array(after.prefix(before.count)) == before)
        #expect(after.count == before.count + 1)
        #expect(after.last?.contains("org.export") == true)

        // The deletion is on record, for the admin who made it (and alpha's admins), not for beta's.
        let record = try corbi.run(["org", "deletions", "--json"], as: admin)
        #expect(record.status == 0, "\(record.stderr)")
        let deletions = record.json?["deletions"] as? [[String: Any]] ?? []
        #expect(deletions.count == 1 && deletions.first?["domain"] as? String == "alpha.example")
        #expect((try corbi.run(["org", "deletions", "--json"], as: "admin@beta.example").json?["deletions"] as? [Any])?.isEmpty == true)
        #expect(try corbi.run(["org", "deletions"], as: admin).stdout.contains("alpha.example"))
    }
}
