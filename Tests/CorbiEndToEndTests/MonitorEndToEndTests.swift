import Foundation
import Testing

/// `corbi monitor` through the binary: days read in the organization's zone (around
/// midnight in Berlin, on the day the clocks change), one day and several, text and JSON.
/// The arithmetic itself is the core's and tested there; these check the command.
@Suite struct MonitorEndToEndTests {
    static func workspace() throws -> CorbiBinary {
        var corbi = try CorbiBinary()
        corbi.environment["CORBI_USER"] = "admin@a.example"
        corbi.environment["CORBI_CALENDAR_DIR"] = corbi.folder.appendingPathComponent("calendars").path
        let setup: [[String]] = [
            ["init", "--org", "A", "--domain", "a.example", "--admin", "admin@a.example", "--timezone", "Europe/Berlin", "--calling-code", "49"],
            ["members", "add", "viewer@a.example", "--role", "viewer"],
            ["contacts", "add", "--name", "Anna Müller", "--phone", "+49 170 1234567"],
            ["contacts", "add", "--name", "Ben Weber", "--phone", "+49 171 7654321"],
            ["templates", "add", "hello", "--channel", "whatsapp", "--language", "en", "--body", "Hi {{first_name}}"],
            ["templates", "approve", "hello"],
            // Summer time, 00:30 in Berlin is 22:30 UTC of the day before: it belongs to the 2nd.
            ["book", "Anna Müller", "2031-07-02 00:30", "--title", "Early"],
            ["book", "Anna Müller", "2031-07-02 23:30", "--title", "Late"],
            // 2031-03-30: the clocks go forward at 02:00 (a 23-hour day).
            ["book", "Ben Weber", "2031-03-30 00:30", "--title", "Before the change"],
            ["book", "Ben Weber", "2031-03-30 23:30", "--title", "After the change", "--confirm"],
            // 2031-10-26: the clocks go back at 03:00 (a 25-hour day).
            ["book", "Ben Weber", "2031-10-26 00:15", "--title", "Before the change"],
            ["book", "Ben Weber", "2031-10-26 23:45", "--title", "After the change"],
            ["draft", "Ben Weber", "hello", "--at", "2031-03-30 23:45", "--yes"],
            ["draft", "Anna Müller", "hello", "--at", "2031-03-31 00:15", "--yes"],
            ["inbound", "record", "whatsapp", "+49 151 0000000", "Who is this?"],
        ]
        for arguments in setup {
            let r = try corbi.run(arguments)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
        }
        return corbi
    }

    static func day(_ json: [String: Any]?) -> (scheduled: Int, pending: Int, day: String) {
        let bookings = json?["bookings"] as? [String: Any]
        let outbound = json?["outbound"] as? [String: Any]
        return (bookings?["scheduledToday"] as? Int ?? -1, outbound?["pending"] as? Int ?? -1, json?["day"] as? String ?? "")
    }

    @Test func daysAreTheOrganizationsDays() throws {
        let corbi = try Self.workspace()
        defer { corbi.remove() }

        // Around midnight: both bookings of 2 July, none of them on the 1st or the 3rd.
        for (day, expected) in [("2031-07-01", 0), ("2031-07-02", 2), ("2031-07-03", 0)] {
            let r = try corbi.run("monitor", "--day", day, "--json")
            #expect(r.status == 0, "\(r.stderr)")
            #expect(Self.day(r.json).scheduled == expected, "\(day)")
            #expect(r.json?["timezone"] as? String == "Europe/Berlin" && r.json?["organization"] as? String == "a.example")
        }
        // The day of the change: both bookings, the draft due at 23:45; the one due 30
        // minutes later is the next day's.
        var r = try corbi.run("monitor", "--day", "2031-03-30", "--json")
        #expect(Self.day(r.json) == (2, 1, "2031-03-30"))
        let byChannel = r.json?["byChannel"] as? [String: [String: Int]]
        #expect(byChannel?["whatsapp"]?["pending"] == 1)
        #expect(Set(byChannel?.keys.map { $0 } ?? []) == ["whatsapp", "telegram", "instagram", "email"])
        #expect(r.json?["successRate"] is NSNull)
        r = try corbi.run("monitor", "--day", "2031-03-31", "--json")
        #expect(Self.day(r.json) == (0, 1, "2031-03-31"))
        for (day, expected) in [("2031-10-25", 0), ("2031-10-26", 2), ("2031-10-27", 0)] {
            #expect(Self.day(try corbi.run("monitor", "--day", day, "--json").json).scheduled == expected, "\(day)")
        }

        // Seven days to the 31st, oldest first.
        r = try corbi.run("monitor", "--days", "7", "--day", "2031-03-31", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let days = r.json?["days"] as? [[String: Any]] ?? []
        #expect(days.map { $0["day"] as? String ?? "" } == (25...31).map { "2031-03-\($0)" })
        #expect(days.map { Self.day($0).scheduled } == [0, 0, 0, 0, 0, 2, 0])
        // As a table: one row a day, plain when not on a terminal.
        r = try corbi.run("monitor", "--days", "7", "--day", "2031-03-31")
        #expect(r.status == 0)
        let rows = r.stdout.split(separator: "\n")
        #expect(rows.first?.hasPrefix("DAY") == true)
        #expect(rows.filter { $0.hasPrefix("Sun 2031-03-30") || $0.hasPrefix("Mon 2031-03-31") }.count == 2)
        #expect(rows.count == 1 + 7 + 1)
        #expect(!r.stdout.contains("█") && !r.stdout.contains("\u{1B}"))
    }

    @Test func todayCountsWhatWasDoneTodayForEveryMember() throws {
        let corbi = try Self.workspace()
        defer { corbi.remove() }
        let r = try corbi.run(["monitor", "--json"], as: "viewer@a.example")
        #expect(r.status == 0, "\(r.stderr)")
        let outbound = r.json?["outbound"] as? [String: Int]
        #expect(outbound?["drafted"] == 2 && outbound?["sent"] == 0)
        #expect((r.json?["bookings"] as? [String: Int])?["created"] == 6)
        #expect((r.json?["bookings"] as? [String: Int])?["confirmed"] == 1)
        #expect((r.json?["contacts"] as? [String: Int])?["added"] == 2)
        #expect((r.json?["inbound"] as? [String: Int]).map { [$0["received"], $0["unknownSenders"]] } == [1, 1])
        #expect(Set((r.json ?? [:]).keys) == [
            "organization", "day", "timezone", "outbound", "successRate", "byChannel", "inbound", "bookings", "contacts", "assistant",
        ])
        // The text: a summary a person reads, and the same in the shell.
        let text = try corbi.run("monitor")
        #expect(text.status == 0)
        #expect(text.stdout.contains("a.example") && text.stdout.contains("Europe/Berlin"))
        #expect(text.stdout.contains("Bookings:     6 created, 1 confirmed, 0 cancelled"))
        #expect(text.stdout.contains("Success rate: -"))
        let shell = try corbi.run([], stdin: "/monitor --json\n/monitor --days 3\n")
        #expect(shell.status == 0, "\(shell.stderr)")
        #expect(shell.stdout.contains("\"successRate\":null") && shell.stdout.contains("DRAFTED"))
    }

    @Test func badDaysAreRefused() throws {
        let corbi = try Self.workspace()
        defer { corbi.remove() }
        for arguments in [["--day", "2031-02-30"], ["--day", "tomorrow 3pm"], ["--day", "someday"], ["--days", "0"], ["--days", "1001"], ["--day", "2300-01-01"]] {
            let r = try corbi.run(["monitor"] + arguments)
            #expect(r.status == 65, "\(arguments): \(r.stderr)")
        }
        #expect(try corbi.run("monitor", "--days", "many").status == 64)
        #expect(try corbi.run("monitor", "--day", "yesterday").status == 0)
        #expect(try corbi.run("monitor", "--day", "fri", "--json").json?["day"] as? String != nil)
    }
}
