import Foundation
import GRDB

/// The rules of bookings, shared by every change: reading the interval, no booking in the
/// past unless allowed, no overlapping live bookings of one contact or location, clean
/// one-line titles and locations.
extension AppDatabase {
    /// The start and end of a booking from what the user typed.
    static func interval(
        start startText: String, duration: String?, end endText: String?, defaultDuration: TimeInterval, zone: TimeZone, now: Date
    ) throws -> (Date, Date, [String]) {
        if duration != nil && endText != nil {
            throw CorbiError.invalid("Give a duration or an end, not both.", hints: [.duration, .end])
        }
        let start = try TimeInput.instant(startText, in: zone, now: now)
        var notes = start.note.map { [$0] } ?? []
        let end: Date
        if let endText {
            let resolved = try TimeInput.end(endText, after: start.date, in: zone, now: now)
            if let note = resolved.note { notes.append(note) }
            end = resolved.date
        } else {
            end = start.date.addingTimeInterval(try duration.map(TimeInput.duration) ?? defaultDuration)
        }
        guard end > start.date else {
            throw CorbiError.invalid(
                "The end (\(DateFormatting.dateTime(end, in: zone))) must be after the start (\(DateFormatting.dateTime(start.date, in: zone))).")
        }
        return (start.date, end, notes)
    }

    /// `book Anna Schmidt tomorrow 9:30` typed without quotes: when the start does not read
    /// as a time but does without its first words, those words belong to the name.
    static func splitNameFromTime(contact: String, start: String, zone: TimeZone, now: Date) -> (String, String) {
        guard (try? TimeInput.instant(start, in: zone, now: now)) == nil else { return (contact, start) }
        let words = start.split(whereSeparator: \.isWhitespace).map(String.init)
        // Only words that look like a name move: letters (and ' - .), no time words.
        let timeWords: Set<String> = ["today", "tomorrow", "tmrw", "yesterday", "next", "in", "at", "now", "noon", "midnight"]
        func isNameWord(_ w: String) -> Bool {
            let lower = w.lowercased()
            return w.allSatisfy { $0.isLetter || "'’-.".contains($0) } && w.contains(where: \.isLetter)
                && !timeWords.contains(lower) && TimeInput.weekdays[lower] == nil && TimeInput.parseTime(lower) == nil
        }
        for count in 1..<max(words.count, 1) {
            guard isNameWord(words[count - 1]) else { break }
            let rest = words.dropFirst(count).joined(separator: " ")
            if (try? TimeInput.instant(rest, in: zone, now: now)) != nil {
                return (([contact] + words.prefix(count)).joined(separator: " "), rest)
            }
        }
        return (contact, start)
    }

    static func checkNotPast(_ start: Date, allowPast: Bool, zone: TimeZone, now: Date) throws {
        guard allowPast || start >= now else {
            throw CorbiError.invalid(
                "\(DateFormatting.dateTime(start, in: zone)) is in the past (it is now \(DateFormatting.dateTime(now, in: zone))); allow a past time to book it anyway.",
                hints: [.allowPast])
        }
    }

    /// Puts the bookings a change was allowed to overlap on the audit record and in the
    /// notes shown to the user.
    static func record(_ overlaps: [BookingDetail], in details: inout [String: JSONValue], notes: inout [String]) {
        guard !overlaps.isEmpty else { return }
        details["overlaps"] = .array(overlaps.map { .int($0.booking.id!) })
        notes.append("Booked over " + overlaps.map { "#\($0.booking.id!)" }.joined(separator: ", ") + " as allowed.")
    }

    /// Refuses (65) a slot that overlaps a live booking of the same contact or the same
    /// location (case-insensitive), naming it; with `allowOverlap`, returns the overlaps.
    func checkSlot(_ db: Database, booking: Booking, contactName: String, allowOverlap: Bool, zone: TimeZone) throws -> [BookingDetail] {
        let clashes = try fetchDetails(
            db,
            where: """
                booking.organizationId = ? AND booking.status <> 'cancelled' AND booking.id IS NOT ?
                AND booking.start < ? AND ? < booking."end"
                AND (booking.contactId = ? OR (? IS NOT NULL AND booking.location IS NOT NULL AND lower(booking.location) = lower(?)))
                """,
            arguments: [
                booking.organizationId, booking.id, booking.end, booking.start, booking.contactId, booking.location,
                booking.location,
            ], limit: 5)
        guard let clash = clashes.first, !allowOverlap else { return clashes }
        let when = DateFormatting.range(clash.booking.start, clash.booking.end, in: zone)
        let advice = "Choose another time, cancel it first, or allow the overlap."
        if clash.booking.contactId == booking.contactId {
            throw CorbiError.invalid(
                "\(contactName) already has booking #\(clash.booking.id!) (\(clash.booking.title)) \(when). \(advice)",
                hints: [.allowOverlap])
        }
        throw CorbiError.invalid(
            "\(clash.booking.location ?? "The location") is taken by booking #\(clash.booking.id!) (\(clash.booking.title), \(clash.contactName)) \(when). \(advice)",
            hints: [.allowOverlap])
    }

    static func title(_ text: String?) throws -> String {
        try cleanText(text, field: "title", maxLength: 200) ?? "Appointment"
    }

    /// Trimmed text, nil when blank; 65 if too long or (for one-line fields) multi-line.
    static func cleanText(_ text: String?, field: String, maxLength: Int, multiline: Bool = false) throws -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return try Validation.text(trimmed, field: field, maxLength: maxLength, multiline: multiline)
    }

    /// `12` or `#12`.
    static func bookingId(_ text: String) throws -> Int64 {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let id = Int64(t.hasPrefix("#") ? String(t.dropFirst()) : t), id > 0 else {
            throw CorbiError.invalid("'\(text)' is not a booking id (a number, like 12).")
        }
        return id
    }

    static func auditDetails(_ b: Booking, zone: TimeZone) -> [String: JSONValue] {
        [
            "contactId": .int(b.contactId), "title": .string(b.title),
            "start": .string(DateFormatting.iso8601(b.start, in: zone)),
            "end": .string(DateFormatting.iso8601(b.end, in: zone)), "status": .string(b.status.rawValue),
            "location": .optional(b.location), "externalCalendarId": .string(b.externalCalendarId),
        ]
    }
}
