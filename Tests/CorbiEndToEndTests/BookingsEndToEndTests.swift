import Foundation
import Testing

/// Bookings through the built binary: a scripted week, racing processes, the calendar
/// folder and the export.
@Suite struct BookingsEndToEndTests {
    /// One workspace: a database, a calendar folder and a clinic in `timezone` with an
    /// admin, a viewer and two contacts.
    struct Workspace {
        let folder: URL
        var environment: [String: String]

        static var binary: URL { CorbiBinary.url }

        init(timezone: String) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-bookings-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            environment = CorbiBinary.environment(in: folder).merging([
                "CORBI_CALENDAR_DIR": folder.appendingPathComponent("calendar").path,
                "CORBI_USER": "admin@clinic.example",
            ]) { _, new in new }
            try expectOK(run("init", "--org", "Clinic", "--domain", "clinic.example", "--admin", "admin@clinic.example", "--timezone", timezone))
            try expectOK(run("members", "add", "viewer@clinic.example", "--role", "viewer"))
            try expectOK(run("contacts", "add", "--name", "Anna Schmidt", "--email", "anna@example.com"))
            try expectOK(run("contacts", "add", "--name", "Ben Meyer", "--email", "ben@example.com"))
        }

        /// The clinic's own calendar: `CORBI_CALENDAR_DIR` is the root of one folder per organization.
        var calendarFolder: URL {
            URL(fileURLWithPath: environment["CORBI_CALENDAR_DIR"]!).appendingPathComponent("clinic.example")
        }

        struct Result {
            var stdout: String
            var stderr: String
            var status: Int32
            var json: [String: Any] {
                ((try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]) ?? [:]
            }
        }

        /// Starts `corbi ARGS` with output going to files; `wait` collects it.
        func start(_ arguments: [String], stdin: String = "", environment extra: [String: String] = [:]) throws -> (Process, URL) {
            let process = Process()
            process.executableURL = Self.binary
            process.arguments = arguments
            process.environment = environment.merging(extra) { _, new in new }
            process.currentDirectoryURL = folder
            let base = folder.appendingPathComponent("run-\(UUID().uuidString)")
            let inURL = base.appendingPathExtension("in"), outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
            try Data(stdin.utf8).write(to: inURL)
            FileManager.default.createFile(atPath: outURL.path, contents: nil)
            FileManager.default.createFile(atPath: errURL.path, contents: nil)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
            process.standardOutput = try FileHandle(forWritingTo: outURL)
            process.standardError = try FileHandle(forWritingTo: errURL)
            try process.run()
            return (process, base)
        }

        func wait(_ started: (Process, URL)) throws -> Result {
            started.0.waitUntilExit()
            let out = try Data(contentsOf: started.1.appendingPathExtension("out"))
            let err = try Data(contentsOf: started.1.appendingPathExtension("err"))
            return Result(
                stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
                status: started.0.terminationStatus)
        }

        @discardableResult
        func run(_ arguments: String..., stdin: String = "", environment extra: [String: String] = [:]) throws -> Result {
            try wait(start(arguments, stdin: stdin, environment: extra))
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    static func expectOK(_ r: Workspace.Result, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 0, "exit \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
    }

    @Test func tenProcessesRacingForOneSlotGiveOneWinner() throws {
        let w = try Workspace(timezone: "Europe/Berlin")
        defer { w.remove() }
        let started = try (0..<10).map { i in
            try w.start(["book", i % 2 == 0 ? "anna" : "anna@example.com", "2030-06-03 10:00", "--location", "Room 1", "--json"])
        }
        let results = try started.map(w.wait)
        let codes = results.map(\.status).sorted()
        #expect(codes == [0] + Array(repeating: 65, count: 9), "\(results.map { $0.stderr + $0.stdout })")
        for loser in results where loser.status == 65 {
            let error = loser.json["error"] as? [String: Any]
            #expect(error?["exitCode"] as? Int == 65)
            #expect((error?["message"] as? String)?.contains("already has booking #1") == true)
        }
        let list = try w.run("bookings", "list", "--json")
        #expect((list.json["bookings"] as? [Any])?.count == 1)
        let audit = try w.run("audit", "list", "--action", "bookings.book", "--json")
        let events = (audit.json["events"] as? [[String: Any]]) ?? []
        #expect(events.filter { $0["outcome"] as? String == "refused" }.count == 9)
        #expect(events.filter { $0["outcome"] as? String == "ok" }.count == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: w.calendarFolder.path).filter { $0.hasSuffix(".ics") }
        #expect(files.count == 1)

        // Ten confirmations of one pending booking: compare-and-swap, one wins.
        let confirms = try (0..<10).map { _ in try w.start(["bookings", "confirm", "1"]) }.map(w.wait)
        #expect(confirms.map(\.status).sorted() == [0] + Array(repeating: 65, count: 9))
        let shown = try w.run("bookings", "show", "1", "--json")
        #expect(shown.json["status"] as? String == "confirmed")
        #expect(shown.json["sequence"] as? Int == 1)
    }

    @Test func aScriptedWeekInBerlin() throws {
        let w = try Workspace(timezone: "Europe/Berlin")
        defer { w.remove() }
        // Monday: a cleaning in Room 1.
        let first = try w.run("book", "anna", "2030-06-03 09:00", "--duration", "1h", "--title", "Cleaning", "--location", "Room 1", "--json")
        Self.expectOK(first)
        #expect(first.json["start"] as? String == "2030-06-03T09:00:00+02:00")
        #expect(first.json["end"] as? String == "2030-06-03T10:00:00+02:00")
        #expect(first.json["status"] as? String == "pending")
        for key in ["id", "contactId", "title", "start", "end", "status", "location", "notes", "externalCalendarId"] {
            #expect(first.json.keys.contains(key), "\(key)")
        }
        // The same contact overlapping: refused, naming the booking.
        let overlap = try w.run("book", "anna", "2030-06-03", "09:30")
        #expect(overlap.status == 65)
        #expect(overlap.stderr.contains("#1"))
        // The core names the remedy as an input; the command line spells it as its flag.
        #expect(overlap.stderr.contains("or allow the overlap (--allow-overlap)."))
        // Room 1 in other letters, overlapping: refused.
        #expect(try w.run("book", "ben", "2030-06-03 09:45", "--location", "ROOM 1").status == 65)
        // Back to back in the same room: fine.
        Self.expectOK(try w.run("book", "ben", "2030-06-03 10:00", "--location", "room 1"))
        // Cancel, then rebook the freed slot.
        Self.expectOK(try w.run("bookings", "cancel", "1"))
        Self.expectOK(try w.run("book", "ben", "2030-06-03 09:15", "--duration", "45m", "--location", "Room 1"))
        // Confirm twice: the second is refused.
        Self.expectOK(try w.run("bookings", "confirm", "3"))
        #expect(try w.run("bookings", "confirm", "3").status == 65)
        // Reschedule keeps the length.
        let moved = try w.run("bookings", "reschedule", "3", "2030-06-04T11:00", "--json")
        #expect(moved.json["start"] as? String == "2030-06-04T11:00:00+02:00")
        #expect(moved.json["end"] as? String == "2030-06-04T11:45:00+02:00")
        // A time in the spring-forward gap is refused, naming the nearest valid times.
        let gap = try w.run("book", "anna", "2030-03-31 02:30", "--json")
        #expect(gap.status == 65)
        let message = ((gap.json["error"] as? [String: Any])?["message"] as? String) ?? ""
        #expect(message.contains("01:59 +01:00") && message.contains("03:00 +02:00"))
        // A time that happens twice takes the first and says so.
        let twice = try w.run("book", "anna", "2030-10-27 02:30")
        Self.expectOK(twice)
        #expect(twice.stdout.contains("happens twice"))
        // Viewers cannot book; unknown bookings are not found; bad values are 65.
        #expect(try w.run("book", "anna", "2030-06-05 10:00", "--user", "viewer@clinic.example").status == 77)
        #expect(try w.run("bookings", "show", "99").status == 66)
        #expect(try w.run("book", "anna", "2030-06-05 10:00", "--duration", "forever").status == 65)
        #expect(try w.run("book", "anna").status == 64)
        // A full name typed without quotes before the time.
        let unquoted = try w.run("book", "Ben", "Meyer", "2030-06-05", "10:00", "--json")
        Self.expectOK(unquoted)
        #expect(unquoted.json["contactName"] as? String == "Ben Meyer")
        #expect(try w.run("bookings", "cancel", "5").status == 0)
        // Past bookings need --allow-past.
        let past = try w.run("book", "anna", "2020-01-01 10:00")
        #expect(past.status == 65)
        #expect(past.stderr.contains("(--allow-past)."))

        // The list: in the zone, with every booking's state.
        let list = try w.run("bookings", "list", "--json")
        let bookings = (list.json["bookings"] as? [[String: Any]]) ?? []
        #expect(bookings.map { $0["status"] as? String ?? "" } == ["cancelled", "pending", "confirmed", "cancelled", "pending"])
        #expect(bookings.allSatisfy { $0["calendarSynced"] as? Bool == true })
        // One calendar file per booking, the cancelled one included.
        let files = try FileManager.default.contentsOfDirectory(atPath: w.calendarFolder.path).filter { $0.hasSuffix(".ics") }
        #expect(files.count == 5)
        let cancelledUID = try #require(bookings.first?["externalCalendarId"] as? String)
        let cancelledFile = try String(contentsOf: w.calendarFolder.appendingPathComponent("\(cancelledUID).ics"), encoding: .utf8)
        #expect(cancelledFile.contains("STATUS:CANCELLED\r\n"))
        #expect(cancelledFile.contains("SEQUENCE:1\r\n"))

        // The export on stdout: CRLF throughout, live bookings only.
        let export = try w.run("bookings", "export", "--ics")
        Self.expectOK(export)
        #expect(export.stdout.hasPrefix("BEGIN:VCALENDAR\r\n"))
        #expect(export.stdout.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!export.stdout.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(export.stdout.components(separatedBy: "BEGIN:VEVENT").count == 4)
        let exportFile = w.folder.appendingPathComponent("out.ics").path
        Self.expectOK(try w.run("bookings", "export", "--ics", "-o", exportFile, "--from", "2030-06-04", "--to", "2030-06-04"))
        let exported = try String(contentsOfFile: exportFile, encoding: .utf8)
        #expect(exported.components(separatedBy: "BEGIN:VEVENT").count == 2)
    }

    @Test func newYorkThroughTheShellAndAFailingCalendar() throws {
        let w = try Workspace(timezone: "America/New_York")
        defer { w.remove() }
        let script = """
            /book anna "2030-03-08 16:00" --title "Check-up"
            /book ben 2030-03-10 02:30
            /book ben 2030-03-10 03:00
            /bookings list
            """
        let batch = try w.run(stdin: script)
        #expect(batch.status == 65)  // the first failing line's status
        #expect(batch.stderr.contains("does not exist in America/New_York"))
        #expect(batch.stderr.contains("01:59 -05:00") && batch.stderr.contains("03:00 -04:00"))
        #expect(batch.stdout.contains("Fri 2030-03-08 16:00-16:30 -05:00"))
        #expect(batch.stdout.contains("Sun 2030-03-10 03:00-03:30 -04:00"))

        // The calendar folder cannot be written: the booking is saved, marked unsynced.
        let blocked = w.folder.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocked)
        let failing = try w.run("book", "anna", "2030-03-11 09:00", environment: ["CORBI_CALENDAR_DIR": blocked.path])
        Self.expectOK(failing)
        #expect(failing.stderr.contains("could not be written"))
        let unsynced = try w.run("bookings", "list", "--json", environment: ["CORBI_CALENDAR_DIR": blocked.path])
        #expect(unsynced.json["unsynced"] as? Int == 1)
        let text = try w.run("bookings", "list", environment: ["CORBI_CALENDAR_DIR": blocked.path])
        #expect(text.stdout.contains("unsynced"))
        // The next command with a working folder writes it.
        let synced = try w.run("bookings", "list", "--json")
        #expect(synced.json["unsynced"] as? Int == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: w.calendarFolder.path).filter { $0.hasSuffix(".ics") }
        #expect(files.count == 3)
    }

    @Test func updatingTitleLocationAndNotesRewritesTheEvent() throws {
        let w = try Workspace(timezone: "Europe/Berlin")
        defer { w.remove() }
        Self.expectOK(try w.run("book", "anna", "2030-06-03 09:00", "--location", "Room 1"))
        Self.expectOK(try w.run("book", "ben", "2030-06-03 09:00", "--location", "Room 2"))
        let updated = try w.run("bookings", "update", "1", "--title", "Cleaning", "--notes", "Bring X-rays", "--json")
        Self.expectOK(updated)
        #expect(updated.json["title"] as? String == "Cleaning")
        #expect(updated.json["notes"] as? String == "Bring X-rays")
        #expect(updated.json["sequence"] as? Int == 1)
        // A new location is checked like a new booking.
        let taken = try w.run("bookings", "update", "1", "--location", "ROOM 2")
        #expect(taken.status == 65)
        #expect(taken.stderr.contains("#2"))
        Self.expectOK(try w.run("bookings", "update", "1", "--location", "Room 3", "--notes", ""))
        let uid = try #require(try w.run("bookings", "show", "1", "--json").json["externalCalendarId"] as? String)
        let event = try String(contentsOf: w.calendarFolder.appendingPathComponent("\(uid).ics"), encoding: .utf8)
        #expect(event.contains("SUMMARY:Cleaning"))
        #expect(event.contains("LOCATION:Room 3"))
        #expect(event.contains("SEQUENCE:2"))
        #expect(!event.contains("Bring X-rays"))
        #expect(try w.run("bookings", "update", "1").status == 64)
        #expect(try w.run("bookings", "update", "1", "--title", "x", environment: ["CORBI_USER": "viewer@clinic.example"]).status == 77)
        Self.expectOK(try w.run("bookings", "cancel", "1"))
        #expect(try w.run("bookings", "update", "1", "--title", "Again").status == 65)
    }

    @Test func deletingAContactTakesItsBookingsOutOfTheCalendar() throws {
        let w = try Workspace(timezone: "Europe/Berlin")
        defer { w.remove() }
        let anna = try w.run("book", "anna", "2030-06-03 09:00", "--json")
        Self.expectOK(anna)
        Self.expectOK(try w.run("book", "anna", "2030-06-04 09:00"))
        Self.expectOK(try w.run("book", "ben", "2030-06-03 09:00"))
        func events() throws -> Set<String> {
            Set(try FileManager.default.contentsOfDirectory(atPath: w.calendarFolder.path).filter { $0.hasSuffix(".ics") })
        }
        #expect(try events().count == 3)
        let deleted = try w.run("contacts", "delete", "anna")
        Self.expectOK(deleted)
        #expect(deleted.stdout.contains("and 2 bookings"))
        let left = try events()
        #expect(left.count == 1)
        #expect(!left.contains("\(anna.json["externalCalendarId"] as? String ?? "?").ics"))
        #expect(try w.run("bookings", "list", "--json").json["bookings"].map { ($0 as? [Any])?.count } == 1)
    }
}

extension BookingsEndToEndTests.Workspace {
    func expectOK(_ r: Result, sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard r.status == 0 else {
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "setup failed (\(r.status)): \(r.stderr)"])
        }
    }
}
