import Foundation
import GRDB

/// The changes to bookings: book, confirm, cancel, reschedule, update. Each is one
/// audited transaction; the calendar file follows after the commit
/// (`BookingCalendarSync.swift`).
extension AppDatabase {
    /// The default length of a booking.
    public static let defaultBookingDuration: TimeInterval = 30 * 60

    /// Books `input.contact` from `input.start`. In one write transaction: the contact is
    /// resolved, times read in the organization's zone, and the slot checked against the
    /// contact's and the location's live bookings. Then the calendar file is written (and
    /// any earlier unsynced ones); if that fails the booking stays saved and unsynced.
    public func book(_ actor: Actor, _ input: BookingInput, calendar: VdirCalendar?) throws -> BookingOutcome {
        var notes: [String] = []
        let detail = try perform(actor, "bookings.book", requires: .write) { db, entry in
            let zone = actor.organization.timeZone
            let now = environment.now()
            let (contactRef, startText) = Self.splitNameFromTime(contact: input.contact, start: input.start, zone: zone, now: now)
            let contact = try resolveContact(db, actor: actor, ref: contactRef)
            entry.target = "contact:\(contact.id!)"
            let (start, end, timeNotes) = try Self.interval(
                start: startText, duration: input.duration, end: input.end, defaultDuration: Self.defaultBookingDuration,
                zone: zone, now: now)
            notes += timeNotes
            try Self.checkNotPast(start, allowPast: input.allowPast, zone: zone, now: now)
            var booking = Booking(
                organizationId: actor.organizationId, contactId: contact.id!, title: try Self.title(input.title),
                start: start, end: end, status: input.confirm ? .confirmed : .pending,
                location: try Self.cleanText(input.location, field: "location", maxLength: 200),
                notes: try Self.cleanText(input.notes, field: "notes", maxLength: 4000, multiline: true),
                externalCalendarId: environment.makeID() + "@" + actor.organization.domain,
                allowOverlap: input.allowOverlap, createdBy: actor.userId, createdAt: now, updatedAt: now)
            let overlaps = try checkSlot(db, booking: booking, contactName: contact.fullName, allowOverlap: input.allowOverlap, zone: zone)
            try booking.insert(db)
            entry.target = "booking:\(booking.id!)"
            entry.details = Self.auditDetails(booking, zone: zone)
            if input.allowOverlap { entry.details["allowOverlap"] = true }
            if input.allowPast { entry.details["allowPast"] = true }
            Self.record(overlaps, in: &entry.details, notes: &notes)
            if !timeNotes.isEmpty { entry.details["notes"] = .array(timeNotes.map(JSONValue.string)) }
            return BookingDetail(booking: booking, contactName: contact.fullName, createdByEmail: actor.user?.email)
        }
        return finish(actor, detail, notes: notes, calendar: calendar)
    }

    /// Confirms a pending booking (compare-and-swap: only from pending).
    public func confirmBooking(_ actor: Actor, id: String, calendar: VdirCalendar?) throws -> BookingOutcome {
        let detail = try perform(actor, "bookings.confirm", requires: .write, target: "booking:\(id)") { db, entry in
            let bookingId = try Self.bookingId(id)
            entry.target = "booking:\(bookingId)"
            let now = environment.now()
            try db.execute(
                sql: """
                    UPDATE booking SET status = 'confirmed', sequence = sequence + 1, calendarSynced = 0, updatedAt = ?
                    WHERE id = ? AND organizationId = ? AND status = 'pending'
                    """, arguments: [now, bookingId, actor.organizationId])
            let changed = db.changesCount
            let detail = try fetchDetail(db, actor: actor, id: bookingId)
            if changed == 0 {
                throw CorbiError.invalid("Booking #\(bookingId) is \(detail.booking.status.rawValue), not pending; only a pending booking can be confirmed.")
            }
            entry.details = ["status": "confirmed", "from": "pending"]
            return detail
        }
        return finish(actor, detail, notes: [], calendar: calendar)
    }

    /// Cancels a live booking, which frees its slot; its calendar event stays, cancelled.
    public func cancelBooking(_ actor: Actor, id: String, calendar: VdirCalendar?) throws -> BookingOutcome {
        let detail = try perform(actor, "bookings.cancel", requires: .write, target: "booking:\(id)") { db, entry in
            let bookingId = try Self.bookingId(id)
            entry.target = "booking:\(bookingId)"
            let before = try fetchDetail(db, actor: actor, id: bookingId)
            guard before.booking.status.isLive else {
                throw CorbiError.invalid("Booking #\(bookingId) is already cancelled.")
            }
            try db.execute(
                sql: """
                    UPDATE booking SET status = 'cancelled', sequence = sequence + 1, calendarSynced = 0, updatedAt = ?
                    WHERE id = ? AND organizationId = ? AND status <> 'cancelled'
                    """, arguments: [environment.now(), bookingId, actor.organizationId])
            entry.details = ["status": "cancelled", "from": .string(before.booking.status.rawValue)]
            return try fetchDetail(db, actor: actor, id: bookingId)
        }
        return finish(actor, detail, notes: [], calendar: calendar)
    }

    /// Moves a live booking to a new time, keeping its length unless told otherwise; the
    /// new slot is checked like a new booking's.
    public func rescheduleBooking(_ actor: Actor, id: String, _ input: RescheduleInput, calendar: VdirCalendar?) throws -> BookingOutcome {
        var notes: [String] = []
        let detail = try perform(actor, "bookings.reschedule", requires: .write, target: "booking:\(id)") { db, entry in
            let zone = actor.organization.timeZone
            let now = environment.now()
            let bookingId = try Self.bookingId(id)
            entry.target = "booking:\(bookingId)"
            let before = try fetchDetail(db, actor: actor, id: bookingId)
            guard before.booking.status.isLive else {
                throw CorbiError.invalid("Booking #\(bookingId) is cancelled; book a new one instead.")
            }
            let (start, end, timeNotes) = try Self.interval(
                start: input.start, duration: input.duration, end: input.end, defaultDuration: before.booking.duration,
                zone: zone, now: now)
            notes += timeNotes
            try Self.checkNotPast(start, allowPast: input.allowPast, zone: zone, now: now)
            var booking = before.booking
            booking.start = start
            booking.end = end
            booking.allowOverlap = input.allowOverlap
            let overlaps = try checkSlot(db, booking: booking, contactName: before.contactName, allowOverlap: input.allowOverlap, zone: zone)
            booking.sequence += 1
            booking.calendarSynced = false
            booking.updatedAt = now
            try booking.update(db)
            entry.details = [
                "from": .string(DateFormatting.iso8601(before.booking.start, in: zone)),
                "to": .string(DateFormatting.iso8601(start, in: zone)),
                "end": .string(DateFormatting.iso8601(end, in: zone)),
            ]
            if input.allowOverlap { entry.details["allowOverlap"] = true }
            if input.allowPast { entry.details["allowPast"] = true }
            Self.record(overlaps, in: &entry.details, notes: &notes)
            if !timeNotes.isEmpty { entry.details["notes"] = .array(timeNotes.map(JSONValue.string)) }
            return BookingDetail(booking: booking, contactName: before.contactName, createdByEmail: before.createdByEmail)
        }
        return finish(actor, detail, notes: notes, calendar: calendar)
    }

    /// Changes a live booking's title, location or notes. A new location is checked like
    /// a new booking (no overlap with the room's other live bookings, unless allowed); the
    /// calendar event is rewritten with a higher SEQUENCE.
    public func updateBooking(_ actor: Actor, id: String, _ update: BookingUpdate, calendar: VdirCalendar?) throws -> BookingOutcome {
        var notes: [String] = []
        let detail = try perform(actor, "bookings.update", requires: .write, target: "booking:\(id)") { db, entry in
            let zone = actor.organization.timeZone
            let bookingId = try Self.bookingId(id)
            entry.target = "booking:\(bookingId)"
            guard !update.isEmpty else { throw CorbiError.usage("Give a new title, location or notes.", hints: [.title, .location, .notes]) }
            let before = try fetchDetail(db, actor: actor, id: bookingId)
            guard before.booking.status.isLive else {
                throw CorbiError.invalid("Booking #\(bookingId) is cancelled; book a new one instead.")
            }
            var booking = before.booking
            if let title = update.title { booking.title = try Self.title(title) }
            if let location = update.location { booking.location = try Self.cleanText(location, field: "location", maxLength: 200) }
            if let text = update.notes { booking.notes = try Self.cleanText(text, field: "notes", maxLength: 4000, multiline: true) }
            var changes: [String: JSONValue] = [:]
            if booking.title != before.booking.title { changes["title"] = .string(booking.title) }
            if booking.location != before.booking.location { changes["location"] = .optional(booking.location) }
            if booking.notes != before.booking.notes { changes["notes"] = .optional(booking.notes) }
            guard !changes.isEmpty else {
                entry.details = ["unchanged": true]
                notes.append("Booking #\(bookingId) already reads like that; nothing changed.")
                return before
            }
            if changes["location"] != nil {
                booking.allowOverlap = update.allowOverlap
                let overlaps = try checkSlot(
                    db, booking: booking, contactName: before.contactName, allowOverlap: update.allowOverlap, zone: zone)
                Self.record(overlaps, in: &changes, notes: &notes)
            }
            booking.sequence += 1
            booking.calendarSynced = false
            booking.updatedAt = environment.now()
            try booking.update(db)
            entry.details = changes
            return BookingDetail(booking: booking, contactName: before.contactName, createdByEmail: before.createdByEmail)
        }
        return finish(actor, detail, notes: notes, calendar: calendar)
    }
}
