import Foundation

/// Small readings of typed text shared by the template and messaging services.
public enum MessagingText {
    /// `12` or `#12` as a record id; nil for anything else.
    public static func recordID(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        return Int64(t.hasPrefix("#") ? String(t.dropFirst()) : t)
    }

    /// The text, or nil when it is nil or blank.
    static func nonBlank(_ text: String?) -> String? {
        text.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
    }

    /// `2026-03-29` in `zone`.
    public static func day(_ date: Date, in zone: TimeZone) -> String {
        let c = components(date, zone)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// `09:30` in `zone`.
    public static func clock(_ date: Date, in zone: TimeZone) -> String {
        let c = components(date, zone)
        return String(format: "%02d:%02d", c.hour!, c.minute!)
    }

    private static func components(_ date: Date, _ zone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    }
}
