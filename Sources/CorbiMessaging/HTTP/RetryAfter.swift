import Foundation

/// Reads an HTTP `Retry-After` value (RFC 9110 §10.2.3): a number of seconds, or an
/// HTTP-date (IMF-fixdate, or the obsolete RFC 850 and asctime forms).
public enum RetryAfter {
    /// The delay in seconds from `now` (never negative); nil when the value is neither form.
    public static func seconds(_ value: String, now: Date = Date()) -> TimeInterval? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // A huge number of seconds still means "much later", not an overflow.
            return text.count > 12 ? 999_999_999_999 : TimeInterval(text)
        }
        guard let date = httpDate(text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// Parses an HTTP-date in any of its three forms.
    static func httpDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss 'GMT'", "EEEE, dd-MMM-yy HH:mm:ss 'GMT'", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            formatter.isLenient = false
            let collapsed = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            if let date = formatter.date(from: collapsed) { return date }
        }
        return nil
    }
}
