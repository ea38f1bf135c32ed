import Foundation

/// How times are shown: always in the organization's time zone, with its offset.
public enum DateFormatting {
    /// ISO 8601 with the zone's offset, e.g. `2026-03-29T09:30:00+02:00` (JSON output).
    public static func iso8601(_ date: Date, in zone: TimeZone) -> String {
        // Making a formatter costs about 60 µs (ICU set-up), far more than using one:
        // lists of thousands of records reuse one per zone.
        formatterLock.withLock {
            let f: ISO8601DateFormatter
            if let cached = formatters[zone.identifier] {
                f = cached
            } else {
                f = ISO8601DateFormatter()
                f.timeZone = zone
                f.formatOptions = [.withInternetDateTime]
                formatters[zone.identifier] = f
            }
            return f.string(from: date)
        }
    }

    private static let formatterLock = NSLock()
    nonisolated(unsafe) private static var formatters: [String: ISO8601DateFormatter] = [:]

    /// `2026-03-29 09:30 +02:00` (text output).
    public static func dateTime(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d ", c.year!, c.month!, c.day!, c.hour!, c.minute!) + offset(date, in: zone)
    }

    /// `+02:00`.
    public static func offset(_ date: Date, in zone: TimeZone) -> String {
        let seconds = zone.secondsFromGMT(for: date)
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return String(format: "%@%02d:%02d", sign, minutes / 60, minutes % 60)
    }
}
