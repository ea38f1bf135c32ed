import Foundation
import Testing

/// `contacts conflicts` and `contacts merge` through the binary: one person entered twice,
/// their conflict listed, then merged with their bookings, messages and calendar files.
@Suite struct ContactMergeEndToEndTests {
    static func workspace() throws -> CorbiBinary {
        var corbi = try CorbiBinary()
        corbi.environment["CORBI_CALENDAR_DIR"] = corbi.folder.appendingPathComponent("calendars").path
        corbi.environment["CORBI_USER"] = "admin@a.example"
        let setup: [[String]] = [
            ["init", "--org", "A", "--domain", "a.example", "--admin", "admin@a.example", "--timezone", "Europe/Berlin", "--calling-code", "49"],
            ["members", "add", "staff@a.example", "--role", "staff"],
            ["members", "add", "viewer@a.example", "--role", "viewer"],
            ["contacts", "add", "--name", "Anna Müller", "--email", "anna@example.com", "--tag", "recall", "--notes", "Prefers mornings"],
            ["contacts", "add", "--name", "Anna Mueller", "--phone", "+49 170 1234567", "--tag", "vip", "--notes", "Allergic to latex"],
            ["templates", "add", "hello", "--channel", "whatsapp", "--language", "en", "--body", "Hi {{first_name}}"],
            ["templates", "approve", "hello"],
            ["draft", "Anna Mueller", "hello", "--at", "2031-02-03 09:00", "--yes"],
            ["inbound", "record", "whatsapp", "+49 170 1234567", "Can I come earlier?"],
            ["book", "Anna Müller", "2031-02-04 10:00", "--title", "Cleaning"],
            ["book", "Anna Mueller", "2031-02-03 10:00", "--title", "Check-up"],
        ]
        for arguments in setup {
            let r = try corbi.run(arguments)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
        }
        return corbi
    }

    static func id(_ corbi: CorbiBinary, _ ref: String) throws -> Int {
        try #require(try corbi.run("contacts", "show", ref, "--json").json?["id"] as? Int)
    }

    @Test func twoContactsOfOnePersonAreMergedWithEverythingTheyHave() throws {
        let corbi = try Self.workspace()
        defer { corbi.remove() }
        let keep = try Self.id(corbi, "anna@example.com")
        let other = try Self.id(corbi, "+491701234567")

        // The second Anna asks for the first one's email: refused and recorded.
        #expect(try corbi.run("contacts", "update", String(other), "--email", "anna@example.com").status == 65)
        var r = try corbi.run("contacts", "conflicts", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let conflicts = r.json?["conflicts"] as? [[String: Any]] ?? []
        #expect(conflicts.count == 1)
        let conflict = try #require(conflicts.first)
        #expect(conflict["channel"] as? String == "email" && conflict["identifier"] as? String == "anna@example.com")
        #expect((conflict["owner"] as? [String: Any])?["id"] as? Int == keep)
        #expect((conflict["attempted"] as? [String: Any])?["id"] as? Int == other)
        #expect(conflict["resolvedAt"] is NSNull)
        r = try corbi.run(["contacts", "conflicts"], as: "viewer@a.example")
        #expect(r.status == 0 && r.stdout.contains("anna@example.com") && r.stdout.contains("Anna Mueller (#\(other))"))

        // Piped without --yes: the preview only, nothing changed.
        r = try corbi.run("contacts", "merge", String(keep), String(other))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("identifiers moved:   whatsapp +491701234567"))
        #expect(r.stdout.contains("Check-up"))
        #expect(r.stderr.contains("--yes"))
        #expect(try corbi.run("contacts", "list", "--json").json?["total"] as? Int == 2)
        #expect(try corbi.run(["contacts", "merge", String(keep), String(other), "--yes"], as: "viewer@a.example").status == 77)

        let calendar = corbi.folder.appendingPathComponent("calendars/a.example")
        let bookings = try corbi.run("bookings", "list", "--json").json?["bookings"] as? [[String: Any]] ?? []
        let moved = try #require(bookings.first { $0["contactId"] as? Int == other })
        let movedFile = calendar.appendingPathComponent("\(try #require(moved["externalCalendarId"] as? String)).ics")
        #expect(try String(contentsOf: movedFile, encoding: .utf8).contains("Check-up – Anna Mueller"))

        r = try corbi.run(["contacts", "merge", String(keep), String(other), "--yes", "--json"], as: "staff@a.example")
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.json?["merged"] as? Bool == true)
        let contact = try #require(r.json?["contact"] as? [String: Any])
        #expect(contact["id"] as? Int == keep)
        #expect(contact["email"] as? String == "anna@example.com" && contact["phoneWhatsapp"] as? String == "+491701234567")
        #expect(Set(contact["tags"] as? [String] ?? []) == ["recall", "vip"])
        #expect((contact["notes"] as? String)?.contains("Allergic to latex") == true)
        #expect(r.json?["resolvedConflicts"] as? [Int] == [conflict["id"] as? Int ?? 0])

        // Everything follows: bookings, messages, the calendar file; OTHER is gone.
        #expect(try corbi.run("contacts", "show", String(other)).status == 66)
        let after = try corbi.run("bookings", "list", "--json").json?["bookings"] as? [[String: Any]] ?? []
        #expect(after.count == 2 && after.allSatisfy { $0["contactId"] as? Int == keep })
        let movedAfter = try #require(after.first { $0["id"] as? Int == moved["id"] as? Int })
        #expect(movedAfter["sequence"] as? Int == (moved["sequence"] as? Int ?? 0) + 1)
        #expect(movedAfter["calendarSynced"] as? Bool == true)
        let ics = try String(contentsOf: movedFile, encoding: .utf8)
        #expect(ics.contains("Check-up – Anna Müller") && !ics.contains("Anna Mueller"))
        #expect(ics.contains("SEQUENCE:\(movedAfter["sequence"] as? Int ?? -1)"))
        let files = try FileManager.default.contentsOfDirectory(atPath: calendar.path).filter { $0.hasSuffix(".ics") }
        #expect(files.count == 2)
        for file in files {
            #expect(!(try String(contentsOf: calendar.appendingPathComponent(file), encoding: .utf8)).contains("Anna Mueller"))
        }
        let outbox = try corbi.run("outbox", "list", "--contact", String(keep), "--json").json?["messages"] as? [[String: Any]] ?? []
        #expect(outbox.count == 1)
        let inbound = try corbi.run("inbound", "list", "--contact", String(keep), "--json").json?["messages"] as? [[String: Any]] ?? []
        #expect(inbound.count == 1)
        #expect((try corbi.run("contacts", "conflicts", "--json").json?["conflicts"] as? [Any])?.isEmpty == true)
        let settled = try corbi.run("contacts", "conflicts", "--all", "--json").json?["conflicts"] as? [[String: Any]] ?? []
        #expect(settled.first?["resolvedBy"] as? String == "staff@a.example")
        let audit = try corbi.run("audit", "list", "--action", "contacts.merge", "--json").json?["events"] as? [[String: Any]] ?? []
        // The merge, and the viewer's refused attempt.
        #expect(audit.map { $0["outcome"] as? String } == ["ok", "refused"])
        #expect(try corbi.run("audit", "verify").status == 0)
    }

    @Test func overlappingBookingsRefuseTheMergeAndAConflictCanBeSettledByHand() throws {
        let corbi = try Self.workspace()
        defer { corbi.remove() }
        let keep = try Self.id(corbi, "anna@example.com")
        let other = try Self.id(corbi, "+491701234567")
        #expect(try corbi.run("book", "Anna Mueller", "2031-02-04 10:15", "--title", "X-ray").status == 0)
        for arguments in [["contacts", "merge", String(keep), String(other)], ["contacts", "merge", String(keep), String(other), "--yes"]] {
            let r = try corbi.run(arguments)
            #expect(r.status == 65, "\(arguments)")
            #expect(r.stderr.contains("overlap"))
        }
        #expect(try corbi.run("contacts", "list", "--json").json?["total"] as? Int == 2)

        #expect(try corbi.run("contacts", "update", String(other), "--email", "anna@example.com").status == 65)
        let id = try #require((try corbi.run("contacts", "conflicts", "--json").json?["conflicts"] as? [[String: Any]])?.first?["id"] as? Int)
        #expect(try corbi.run(["contacts", "conflicts", "resolve", String(id)], as: "viewer@a.example").status == 77)
        let resolved = try corbi.run("contacts", "conflicts", "resolve", String(id), "--json")
        #expect(resolved.status == 0, "\(resolved.stderr)")
        #expect(resolved.json?["resolvedBy"] as? String == "admin@a.example")
        #expect(try corbi.run("contacts", "conflicts", "resolve", String(id)).status == 65)
        #expect(try corbi.run("contacts", "conflicts", "resolve", "9999").status == 66)
        #expect((try corbi.run("contacts", "conflicts", "--json").json?["conflicts"] as? [Any])?.isEmpty == true)
    }
}
