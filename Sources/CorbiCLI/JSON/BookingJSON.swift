import CorbiCore
import Foundation

/// A booking: `{"id", "contactId", "contactName", "title", "start", "end", "status",
/// "location", "notes", "externalCalendarId", "sequence", "allowOverlap",
/// "calendarSynced", "createdBy", "createdByEmail", "createdAt", "updatedAt"}`, times ISO
/// 8601 with the organization's offset; `createdBy` is the id of the user who booked it.
struct BookingJSON: Encodable, Equatable, Sendable {
    var id: Int64
    var contactId: Int64
    var contactName: String
    var title: String
    var start: String
    var end: String
    var status: String
    @Nullable var location: String?
    @Nullable var notes: String?
    var externalCalendarId: String
    var sequence: Int
    var allowOverlap: Bool
    var calendarSynced: Bool
    @Nullable var createdBy: Int64?
    @Nullable var createdByEmail: String?
    var createdAt: String
    var updatedAt: String

    init(_ detail: BookingDetail, zone: TimeZone) {
        let b = detail.booking
        id = b.id ?? 0
        contactId = b.contactId
        contactName = detail.contactName
        title = b.title
        start = DateFormatting.iso8601(b.start, in: zone)
        end = DateFormatting.iso8601(b.end, in: zone)
        status = b.status.rawValue
        location = b.location
        notes = b.notes
        externalCalendarId = b.externalCalendarId
        sequence = b.sequence
        allowOverlap = b.allowOverlap
        calendarSynced = b.calendarSynced
        createdBy = b.createdBy
        createdByEmail = detail.createdByEmail
        createdAt = DateFormatting.iso8601(b.createdAt, in: zone)
        updatedAt = DateFormatting.iso8601(b.updatedAt, in: zone)
    }
}

/// `{"bookings": [...], "unsynced"}`: a list, and how many bookings wait for their
/// calendar file.
struct BookingListJSON: Encodable {
    var bookings: [BookingJSON]
    var unsynced: Int
}

/// A booking changed (book, confirm, cancel, reschedule, update): the booking's own keys
/// and `"warnings"`, what to tell people (times read, overlaps allowed, calendar trouble).
struct BookingChangeJSON: Encodable {
    var booking: BookingJSON
    var warnings: [String]

    // Flat: scripts read `.start` of a booking whether it was listed or just booked.
    func encode(to encoder: any Encoder) throws {
        try booking.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(warnings, forKey: .warnings)
    }

    enum CodingKeys: String, CodingKey { case warnings }
}

/// `bookings export --ics` written to a file: `{"ok", "message", "path", "events"}`.
struct CalendarFileJSON: Encodable {
    var ok = true
    var message: String
    var path: String
    var events: Int
}

/// `bookings export --ics` on stdout: `{"ics", "events"}`.
struct CalendarTextJSON: Encodable {
    var ics: String
    var events: Int
}

/// `bookings sync`: `{"ok", "written", "unsynced", "directory", "warnings"}`.
struct CalendarSyncJSON: Encodable {
    var ok: Bool
    var written: Int
    var unsynced: Int
    var directory: String
    var warnings: [String]
}
