import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

/// `corbi book CONTACT START`: books an appointment in the organization's time zone.
public struct BookCommand: CorbiCommand {
    public static let configuration = CommandConfiguration(
        commandName: "book", abstract: "Book an appointment for a contact.",
        discussion: """
            Times are read in the organization's time zone: 2026-03-30 14:00, \
            2026-03-30T14:00, 2026-03-30T14:00+02:00, today 15:00, tomorrow 9:30, \
            fri 14:00 (the next Friday whose 14:00 is still ahead), 3pm, 3:30pm (today), \
            tomorrow at 3pm, in 2h. \
            Quotes are optional: `book Anna Schmidt tomorrow 9:30` works. Durations: 30m, 1h, 1h30m. \
            A time skipped by a daylight-saving change is refused; a time that happens \
            twice takes the first.
            """)

    @Argument(help: "Contact id, email, phone or part of the name.") var contact: String
    @Argument(help: ArgumentHelp("When it starts (one or more words).", valueName: "start")) var start: [String] = []
    @Option(help: "How long: 30m, 1h, 1h30m (default 30m).") var duration: String?
    @Option(help: "When it ends instead of --duration; a time alone is on the start's day.") var end: String?
    @Option(help: "What it is (default: Appointment).") var title: String?
    @Option(help: "Where; one location holds one booking at a time (case ignored).") var location: String?
    @Option(help: "Free-form notes (they go to the calendar event's description).") var notes: String?
    @Flag(help: "Book as confirmed instead of pending.") var confirm = false
    @Flag(help: "Allow overlapping another live booking of the contact or the location.") var allowOverlap = false
    @Flag(help: "Allow a start in the past.") var allowPast = false
    @OptionGroup public var globals: GlobalOptions

    public init() {}

    public func validate() throws {
        guard !start.isEmpty else { throw ValidationError("Missing expected argument '<start>'") }
        if duration != nil && end != nil { throw ValidationError("Give --duration or --end, not both.") }
    }

    public func execute(in session: Session) throws -> CommandOutput {
        let actor = try session.actor()
        let input = BookingInput(
            contact: contact, start: start.joined(separator: " "), duration: duration, end: end, title: title,
            location: location, notes: notes, confirm: confirm, allowOverlap: allowOverlap, allowPast: allowPast)
        let outcome = try session.database().book(actor, input, calendar: session.bookingCalendar(actor))
        return BookingsCommand.changed("Booked", outcome, zone: actor.organization.timeZone)
    }
}
