import Foundation

/// A wall-clock date and time in some zone, as people type it: no offset attached.
public struct LocalDateTime: Equatable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// `2026-03-29 02:30`.
    public var description: String {
        String(format: "%04d-%02d-%02d %02d:%02d", year, month, day, hour, minute) + (second == 0 ? "" : String(format: ":%02d", second))
    }

    /// The wall time read as if it were UTC: a plain count of seconds to do arithmetic on.
    var wallSeconds: TimeInterval? {
        var c = DateComponents()
        (c.year, c.month, c.day, c.hour, c.minute, c.second) = (year, month, day, hour, minute, second)
        guard let date = TimeInput.utcCalendar.date(from: c) else { return nil }
        // The calendar rolls over impossible values (Feb 30): insist on a round trip.
        let back = TimeInput.utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard back.year == year, back.month == month, back.day == day, back.hour == hour, back.minute == minute,
            back.second == second
        else { return nil }
        return date.timeIntervalSince1970
    }
}

/// A time typed by a person, resolved in the organization's zone.
public struct ResolvedTime: Equatable, Sendable {
    /// The instant.
    public var date: Date
    /// Set when the wall time happened twice (clocks fell back) and the first was taken.
    public var note: String?
}
