import Foundation

/// What `book` is asked for, as the user typed it: times are read inside the service, in
/// the organization's zone, so refusals of bad input are audited like any other.
public struct BookingInput: Sendable {
    /// A contact id, email, phone or part of a name.
    public var contact: String
    public var start: String
    /// `30m`, `1h30m`; 30 minutes when neither this nor `end` is given.
    public var duration: String?
    public var end: String?
    public var title: String?
    public var location: String?
    public var notes: String?
    /// Book as confirmed rather than pending.
    public var confirm: Bool
    public var allowOverlap: Bool
    public var allowPast: Bool

    public init(
        contact: String, start: String, duration: String? = nil, end: String? = nil, title: String? = nil,
        location: String? = nil, notes: String? = nil, confirm: Bool = false, allowOverlap: Bool = false,
        allowPast: Bool = false
    ) {
        self.contact = contact
        self.start = start
        self.duration = duration
        self.end = end
        self.title = title
        self.location = location
        self.notes = notes
        self.confirm = confirm
        self.allowOverlap = allowOverlap
        self.allowPast = allowPast
    }
}

/// A new time for a booking.
public struct RescheduleInput: Sendable {
    public var start: String
    /// Keeps the booking's length when neither this nor `end` is given.
    public var duration: String?
    public var end: String?
    public var allowOverlap: Bool
    public var allowPast: Bool

    public init(start: String, duration: String? = nil, end: String? = nil, allowOverlap: Bool = false, allowPast: Bool = false) {
        self.start = start
        self.duration = duration
        self.end = end
        self.allowOverlap = allowOverlap
        self.allowPast = allowPast
    }
}

/// New words for a booking; nil leaves a field as it is, "" clears a location or notes
/// (and gives the default title back).
public struct BookingUpdate: Sendable {
    public var title: String?
    public var location: String?
    public var notes: String?
    public var allowOverlap: Bool

    public init(title: String? = nil, location: String? = nil, notes: String? = nil, allowOverlap: Bool = false) {
        self.title = title
        self.location = location
        self.notes = notes
        self.allowOverlap = allowOverlap
    }

    public var isEmpty: Bool { title == nil && location == nil && notes == nil }
}

/// Which bookings a list or an export covers. Bounds are typed like any time; a day on
/// its own means the whole day (`--to fri` includes Friday).
public struct BookingFilter: Sendable {
    public var from: String?
    public var to: String?
    /// Only today (in the organization's zone).
    public var today: Bool
    /// Today and the six days after it.
    public var week: Bool
    /// Only bookings that have not ended yet.
    public var upcoming: Bool
    /// A contact reference.
    public var contact: String?
    /// pending, confirmed, cancelled, or live (pending and confirmed).
    public var status: String?

    public init(
        from: String? = nil, to: String? = nil, today: Bool = false, week: Bool = false, upcoming: Bool = false,
        contact: String? = nil, status: String? = nil
    ) {
        self.from = from
        self.to = to
        self.today = today
        self.week = week
        self.upcoming = upcoming
        self.contact = contact
        self.status = status
    }
}
