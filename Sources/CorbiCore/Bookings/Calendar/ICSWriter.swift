import Foundation

/// Writes bookings as iCalendar (RFC 5545): CRLF line ends, lines folded at 75 octets
/// without splitting a UTF-8 character, TEXT values escaped, times with the
/// organization's TZID and a VTIMEZONE describing its offsets over the events' span.
public enum ICSWriter {
    /// The product identifier calendars see.
    public static let productId = "-//Corbi//Bookings 1.0//EN"

    /// A VCALENDAR holding one VEVENT per booking. `name` becomes the calendar's display
    /// name (for imports); `stamp` is the DTSTAMP of every event (the time of writing).
    public static func calendar(_ bookings: [BookingDetail], zone: TimeZone, stamp: Date, name: String? = nil) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:\(productId)", "CALSCALE:GREGORIAN"]
        if let name {
            lines.append("X-WR-CALNAME:\(escape(name))")
            lines.append("X-WR-TIMEZONE:\(zone.identifier)")
        }
        let useUTC = zone.identifier == "UTC" || zone.identifier == "GMT"
        if !bookings.isEmpty, !useUTC {
            let earliest = bookings.map(\.booking.start).min()!
            let latest = bookings.map(\.booking.end).max()!
            lines += timezone(zone, from: earliest, to: latest)
        }
        for detail in bookings {
            lines += event(detail, zone: useUTC ? nil : zone, stamp: stamp)
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// One VEVENT's lines (unfolded). Without a zone, or for a time in the second pass of
    /// a repeated hour, times are written in UTC.
    static func event(_ detail: BookingDetail, zone: TimeZone?, stamp: Date) -> [String] {
        let b = detail.booking
        var lines = [
            "BEGIN:VEVENT",
            "UID:\(b.externalCalendarId)",
            "DTSTAMP:\(utc(stamp))",
            "CREATED:\(utc(b.createdAt))",
            "LAST-MODIFIED:\(utc(b.updatedAt))",
        ]
        if let zone, isUnambiguous(b.start, zone), isUnambiguous(b.end, zone) {
            lines.append("DTSTART;TZID=\(zone.identifier):\(local(b.start, zone))")
            lines.append("DTEND;TZID=\(zone.identifier):\(local(b.end, zone))")
        } else {
            lines.append("DTSTART:\(utc(b.start))")
            lines.append("DTEND:\(utc(b.end))")
        }
        lines.append("SUMMARY:\(escape("\(b.title) – \(detail.contactName)"))")
        if let location = b.location { lines.append("LOCATION:\(escape(location))") }
        if let notes = b.notes { lines.append("DESCRIPTION:\(escape(notes))") }
        let status: String
        switch b.status {
        case .pending: status = "TENTATIVE"
        case .confirmed: status = "CONFIRMED"
        case .cancelled: status = "CANCELLED"
        }
        lines.append("STATUS:\(status)")
        lines.append("SEQUENCE:\(b.sequence)")
        lines.append("TRANSP:\(b.status == .cancelled ? "TRANSPARENT" : "OPAQUE")")
        lines.append("END:VEVENT")
        return lines
    }

    /// Whether the local time of `date` names it alone: in the hour clocks repeat, a local
    /// time means its first occurrence (RFC 5545 3.3.5), so the second needs UTC.
    static func isUnambiguous(_ date: Date, _ zone: TimeZone) -> Bool {
        let t = date.timeIntervalSince1970
        let wall = t + TimeInterval(zone.secondsFromGMT(for: date))
        // An earlier instant showing the same wall time means this is the second pass.
        for probe in [t - 86_400, t + 86_400] {
            let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: probe))
            let candidate = wall - TimeInterval(offset)
            if candidate < t, zone.secondsFromGMT(for: Date(timeIntervalSince1970: candidate)) == offset { return false }
        }
        return true
    }

    /// A VTIMEZONE with one observance per offset change from the one in force at
    /// `from` through `to` (no RRULEs: each change is stated, which every reader takes).
    static func timezone(_ zone: TimeZone, from: Date, to: Date) -> [String] {
        var lines = ["BEGIN:VTIMEZONE", "TZID:\(zone.identifier)"]
        // The change in force at `from`: look back up to two years.
        let transitions = Self.transitions(in: zone, from: from.addingTimeInterval(-2 * 366 * 86_400), to: to)
        let inForce = transitions.last(where: { $0 <= from })
        let relevant = transitions.filter { inForce == nil ? $0 > from : $0 >= inForce! }
        if inForce == nil {
            // No change before `from` in two years: one observance from 1970 on.
            let offset = zone.secondsFromGMT(for: from)
            lines += observance(
                daylight: zone.isDaylightSavingTime(for: from), start: "19700101T000000", offsetFrom: offset,
                offsetTo: offset, name: zone.abbreviation(for: from))
        }
        for t in relevant {
            let before = zone.secondsFromGMT(for: t.addingTimeInterval(-1))
            let after = zone.secondsFromGMT(for: t)
            // DTSTART of an observance is the local time of the change in the old offset.
            let start = local(t, offset: before)
            lines += observance(
                daylight: zone.isDaylightSavingTime(for: t),
                start: start, offsetFrom: before, offsetTo: after, name: zone.abbreviation(for: t))
        }
        lines.append("END:VTIMEZONE")
        return lines
    }

    static func observance(daylight: Bool, start: String, offsetFrom: Int, offsetTo: Int, name: String?) -> [String] {
        let kind = daylight ? "DAYLIGHT" : "STANDARD"
        var lines = ["BEGIN:\(kind)", "DTSTART:\(start)", "TZOFFSETFROM:\(offsetString(offsetFrom))", "TZOFFSETTO:\(offsetString(offsetTo))"]
        // Platforms without abbreviations answer "GMT+1", which readers may take for POSIX's
        // inverted sign: better no name than a misleading one.
        if let name, !name.isEmpty, !name.hasPrefix("GMT+"), !name.hasPrefix("GMT-") {
            lines.append("TZNAME:\(escape(name))")
        }
        lines.append("END:\(kind)")
        return lines
    }

    /// Instants in (from, to] where the zone's offset changes, found day by day and then
    /// to the second (independent of the platform's transition tables API).
    static func transitions(in zone: TimeZone, from: Date, to: Date) -> [Date] {
        var result: [Date] = []
        var cursor = from
        var offset = zone.secondsFromGMT(for: cursor)
        while cursor < to {
            let next = min(cursor.addingTimeInterval(86_400), to)
            let nextOffset = zone.secondsFromGMT(for: next)
            if nextOffset != offset {
                result.append(TimeInput.findTransition(from: cursor, to: next, in: zone))
                offset = nextOffset
            }
            cursor = next
        }
        return result
    }

    // MARK: - Values

    /// Escapes a TEXT value: backslash, semicolon, comma and newlines; other control
    /// characters are dropped (RFC 5545 TEXT allows none but tab).
    public static func escape(_ text: String) -> String {
        var out = ""
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        for scalar in normalized.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": out += "\\n"
            case "\t": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Folds a content line into lines of at most 75 octets; continuation lines start
    /// with a space. Never splits a UTF-8 sequence (or a grapheme where avoidable).
    public static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var pieces: [String] = []
        var current = ""
        var currentBytes = 0
        var limit = 75
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if currentBytes + size > limit {
                pieces.append(current)
                current = ""
                currentBytes = 0
                limit = 74  // the leading space counts
            }
            current.unicodeScalars.append(scalar)
            currentBytes += size
        }
        pieces.append(current)
        return pieces.joined(separator: "\r\n ")
    }

    static func utc(_ date: Date) -> String { local(date, offset: 0) + "Z" }

    static func local(_ date: Date, _ zone: TimeZone) -> String { local(date, offset: zone.secondsFromGMT(for: date)) }

    /// `20260330T093000` of `date` shifted by `offset` seconds.
    static func local(_ date: Date, offset: Int) -> String {
        let f = DateFormatting.fields(date, offset: offset)
        let pad = DateFormatting.pad
        return "\(pad(f.year, 4))\(pad(f.month, 2))\(pad(f.day, 2))T\(pad(f.hour, 2))\(pad(f.minute, 2))\(pad(f.second, 2))"
    }

    /// `+0200`.
    static func offsetString(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return String(format: "%@%02d%02d", sign, minutes / 60, minutes % 60)
    }
}
