import CorbiCore
import Foundation

/// The days of a question as a command's `--from` and `--to` words, and as a reader sees
/// them.
struct DaySpan: Equatable, Sendable {
    /// The words `--from` and `--to` take (a day alone means the whole day).
    var from: String
    var to: String
    /// "tomorrow (Tue 2026-03-31)", "next week (Mon 2026-04-06 to Sun 2026-04-12)".
    var label: String
}

extension RecordDays {
    /// The span in the organization's zone at `now`: relative days stay words of the time
    /// grammar (`tomorrow`, `fri`), weeks and dates become ISO days, so that the command
    /// shown gives the same rows when it is run. 65 for a day the grammar does not read.
    func span(now: Date, zone: TimeZone) throws -> DaySpan {
        let today = TimeInput.day(of: now, in: zone)
        switch self {
        case .day(let word):
            let day = try TimeInput.day(word, in: zone, now: now)
            let shown = Self.show(day, zone: zone)
            let relative = ["today", "tomorrow", "yesterday"].contains(word.lowercased())
            return DaySpan(from: word, to: word, label: relative ? "\(word.lowercased()) (\(shown))" : "on \(shown)")
        case .thisWeek, .nextWeek:
            let weekday = DateFormatting.fields(TimeInput.interval(of: today, in: zone).lowerBound, in: zone).weekday
            // Weeks start on Monday.
            let monday = TimeInput.day(-((weekday + 6) % 7) + (self == .nextWeek ? 7 : 0), after: today)
            let sunday = TimeInput.day(6, after: monday)
            let name = self == .nextWeek ? "next week" : "this week"
            return DaySpan(
                from: DateFormatting.day(monday), to: DateFormatting.day(sunday),
                label: "\(name) (\(Self.show(monday, zone: zone)) to \(Self.show(sunday, zone: zone)))")
        case .nextSevenDays:
            let last = TimeInput.day(6, after: today)
            return DaySpan(
                from: "today", to: DateFormatting.day(last),
                label: "in the next seven days (\(Self.show(today, zone: zone)) to \(Self.show(last, zone: zone)))")
        case .monthDay(let month, let dayOfMonth):
            var day = LocalDateTime(year: today.year, month: month, day: dayOfMonth)
            // "January 3rd" asked in December is the coming one.
            if month < today.month - 6 { day.year += 1 }
            let text = DateFormatting.day(day)
            let checked = try TimeInput.day(text, in: zone, now: now)
            return DaySpan(from: text, to: text, label: "on \(Self.show(checked, zone: zone))")
        }
    }

    /// `Tue 2026-03-31`.
    static func show(_ day: LocalDateTime, zone: TimeZone) -> String {
        DateFormatting.weekdayName(TimeInput.interval(of: day, in: zone).lowerBound, in: zone) + " " + DateFormatting.day(day)
    }
}
