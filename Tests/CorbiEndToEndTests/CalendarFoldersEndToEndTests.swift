import Foundation
import Testing

/// `CORBI_CALENDAR_DIR` is the root of one calendar folder per organization, and the demo
/// never writes into the user's folders.
@Suite struct CalendarFoldersEndToEndTests {
    @Test func twoOrganizationsGetTwoCalendars() throws {
        var corbi = try CorbiBinary()
        defer { corbi.remove() }
        let root = corbi.folder.appendingPathComponent("calendars")
        corbi.environment["CORBI_CALENDAR_DIR"] = root.path
        corbi.environment["CORBI_USER"] = "ann@a.example"
        #expect(try corbi.run("init", "--org", "Alpha Dental", "--domain", "a.example", "--admin", "ann@a.example").status == 0)
        #expect(try corbi.run("init", "--org", "Beta Physio", "--domain", "b.example", "--admin", "ann@a.example").status == 0)
        for org in ["a.example", "b.example"] {
            #expect(try corbi.run("contacts", "add", "--name", "Kim", "--org", org).status == 0)
            let booked = try corbi.run("book", "kim", "2031-02-03 10:00", "--org", org)
            #expect(booked.status == 0, "\(booked.stderr)")
        }
        func calendars(_ org: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(org).path).filter { $0.hasSuffix(".ics") }
        }
        #expect(try calendars("a.example").count == 1)
        #expect(try calendars("b.example").count == 1)
        // Each folder carries its own organization's display name (vdir metadata).
        func name(_ org: String) throws -> String {
            try String(contentsOf: root.appendingPathComponent(org + "/displayname"), encoding: .utf8)
        }
        #expect(try name("a.example") == "Alpha Dental")
        #expect(try name("b.example") == "Beta Physio")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["a.example", "b.example"])
    }

    @Test func theDemoLeavesTheUsersCalendarAndDatabaseAlone() throws {
        var corbi = try CorbiBinary()
        defer { corbi.remove() }
        let mine = corbi.folder.appendingPathComponent("my-calendar")
        corbi.environment["CORBI_CALENDAR_DIR"] = mine.path
        let script = "/book \"Anna Müller\" 2031-02-04 10:00 --title Check-up\n/bookings sync\n"
        let run = try corbi.run(["--demo"], stdin: script)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: mine.path))
        #expect(!FileManager.default.fileExists(atPath: corbi.databasePath))
        // The demo's calendar lives beside the demo database.
        let demoCalendar = corbi.folder.appendingPathComponent("data/corbi/demo/calendar/brightsmile.example")
        #expect(try FileManager.default.contentsOfDirectory(atPath: demoCalendar.path).contains { $0.hasSuffix(".ics") })
    }
}
