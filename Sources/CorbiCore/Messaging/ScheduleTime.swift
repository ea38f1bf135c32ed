import Foundation

/// Reads the `--at` time of a draft. Accepted, in the organization's zone unless an
/// offset is given: `now`; `2026-03-29T09:30:00+02:00` or `...Z`; `2026-03-29 09:30`
/// (or with `T`, seconds optional); `09:30` (today); `today 09:30`, `tomorrow 09:30`;
/// `+30m`, `+2h`, `+1d` (from now).
public enum ScheduleTime {
    public static func parse(_ text: String, now: Date, zone: TimeZone) throws -> Date {
        let input = text.trimmingCharacters(in: .whitespaces)
        let lower = input.lowercased()
        func refuse() -> CorbiError {
            .invalid(
                "'\(text)' is not a time: use 2026-03-29 09:30, 09:30, tomorrow 09:30, +2h or ISO 8601 with an offset.")
        }
        if lower == "now" { return now }
        if lower.hasPrefix("+"), let unit = lower.last, let amount = Int(lower.dropFirst().dropLast()), amount >= 0 {
            let seconds: Int
            switch unit {
            case "m": seconds = 60
            case "h": seconds = 3600
            case "d": seconds = 86400
            default: throw refuse()
            }
            return now.addingTimeInterval(TimeInterval(amount * seconds))
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone

        // With an explicit offset or Z.
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime]
        if let date = iso.date(from: input.replacingOccurrences(of: " ", with: "T")) { return date }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = iso.date(from: input.replacingOccurrences(of: " ", with: "T")) { return date }

        let words = lower.split(separator: " ").map(String.init)
        if words.count == 2, words[0] == "today" || words[0] == "tomorrow", let (h, m) = clock(words[1]) {
            let day = calendar.date(byAdding: .day, value: words[0] == "tomorrow" ? 1 : 0, to: now)!
            return try at(day, h, m, calendar, refuse)
        }
        if words.count == 1, let (h, m) = clock(words[0]) {
            return try at(now, h, m, calendar, refuse)
        }
        // A local date and time.
        let parts = lower.replacingOccurrences(of: "t", with: " ").split(separator: " ").map(String.init)
        if parts.count == 2, let (h, m) = clock(parts[1]) {
            let ymd = parts[0].split(separator: "-").compactMap { Int($0) }
            guard ymd.count == 3, parts[0].count == 10, (1...12).contains(ymd[1]), (1...31).contains(ymd[2]) else { throw refuse() }
            let components = DateComponents(year: ymd[0], month: ymd[1], day: ymd[2], hour: h, minute: m)
            guard let date = calendar.date(from: components),
                calendar.component(.day, from: date) == ymd[2]
            else { throw refuse() }
            return date
        }
        throw refuse()
    }

    /// `HH:MM` or `HH:MM:SS` (seconds ignored).
    private static func clock(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0.count == 2 || $0.count == 1 }),
            let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m)
        else { return nil }
        if parts.count == 3, Int(parts[2]) == nil { return nil }
        return (h, m)
    }

    private static func at(_ day: Date, _ h: Int, _ m: Int, _ calendar: Calendar, _ refuse: () -> CorbiError) throws -> Date {
        var c = calendar.dateComponents([.year, .month, .day], from: day)
        c.hour = h
        c.minute = m
        guard let date = calendar.date(from: c) else { throw refuse() }
        return date
    }
}
