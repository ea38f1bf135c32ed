import Foundation

/// How times are shown: always in the organization's time zone, with its offset. The one
/// set of formatters of Corbi: every command, message and audit detail uses these.
///
/// Computed with integer arithmetic rather than `DateFormatter`/`Calendar`: lists and
/// exports format thousands of times, and a formatter or calendar per call dominated
/// their run time.
public enum DateFormatting {
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
        let weekday = (((days % 7) + 7) % 7 + 4) % 7  // 1970-01-01 was a Thursday (4)
        return Fields(
            year: year, month: month, day: day, hour: secs / 3600, minute: secs % 3600 / 60, second: secs % 60,
            weekday: weekday)
    }

    /// The fields of `date` on the wall clock of `zone`.
    public static func fields(_ date: Date, in zone: TimeZone) -> Fields {
        fields(date, offset: zone.secondsFromGMT(for: date))
    }

    /// `2026-03-29T09:30:00+02:00` (`Z` for a zero offset): JSON output.
    public static func iso8601(_ date: Date, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let f = fields(date, offset: offset)
        let text = "\(pad(f.year, 4))-\(pad(f.month))-\(pad(f.day))T\(pad(f.hour)):\(pad(f.minute)):\(pad(f.second))"
        return text + (offset == 0 ? "Z" : offsetText(offset))
    }

    /// `2026-03-29 09:30 +02:00`: text output.
    public static func dateTime(_ date: Date, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let f = fields(date, offset: offset)
        return "\(pad(f.year, 4))-\(pad(f.month))-\(pad(f.day)) \(pad(f.hour)):\(pad(f.minute)) " + offsetText(offset)
    }

    /// `2026-03-29`.
    public static func day(_ date: Date, in zone: TimeZone) -> String {
        let f = fields(date, in: zone)
        return "\(pad(f.year, 4))-\(pad(f.month))-\(pad(f.day))"
    }

    /// `09:30`.
    public static func clock(_ date: Date, in zone: TimeZone) -> String {
        let f = fields(date, in: zone)
        return "\(pad(f.hour)):\(pad(f.minute))"
    }

    /// `Mon`.
    public static func weekdayName(_ date: Date, in zone: TimeZone) -> String {
        ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][fields(date, in: zone).weekday]
    }

    /// `+02:00`.
    public static func offset(_ date: Date, in zone: TimeZone) -> String {
        offsetText(zone.secondsFromGMT(for: date))
    }

    /// `+02:00` for a number of seconds east of UTC.
    public static func offsetText(_ seconds: Int) -> String {
        let minutes = abs(seconds) / 60
        return (seconds < 0 ? "-" : "+") + pad(minutes / 60) + ":" + pad(minutes % 60)
    }

    /// `from 2026-03-30 09:00 to 09:30 +02:00`, or with both dates when they differ.
    public static func range(_ start: Date, _ end: Date, in zone: TimeZone) -> String {
        let s = dateTime(start, in: zone)
        let e = dateTime(end, in: zone)
        if s.prefix(10) == e.prefix(10) && s.suffix(6) == e.suffix(6) {
            return "from \(s.prefix(16)) to \(e.dropFirst(11))"
        }
        return "from \(s) to \(e)"
    }

    /// `2026-03-29` of a local day.
    public static func day(_ day: LocalDateTime) -> String {
        "\(pad(day.year, 4))-\(pad(day.month))-\(pad(day.day))"
    }

    static func pad(_ n: Int, _ width: Int = 2) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
