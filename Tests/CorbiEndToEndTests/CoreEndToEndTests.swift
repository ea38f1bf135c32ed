import Foundation
import GRDB
import Testing

/// Tenancy, roles, contacts and the audit trail through the real binary.
@Suite struct CoreEndToEndTests {
    /// Two organizations with an admin, a staff member and a viewer each.
    func twoOrganizations() throws -> CorbiBinary {
        let corbi = try CorbiBinary()
        for domain in ["alpha.example", "beta.example"] {
            let r = try corbi.run("init", "--org", domain.capitalized, "--domain", domain, "--admin", "admin@\(domain)", "--timezone", "Europe/Berlin", "--calling-code", "49")
            #expect(r.status == 0, "\(r.stderr)")
            for role in ["staff", "viewer"] {
                try corbi.run("members", "add", "\(role)@\(domain)", "--role", role, "--user", "admin@\(domain)")
            }
        }
        return corbi
    }

    @Test func contactsLifecycleWithRolesAndOrganizations() throws {
        let corbi = try twoOrganizations()
        defer { corbi.remove() }
        let staff = ["CORBI_USER": "staff@alpha.example"]

        var r = try corbi.run(["contacts", "add", "--name", "Zoë Müller", "--email", "ZOE@Example.com", "--phone", "+49 (030) 1234-5678", "--tag", "vip", "--json"], environment: staff)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json?["email"] as? String == "zoe@example.com")
        #expect(r.json?["phoneWhatsapp"] as? String == "+493012345678")
        let id = r.json?["id"] as? Int ?? 0

        r = try corbi.run(["contacts", "add", "--name", "Other", "--email", "zoe@example.com"], environment: staff)
        #expect(r.status == 65)
        #expect(r.stderr.contains("already belongs to Zoë Müller"))

        r = try corbi.run(["contacts", "add", "--name", "Bad", "--phone", "12ab"], environment: staff)
        #expect(r.status == 65)
        #expect(!r.stderr.isEmpty && r.stdout.isEmpty)

        r = try corbi.run(["--json", "contacts", "list", "muller"], environment: staff)
        #expect((r.json?["contacts"] as? [[String: Any]])?.first?["id"] as? Int == id)

        r = try corbi.run(["contacts", "add", "--name", "Nope"], environment: ["CORBI_USER": "viewer@alpha.example"])
        #expect(r.status == 77)

        // Another organization's contact is not found, whatever the reference.
        for ref in [String(id), "zoe@example.com", "Müller"] {
            r = try corbi.run(["contacts", "show", ref], environment: ["CORBI_USER": "admin@beta.example"])
            #expect(r.status == 66, "\(ref)")
        }

        r = try corbi.run(["contacts", "update", "zoe", "--status", "blocked", "--email", "", "--json"], environment: staff)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json?["status"] as? String == "blocked")
        #expect(r.json?["email"] is NSNull)

        r = try corbi.run(["contacts", "delete", "zoe"], environment: staff)
        #expect(r.status == 0)
        r = try corbi.run(["contacts", "show", String(id)], environment: staff)
        #expect(r.status == 66)
    }

    @Test func aZeroLimitListsNoneAndSaysHowMany() throws {
        var corbi = try CorbiBinary()
        defer { corbi.remove() }
        corbi.environment["CORBI_USER"] = "ann@a.example"
        #expect(try corbi.run("init", "--org", "A", "--domain", "a.example", "--admin", "ann@a.example").status == 0)
        for name in ["Kim Lee", "Kai Ito", "Ana Ruiz", "Kim Park"] {
            #expect(try corbi.run("contacts", "add", "--name", name).status == 0)
        }
        let none = try corbi.run("contacts", "list", "--limit", "0")
        #expect(none.status == 0)
        #expect(none.stdout == "4 contacts; none listed (--limit 0).\n")
        let kim = try corbi.run("contacts", "list", "kim", "--limit", "0")
        #expect(kim.stdout == "2 contacts match 'kim'; none listed (--limit 0).\n")
        let json = try corbi.run("contacts", "list", "--limit", "0", "--json").json
        #expect((json?["contacts"] as? [Any])?.isEmpty == true && json?["total"] as? Int == 4)
    }

    @Test func usageErrorsAndAmbiguousDefaults() throws {
        let corbi = try twoOrganizations()
        defer { corbi.remove() }
        var r = try corbi.run("contacts", "frobnicate")
        #expect(r.status == 64)
        r = try corbi.run("contacts", "list", "--colour")
        #expect(r.status == 64)
        r = try corbi.run("contacts", "list")
        #expect(r.status == 64)
        #expect(r.stderr.contains("admin@alpha.example"))
        r = try corbi.run(["contacts", "list", "--json"], environment: ["CORBI_USER": "admin@alpha.example", "CORBI_ORG": "beta.example"])
        #expect(r.status == 66)
        #expect((r.json?["error"] as? [String: Any])?["exitCode"] as? Int == 66)
        r = try corbi.run(["members", "add", "x@alpha.example", "--role", "owner"], environment: ["CORBI_USER": "admin@alpha.example"])
        #expect(r.status == 65)
        r = try corbi.run(["members", "add", "x@alpha.example", "--role", "staff"], environment: ["CORBI_USER": "staff@alpha.example"])
        #expect(r.status == 77)
    }

    @Test func csvImportExportRoundTrip() throws {
        let corbi = try twoOrganizations()
        defer { corbi.remove() }
        let alpha = ["CORBI_USER": "staff@alpha.example"], beta = ["CORBI_USER": "staff@beta.example"]
        let csv = corbi.folder.appendingPathComponent("in.csv")
        try """
            full_name,email,phone_whatsapp,tags
            Anna,anna@example.com,030 1111111,a;b
            Bad,not-an-email,,
            Carl,,+1 212 555 0123,
            """.write(to: csv, atomically: true, encoding: .utf8)
        var r = try corbi.run(["contacts", "import", csv.path], environment: alpha)
        #expect(r.status == 65)
        #expect(r.stderr.contains("line 3"))
        r = try corbi.run(["contacts", "list", "--json"], environment: alpha)
        #expect((r.json?["contacts"] as? [Any])?.count == 0)

        r = try corbi.run(["contacts", "import", csv.path, "--skip-invalid"], environment: alpha)
        #expect(r.status == 0)
        #expect(r.stderr.contains("line 3"))

        let exported = try corbi.run(["contacts", "export"], environment: alpha)
        let file = corbi.folder.appendingPathComponent("out.csv")
        try exported.stdout.write(to: file, atomically: true, encoding: .utf8)
        r = try corbi.run(["contacts", "import", file.path], environment: beta)
        #expect(r.status == 0, "\(r.stderr)")
        let again = try corbi.run(["contacts", "export"], environment: beta)
        #expect(again.stdout == exported.stdout)

        r = try corbi.run(["contacts", "import", corbi.folder.appendingPathComponent("missing.csv").path], environment: alpha)
        #expect(r.status == 66)
    }

    @Test func auditVerifyFindsAnEditBehindCorbisBack() throws {
        let corbi = try twoOrganizations()
        defer { corbi.remove() }
        let env = ["CORBI_USER": "staff@alpha.example"]
        for name in ["A", "B", "C"] { try corbi.run(["contacts", "add", "--name", name], environment: env) }
        var r = try corbi.run(["audit", "verify", "--json"], environment: env)
        #expect(r.status == 0)
        #expect(r.json?["ok"] as? Bool == true)

        r = try corbi.run(["audit", "list", "--json", "--limit", "2"], environment: env)
        let events = r.json?["events"] as? [[String: Any]] ?? []
        #expect(events.count == 2)
        #expect(events.first?["action"] as? String == "contacts.add")
        let victim = events[1]["id"] as? Int ?? 0

        let queue = try DatabaseQueue(path: corbi.databasePath)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER auditEvent_no_update")
            try db.execute(sql: "UPDATE auditEvent SET actor = 'mallory@alpha.example' WHERE id = ?", arguments: [victim])
        }
        r = try corbi.run(["audit", "verify", "--json"], environment: env)
        #expect(r.status == 65)
        #expect(r.json?["ok"] as? Bool == false)
        #expect(r.json?["brokenAt"] as? Int == victim)
        // The other organization's chain is untouched.
        r = try corbi.run(["audit", "verify"], environment: ["CORBI_USER": "staff@beta.example"])
        #expect(r.status == 0)
    }

    @Test func badDatabaseFilesGetOneClearSentence() throws {
        let corbi = try CorbiBinary()
        defer { corbi.remove() }
        let notSQLite = corbi.folder.appendingPathComponent("notes.txt")
        try String(repeating: "not a database\n", count: 200).write(to: notSQLite, atomically: true, encoding: .utf8)
        var r = try corbi.run(["contacts", "list", "--db", notSQLite.path])
        #expect(r.status == 65)
        #expect(r.stderr.contains("not a Corbi database"))

        let readOnly = corbi.folder.appendingPathComponent("ro")
        try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: readOnly.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: readOnly.path) }
        r = try corbi.run(["init", "--org", "X", "--domain", "x.example", "--admin", "a@x.example", "--db", readOnly.appendingPathComponent("corbi.sqlite").path])
        // root may write anywhere; everyone else gets 77
        if getuid() != 0 {
            #expect(r.status == 77)
        }
        #expect(r.stderr.split(separator: "\n").count <= 1)
    }
}
