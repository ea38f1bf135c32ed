import Foundation
import GRDB

/// Where a booking stands. Pending and confirmed bookings are live and hold their slot;
/// cancelled ones free it.
public enum BookingStatus: String, Codable, Sendable, CaseIterable {
    case pending, confirmed, cancelled

    /// Parses a status given by a user (65 if unknown).
    public static func parse(_ text: String) throws -> BookingStatus {
        guard let status = BookingStatus(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw CorbiError.invalid("Unknown booking status '\(text)': use pending, confirmed or cancelled.")
        }
        return status
    }

    /// Whether the booking holds its slot.
    public var isLive: Bool { self != .cancelled }
}

/// An appointment of one contact over the half-open interval [start, end).
public struct Booking: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "booking"
    public var id: Int64?
    public var organizationId: Int64
    public var contactId: Int64
    public var title: String
    public var start: Date
    public var end: Date
    public var status: BookingStatus
    public var location: String?
    public var notes: String?
    /// The calendar UID of the booking's event (and the name of its `.ics` file).
    public var externalCalendarId: String
    /// Booked with `--allow-overlap`: the overlap rule does not apply to it.
    public var allowOverlap: Bool
    /// Raised on every change, so calendars take the newest version (RFC 5545 SEQUENCE).
    public var sequence: Int
    /// Whether the calendar file shows the current version.
    public var calendarSynced: Bool
    public var createdBy: Int64?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, organizationId: Int64, contactId: Int64, title: String, start: Date, end: Date,
        status: BookingStatus = .pending, location: String? = nil, notes: String? = nil, externalCalendarId: String,
        allowOverlap: Bool = false, sequence: Int = 0, calendarSynced: Bool = false, createdBy: Int64? = nil,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.organizationId = organizationId
        self.contactId = contactId
        self.title = title
        self.start = start
        self.end = end
        self.status = status
        self.location = location
        self.notes = notes
        self.externalCalendarId = externalCalendarId
        self.allowOverlap = allowOverlap
        self.sequence = sequence
        self.calendarSynced = calendarSynced
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// How long the booking lasts.
    public var duration: TimeInterval { end.timeIntervalSince(start) }
}

/// A booking with its contact's name, as lists and calendars show it.
public struct BookingDetail: Equatable, Sendable {
    public var booking: Booking
    public var contactName: String

    public init(booking: Booking, contactName: String) {
        self.booking = booking
        self.contactName = contactName
    }
}

/// The result of a change: the booking, and what people should know about it.
public struct BookingOutcome: Equatable, Sendable {
    public var detail: BookingDetail
    /// Things worth saying: the first of two possible times was taken, an overlap was
    /// allowed, the calendar file could not be written.
    public var notes: [String]
    /// Whether the calendar file could not be written (it will be retried).
    public var calendarWarnings: [String]

    public var booking: Booking { detail.booking }
}

/// The JSON shape of a booking in the contract, times in the organization's zone.
public struct BookingJSON: Codable, Equatable, Sendable {
    public var id: Int64
    public var contactId: Int64
    public var contactName: String
    public var title: String
    public var start: String
    public var end: String
    public var status: String
    public var location: String?
    public var notes: String?
    public var externalCalendarId: String
    public var sequence: Int
    public var allowOverlap: Bool
    public var calendarSynced: Bool

    public init(_ detail: BookingDetail, zone: TimeZone) {
        let b = detail.booking
        id = b.id ?? 0
        contactId = b.contactId
        contactName = detail.contactName
        title = b.title
        start = BookingClock.iso8601(b.start, in: zone)
        end = BookingClock.iso8601(b.end, in: zone)
        status = b.status.rawValue
        location = b.location
        notes = b.notes
        externalCalendarId = b.externalCalendarId
        sequence = b.sequence
        allowOverlap = b.allowOverlap
        calendarSynced = b.calendarSynced
    }

    // Keys with nil values are written as null so the shape is stable for scripts.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(contactId, forKey: .contactId)
        try c.encode(contactName, forKey: .contactName)
        try c.encode(title, forKey: .title)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(status, forKey: .status)
        try c.encode(location, forKey: .location)
        try c.encode(notes, forKey: .notes)
        try c.encode(externalCalendarId, forKey: .externalCalendarId)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(allowOverlap, forKey: .allowOverlap)
        try c.encode(calendarSynced, forKey: .calendarSynced)
    }
}

/// Date text for bookings, the same as `DateFormatting` gives but computed with integer
/// arithmetic: lists and exports format thousands of times, and a formatter or calendar
/// per call dominated their run time.
public enum BookingClock {
    /// Civil date and time fields of a count of seconds since 1970 (proleptic Gregorian).
    public struct Fields: Equatable, Sendable {
        public var year, month, day, hour, minute, second: Int
        /// 0 = Sunday ... 6 = Saturday.
        public var weekday: Int
    }

    /// The fields of `date` shifted by `offset` seconds.
    public static func fields(_ date: Date, offset: Int) -> Fields {
        let total = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secs = total - days * 86_400
        // Howard Hinnant's days-to-civil algorithm.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = ((days % 7) + 11) % 7  // 1970-01-01 was a Thursday (4)
        return Fields(year: year, month: month, day: day, hour: secs / 3600, minute: secs % 3600 / 60, second: secs % 60, weekday: weekday)
    }

    /// `2026-03-29T09:30:00+02:00` (`Z` for a zero offset), as `BookingClock.iso8601`.
    public static func iso8601(_ date: Date, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let f = fields(date, offset: offset)
        let text = "\(pad(f.year, 4))-\(pad(f.month))-\(pad(f.day))T\(pad(f.hour)):\(pad(f.minute)):\(pad(f.second))"
        return text + (offset == 0 ? "Z" : offsetText(offset))
    }

    /// `2026-03-29 09:30 +02:00`, as `BookingClock.dateTime`.
    public static func dateTime(_ date: Date, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let f = fields(date, offset: offset)
        return "\(pad(f.year, 4))-\(pad(f.month))-\(pad(f.day)) \(pad(f.hour)):\(pad(f.minute)) " + offsetText(offset)
    }

    /// `Mon`.
    public static func weekdayName(_ date: Date, in zone: TimeZone) -> String {
        ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][fields(date, offset: zone.secondsFromGMT(for: date)).weekday]
    }

    /// `+02:00`.
    public static func offsetText(_ seconds: Int) -> String {
        let minutes = abs(seconds) / 60
        return (seconds < 0 ? "-" : "+") + pad(minutes / 60) + ":" + pad(minutes % 60)
    }

    static func pad(_ n: Int, _ width: Int = 2) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
