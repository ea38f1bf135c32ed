import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

/// `corbi bookings`: list, confirm, cancel, reschedule and export bookings.
public struct BookingsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bookings", abstract: "List, confirm, cancel, reschedule and export bookings.",
        subcommands: [List.self, Show.self, Confirm.self, Cancel.self, Reschedule.self, Update.self, Export.self, Sync.self],
        defaultSubcommand: List.self)

    public init() {}

    /// The range and selection options shared by list and export.
    struct Selection: ParsableArguments {
        @Option(help: "From this time or day on (a day means its start).") var from: String?
        @Option(help: "Up to this time or day (a day is included whole).") var to: String?
        @Option(help: "Only this contact (id, email, phone or part of the name).") var contact: String?
        @Option(help: "A status, live (pending and confirmed) or all.") var status: Choice<BookingStatusFilter>?
        @Flag(help: "Only today (in the organization's time zone).") var today = false
        @Flag(help: "Today and the six days after it.") var week = false
        @Flag(help: "Only bookings that have not ended yet.") var upcoming = false

        var filter: BookingFilter {
            BookingFilter(from: from, to: to, today: today, week: week, upcoming: upcoming, contact: contact, status: status?.text)
        }
    }

    // MARK: - Rendering

    /// `Mon 2026-03-30 09:00-09:30 +02:00`.
    static func when(_ b: Booking, zone: TimeZone) -> String {
        let s = DateFormatting.dateTime(b.start, in: zone)
        let e = DateFormatting.dateTime(b.end, in: zone)
        let weekday = weekdayName(b.start, zone: zone)
        if s.prefix(10) == e.prefix(10) && s.suffix(6) == e.suffix(6) {
            return "\(weekday) \(s.prefix(16))-\(e.dropFirst(11))"
        }
        return "\(weekday) \(s) - \(e)"
    }

    /// Shortens a table cell to `width` characters.
    static func clip(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 3)) + "..."
    }

    static func weekdayName(_ date: Date, zone: TimeZone) -> String {
        DateFormatting.weekdayName(date, in: zone)
    }

    static func describe(_ d: BookingDetail, zone: TimeZone) -> String {
        let b = d.booking
        var lines = ["#\(b.id!) \(b.title) - \(d.contactName) (#\(b.contactId))"]
        lines.append("  when:      \(when(b, zone: zone)) (\(TimeInput.formatDuration(b.duration)))")
        lines.append("  status:    \(b.status.rawValue)")
        if let v = b.location { lines.append("  location:  \(v)") }
        if let v = b.notes { lines.append("  notes:     \(v.replacingOccurrences(of: "\n", with: "\n             "))") }
        if b.allowOverlap { lines.append("  overlap:   allowed") }
        lines.append("  calendar:  \(b.externalCalendarId) (sequence \(b.sequence)\(b.calendarSynced ? "" : ", not written yet"))")
        lines.append("  booked:    \(DateFormatting.dateTime(b.createdAt, in: zone))" + (d.createdByEmail.map { " by \($0)" } ?? ""))
        lines.append("  changed:   \(DateFormatting.dateTime(b.updatedAt, in: zone))")
        return lines.joined(separator: "\n")
    }

    /// A booking and what the change wants said about it.

    /// The output of book, confirm, cancel and reschedule: notes about the times go with
    /// the result (stdout), calendar trouble to stderr too.
    static func changed(_ verb: String, _ outcome: BookingOutcome, zone: TimeZone) -> CommandOutput {
        var text = "\(verb) " + describe(outcome.detail, zone: zone)
        for note in outcome.notes { text += "\nNote: \(note)" }
        let json = BookingChangeJSON(booking: BookingJSON(outcome.detail, zone: zone), warnings: outcome.notes + outcome.calendarWarnings)
        return CommandOutput(text: text, json: json, notes: outcome.calendarWarnings)
    }

    // MARK: - Subcommands

    struct List: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "list", 
            abstract: "Bookings by start time (all of them unless a range, contact or status is given).")
        @OptionGroup var selection: Selection
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let db = try session.database()
            let warnings = db.syncCalendar(actor, calendar: session.bookingCalendar(actor))
            let zone = actor.organization.timeZone
            let bookings = try db.bookings(actor, selection.filter)
            let unsynced = bookings.filter { !$0.booking.calendarSynced }.count
            var table = TextTable(["ID", "WHEN", "CONTACT", "TITLE", "STATUS", "LOCATION", "CALENDAR"])
            for d in bookings {
                let b = d.booking
                table.add([
                    String(b.id!), when(b, zone: zone), clip(d.contactName, 30), clip(b.title, 40), b.status.rawValue,
                    clip(b.location ?? "", 24),
                    b.calendarSynced ? "ok" : "unsynced",
                ])
            }
            var text = bookings.isEmpty ? "No bookings." : table.render()
            if unsynced > 0 {
                text += "\n\(unsynced) booking\(unsynced == 1 ? " is" : "s are") not in the calendar yet (unsynced); the next booking command retries."
            }
            return CommandOutput(
                text: text, json: BookingListJSON(bookings: bookings.map { BookingJSON($0, zone: zone) }, unsynced: unsynced),
                notes: warnings)
        }
    }

    struct Show: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One booking.")
        @Argument(help: "The booking id.") var id: String
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let d = try session.database().booking(actor, id: id)
            let zone = actor.organization.timeZone
            return CommandOutput(text: describe(d, zone: zone), json: BookingJSON(d, zone: zone))
        }
    }

    struct Confirm: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "confirm", abstract: "Confirm a pending booking.")
        @Argument(help: "The booking id.") var id: String
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let outcome = try session.database().confirmBooking(actor, id: id, calendar: session.bookingCalendar(actor))
            return changed("Confirmed", outcome, zone: actor.organization.timeZone)
        }
    }

    struct Cancel: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "cancel", 
            abstract: "Cancel a booking; its slot is free again and its calendar event shows it cancelled.")
        @Argument(help: "The booking id.") var id: String
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let outcome = try session.database().cancelBooking(actor, id: id, calendar: session.bookingCalendar(actor))
            return changed("Cancelled", outcome, zone: actor.organization.timeZone)
        }
    }

    struct Reschedule: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "reschedule", 
            abstract: "Move a booking to a new start, keeping its length unless --duration or --end is given.")
        @Argument(help: "The booking id.") var id: String
        @Argument(help: ArgumentHelp("The new start (one or more words).", valueName: "start")) var start: [String] = []
        @Option(help: "New length: 30m, 1h, 1h30m.") var duration: String?
        @Option(help: "New end instead of --duration; a time alone is on the start's day.") var end: String?
        @Flag(help: "Allow overlapping another live booking of the contact or the location.") var allowOverlap = false
        @Flag(help: "Allow a start in the past.") var allowPast = false
        @OptionGroup var globals: GlobalOptions

        func validate() throws {
            guard !start.isEmpty else { throw ValidationError("Missing expected argument '<start>'") }
            if duration != nil && end != nil { throw ValidationError("Give --duration or --end, not both.") }
        }

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let input = RescheduleInput(
                start: start.joined(separator: " "), duration: duration, end: end, allowOverlap: allowOverlap,
                allowPast: allowPast)
            let outcome = try session.database().rescheduleBooking(
                actor, id: id, input, calendar: session.bookingCalendar(actor))
            return changed("Rescheduled", outcome, zone: actor.organization.timeZone)
        }
    }

    struct Update: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "update",
            abstract: "Change a booking's title, location or notes (\"\" clears a location or notes).")
        @Argument(help: "The booking id.") var id: String
        @Option(help: "New title.") var title: String?
        @Option(help: "New location or room (checked for overlaps like a new booking).") var location: String?
        @Option(help: "New notes.") var notes: String?
        @Flag(help: "Allow overlapping another live booking of the new location.") var allowOverlap = false
        @OptionGroup var globals: GlobalOptions

        func validate() throws {
            if title == nil && location == nil && notes == nil { throw ValidationError("Give --title, --location or --notes.") }
        }

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let update = BookingUpdate(title: title, location: location, notes: notes, allowOverlap: allowOverlap)
            let outcome = try session.database().updateBooking(actor, id: id, update, calendar: session.bookingCalendar(actor))
            return changed("Updated", outcome, zone: actor.organization.timeZone)
        }
    }

    struct Export: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "export", 
            abstract: "Export bookings as one iCalendar file (RFC 5545) for Google Calendar, Thunderbird and others.",
            discussion: "Live bookings only, unless --status says otherwise (e.g. --status all).")
        @Flag(help: "iCalendar format (the only one, and the default).") var ics = false
        @OptionGroup var selection: Selection
        @Option(name: [.customShort("o"), .long], help: "Write to this file instead of stdout.") var output: String?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let (text, count) = try session.database().exportBookings(actor, selection.filter)
            let events = counted(count, "booking")
            if let output {
                do {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                } catch {
                    throw CorbiError.permission("Cannot write \(output): \(error.localizedDescription)")
                }
                let message = "Exported \(events) to \(output)."
                return CommandOutput(text: message, json: CalendarFileJSON(message: message, path: output, events: count))
            }
            return CommandOutput(text: text, json: CalendarTextJSON(ics: text, events: count))
        }
    }

    struct Sync: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "sync", 
            abstract: "Write the calendar files of bookings not written yet (every booking command also does).")
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let db = try session.database()
            let calendar = session.bookingCalendar(actor)
            let before = try db.unsyncedBookingCount(actor)
            let warnings = db.syncCalendar(actor, calendar: calendar)
            let left = try db.unsyncedBookingCount(actor)
            let text = left == 0
                ? "The calendar at \(calendar.directory.path) is up to date (\(counted(before - left, "file")) written)."
                : counted(left, "booking") + " still not in the calendar at \(calendar.directory.path)."
            return CommandOutput(
                text: text,
                json: CalendarSyncJSON(ok: left == 0, written: before - left, unsynced: left, directory: calendar.directory.path, warnings: warnings),
                exitCode: left == 0 ? 0 : 75, notes: warnings)
        }
    }
}
