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
    /// The email of the member who booked it (nil once that user is gone).
    public var createdByEmail: String?

    public init(booking: Booking, contactName: String, createdByEmail: String? = nil) {
        self.booking = booking
        self.contactName = contactName
        self.createdByEmail = createdByEmail
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
