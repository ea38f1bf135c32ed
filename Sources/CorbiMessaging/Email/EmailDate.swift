import Foundation

/// Reads the `Date` of a message (RFC 5322 §3.3, with the obsolete zone names).
enum EmailDate {
    static func parse(_ value: String) -> Date? {
        // Comments like "(CET)" and a leading weekday are not needed to know the instant.
        var text = value.replacingOccurrences(of: "\\([^)]*\\)", with: "", options: .regularExpression)
        if let comma = text.firstIndex(of: ",") { text = String(text[text.index(after: comma)...]) }
        text = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        let zones = ["UT": "+0000", "GMT": "+0000", "Z": "+0000", "EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
                     "MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700"]
        var words = text.split(separator: " ").map(String.init)
        if let last = words.last, let offset = zones[last.uppercased()] { words[words.count - 1] = offset }
        text = words.joined(separator: " ")
        for format in ["d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm Z", "d MMM yy HH:mm:ss Z", "d MMM yy HH:mm Z"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
