import Foundation

/// A date on the calendar, without a time or a zone (`2026-03-29`): which instants it
/// covers depends on the zone it is read in (23, 24 or 25 hours).
public struct CalendarDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// The days Corbi computes with: years 1 to 9999 (65 outside, or for a date that does
    /// not exist, like February 30).
    public init(year: Int, month: Int, day: Int) throws {
        guard (1...9999).contains(year), (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day) else {
            throw CorbiError.invalid("\(Self.text(year, month, day)) is not a date between 0001-01-01 and 9999-12-31.")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// `2026-03-29` (65 if it is not such a date).
    public init(_ text: String) throws {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else {
            throw CorbiError.invalid("'\(text)' is not a date like 2026-03-29.")
        }
        try self.init(year: y, month: m, day: d)
    }

    /// The day `date` falls on in `zone`.
    public init(containing date: Date, in zone: TimeZone) {
        let f = BookingClock.fields(date, offset: zone.secondsFromGMT(for: date))
        // Instants Corbi stores are within years 1...9999.
        self.year = min(max(f.year, 1), 9999)
        self.month = f.month
        self.day = f.day
    }

    /// The first instant of the day in `zone` (midnight, or the first instant after it
    /// when a clock change skips midnight).
    public func start(in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let noon = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12))!
        return calendar.startOfDay(for: noon)
    }

    /// The day `count` days later (earlier when negative), clamped to years 1...9999.
    public func adding(days count: Int) -> CalendarDay {
        let shifted = Self.daysFromCivil(year, month, day) + count
        let f = BookingClock.fields(Date(timeIntervalSince1970: TimeInterval(shifted) * 86_400), offset: 0)
        if f.year < 1 { return try! CalendarDay(year: 1, month: 1, day: 1) }
        if f.year > 9999 { return try! CalendarDay(year: 9999, month: 12, day: 31) }
        return try! CalendarDay(year: f.year, month: f.month, day: f.day)
    }

    public var description: String { Self.text(year, month, day) }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    private static func text(_ y: Int, _ m: Int, _ d: Int) -> String {
        BookingClock.pad(y, 4) + "-" + BookingClock.pad(m) + "-" + BookingClock.pad(d)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    private static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
