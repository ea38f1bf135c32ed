import CorbiCore
import Foundation

/// Text from the records as an answer shows it. Names, titles, errors and message texts
/// come from outside (typed, imported, sent by a provider): a control character could
/// act on a terminal, so none reaches an answer; long texts are cut.
enum RecordText {
    /// One line: control and bidirectional-control characters become U+FFFD, line breaks
    /// and tabs spaces; at most `limit` characters.
    static func clean(_ text: String, limit: Int = 200) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x0D, 0x09: out.append(" ")
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: out.append("\u{FFFD}")
            default: out.append(scalar)
            }
        }
        let line = String(out)
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }

    /// "1 booking", "3 bookings".
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? singular : plural ?? singular + "s")
    }

    /// `Tue 2026-03-31 09:00-09:30 +02:00`, as `bookings list` shows a booking's time.
    static func when(_ start: Date, _ end: Date, zone: TimeZone) -> String {
        let s = DateFormatting.dateTime(start, in: zone)
        let e = DateFormatting.dateTime(end, in: zone)
        let weekday = DateFormatting.weekdayName(start, in: zone)
        if s.prefix(10) == e.prefix(10) && s.suffix(6) == e.suffix(6) {
            return "\(weekday) \(s.prefix(16))-\(e.dropFirst(11))"
        }
        return "\(weekday) \(s) - \(e)"
    }

    /// `Mon 2026-03-30 14:02 +02:00`.
    static func moment(_ date: Date, zone: TimeZone) -> String {
        DateFormatting.weekdayName(date, in: zone) + " " + DateFormatting.dateTime(date, in: zone)
    }

    /// The readable text of an inbound payload, as `inbound list` shows it: its "text"
    /// (or "body") field, else the JSON.
    static func inboundText(_ payload: JSONValue) -> String {
        if case .object(let fields) = payload {
            for key in ["text", "body"] {
                if case .string(let text)? = fields[key] { return text }
            }
        }
        return payload.canonicalString
    }

    /// What a channel's identifier is called.
    static func identifierName(_ channel: Channel) -> String {
        switch channel {
        case .whatsapp: "WhatsApp number"
        case .email: "email address"
        case .telegram: "Telegram chat id"
        case .instagram: "Instagram id"
        }
    }
}
