import CorbiCore
import Foundation
import Testing

@Suite struct BookingCalendarTests {
    /// Undoes RFC 5545 folding.
    func unfold(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n ", with: "")
    }

    func file(_ f: BookingFixture, _ b: Booking) throws -> String {
        String(decoding: try Data(contentsOf: f.calendar.fileURL(uid: b.externalCalendarId)), as: UTF8.self)
    }

    @Test func escapesTextValues() {
        #expect(ICSWriter.escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf")
        #expect(ICSWriter.escape("bell\u{07}tab\t") == "belltab\t")
    }

    @Test func foldsAt75OctetsWithoutSplittingCharacters() {
        let line = "SUMMARY:" + String(repeating: "äö😀x", count: 40)
        let folded = ICSWriter.fold(line)
        let physical = folded.components(separatedBy: "\r\n")
        #expect(physical.count > 1)
        for (i, piece) in physical.enumerated() {
            #expect(piece.utf8.count <= 75)
            if i > 0 { #expect(piece.hasPrefix(" ")) }
        }
        #expect(unfold(folded) == line)
        #expect(ICSWriter.fold("SHORT:x") == "SHORT:x")
    }

    @Test func eachChangeRewritesTheEventFileWithAHigherSequence() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        let input = BookingInput(
            contact: "anna", start: "2026-12-01 14:00", duration: "1h", title: "Cleaning, deep; long",
            location: "Room 1", notes: "Bring x-rays\nand the form")
        let booked = try f.db.book(f.staff, input, calendar: f.calendar)
        #expect(booked.booking.calendarSynced)
        #expect(booked.calendarWarnings.isEmpty)
        var text = try file(f, booked.booking)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let body = unfold(text)
        #expect(body.contains("UID:\(booked.booking.externalCalendarId)\r\n"))
        #expect(body.contains("DTSTART;TZID=Europe/Berlin:20261201T140000\r\n"))
        #expect(body.contains("DTEND;TZID=Europe/Berlin:20261201T150000\r\n"))
        #expect(body.contains("TZID:Europe/Berlin\r\n"))
        #expect(body.contains("TZOFFSETTO:+0100\r\n"))
        #expect(body.contains("SUMMARY:Cleaning\\, deep\\; long – Anna Schmidt\r\n"))
        #expect(body.contains("LOCATION:Room 1\r\n"))
        #expect(body.contains("DESCRIPTION:Bring x-rays\\nand the form\r\n"))
        #expect(body.contains("STATUS:TENTATIVE\r\n"))
        #expect(body.contains("SEQUENCE:0\r\n"))
        #expect(body.contains("DTSTAMP:20261124T100000Z\r\n"))

        _ = try f.db.confirmBooking(f.staff, id: String(booked.booking.id!), calendar: f.calendar)
        text = unfold(try file(f, booked.booking))
        #expect(text.contains("STATUS:CONFIRMED\r\n") && text.contains("SEQUENCE:1\r\n"))

        _ = try f.db.rescheduleBooking(f.staff, id: String(booked.booking.id!), RescheduleInput(start: "2026-12-02 9:00"), calendar: f.calendar)
        text = unfold(try file(f, booked.booking))
        #expect(text.contains("DTSTART;TZID=Europe/Berlin:20261202T090000\r\n") && text.contains("SEQUENCE:2\r\n"))

        let cancelled = try f.db.cancelBooking(f.staff, id: String(booked.booking.id!), calendar: f.calendar)
        text = unfold(try file(f, booked.booking))
        #expect(text.contains("STATUS:CANCELLED\r\n") && text.contains("SEQUENCE:3\r\n"))
        #expect(cancelled.booking.calendarSynced)
        // Only the event files and the vdir display name: no temporary files left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: f.calendar.directory.path).sorted()
        #expect(names == ["\(booked.booking.externalCalendarId).ics", "displayname"].sorted())
    }

    @Test func aFailedWriteKeepsTheBookingUnsyncedUntilTheNextCommand() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        // The calendar folder is a plain file: nothing can be written into it.
        let blocked = f.folder.appendingPathComponent("blocked")
        try Data("x".utf8).write(to: blocked)
        let broken = VdirCalendar(directory: blocked)
        let first = try f.db.book(f.staff, BookingInput(contact: "anna", start: "2026-12-01 14:00"), calendar: broken)
        #expect(!first.booking.calendarSynced)
        #expect(first.calendarWarnings.count == 1)
        #expect(first.calendarWarnings[0].contains("#\(first.booking.id!)"))
        #expect(try f.db.booking(f.staff, id: String(first.booking.id!)).booking.calendarSynced == false)
        #expect(try f.db.unsyncedBookingCount(f.staff) == 1)

        // The next booking command, with a working folder, writes both.
        let second = try f.db.book(f.staff, BookingInput(contact: "ben", start: "2026-12-01 14:00"), calendar: f.calendar)
        #expect(second.booking.calendarSynced)
        #expect(try f.db.unsyncedBookingCount(f.staff) == 0)
        #expect(FileManager.default.fileExists(atPath: f.calendar.fileURL(uid: first.booking.externalCalendarId).path))
    }

    @Test func aTimeInTheRepeatedHourIsWrittenInUTC() throws {
        let f = try BookingFixture(timezone: "America/New_York")
        defer { f.remove() }
        // 01:30 EDT + 45m = 01:15 EST: that end would read as the earlier 01:15 EDT.
        let b = try f.db.book(f.staff, BookingInput(contact: "anna", start: "2027-11-07 01:30", duration: "45m"), calendar: f.calendar)
        #expect(b.notes.contains { $0.contains("happens twice") })
        let text = unfold(try file(f, b.booking))
        #expect(text.contains("DTSTART:20271107T053000Z\r\n"))
        #expect(text.contains("DTEND:20271107T061500Z\r\n"))
    }

    @Test func exportIsOneCalendarOfLiveBookings() throws {
        let f = try BookingFixture(timezone: "America/New_York")
        defer { f.remove() }
        let a = try f.db.book(f.staff, BookingInput(contact: "anna", start: "2026-12-01 14:00"), calendar: nil)
        let summer = try f.db.book(f.staff, BookingInput(contact: "anna", start: "2027-07-01 14:00"), calendar: nil)
        let c = try f.db.book(f.staff, BookingInput(contact: "ben", start: "2026-12-01 14:00"), calendar: nil)
        _ = try f.db.cancelBooking(f.staff, id: String(c.booking.id!), calendar: nil)
        let (ics, count) = try f.db.exportBookings(f.staff, BookingFilter())
        #expect(count == 2)
        let body = unfold(ics)
        #expect(body.components(separatedBy: "BEGIN:VEVENT").count == 3)
        #expect(body.components(separatedBy: "BEGIN:VCALENDAR").count == 2)
        #expect(body.contains("UID:\(a.booking.externalCalendarId)\r\n"))
        #expect(body.contains("DTSTART;TZID=America/New_York:20270701T140000\r\n"))
        // The zone's changes over the span are all described: EST in force, EDT from March.
        #expect(body.contains("TZOFFSETTO:-0500\r\n") && body.contains("TZOFFSETTO:-0400\r\n"))
        #expect(body.contains("DTSTART:20270314T020000\r\n"))
        #expect(!body.contains(c.booking.externalCalendarId))
        #expect(summer.booking.id != nil)
        let all = try f.db.exportBookings(f.staff, BookingFilter(status: "all"))
        #expect(all.count == 3)
        #expect(try f.db.auditEvents(f.admin, limit: 5, action: "bookings.export").count == 2)
    }

    @Test func calendarFolderFromTheEnvironment() {
        let explicit = VdirCalendar.location(environment: ["CORBI_CALENDAR_DIR": "/tmp/cal"], dataHome: "/d", domain: "a.example")
        #expect(explicit.directory.path == "/tmp/cal")
        let fallback = VdirCalendar.location(environment: [:], dataHome: "/d", domain: "a.example")
        #expect(fallback.directory.path == "/d/corbi/calendar/a.example")
    }
}
