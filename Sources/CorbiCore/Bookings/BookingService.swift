import Foundation
import GRDB

/// What `book` is asked for, as the user typed it: times are read inside the service, in
/// the organization's zone, so refusals of bad input are audited like any other.
public struct BookingInput: Sendable {
    /// A contact id, email, phone or part of a name.
    public var contact: String
    public var start: String
    /// `30m`, `1h30m`; 30 minutes when neither this nor `end` is given.
    public var duration: String?
    public var end: String?
    public var title: String?
    public var location: String?
    public var notes: String?
    /// Book as confirmed rather than pending.
    public var confirm: Bool
    public var allowOverlap: Bool
    public var allowPast: Bool

    public init(
        contact: String, start: String, duration: String? = nil, end: String? = nil, title: String? = nil,
        location: String? = nil, notes: String? = nil, confirm: Bool = false, allowOverlap: Bool = false,
        allowPast: Bool = false
    ) {
        self.contact = contact
        self.start = start
        self.duration = duration
        self.end = end
        self.title = title
        self.location = location
        self.notes = notes
        self.confirm = confirm
        self.allowOverlap = allowOverlap
        self.allowPast = allowPast
    }
}

/// A new time for a booking.
public struct RescheduleInput: Sendable {
    public var start: String
    /// Keeps the booking's length when neither this nor `end` is given.
    public var duration: String?
    public var end: String?
    public var allowOverlap: Bool
    public var allowPast: Bool

    public init(start: String, duration: String? = nil, end: String? = nil, allowOverlap: Bool = false, allowPast: Bool = false) {
        self.start = start
        self.duration = duration
        self.end = end
        self.allowOverlap = allowOverlap
        self.allowPast = allowPast
    }
}

/// New words for a booking; nil leaves a field as it is, "" clears a location or notes
/// (and gives the default title back).
public struct BookingUpdate: Sendable {
    public var title: String?
    public var location: String?
    public var notes: String?
    public var allowOverlap: Bool

    public init(title: String? = nil, location: String? = nil, notes: String? = nil, allowOverlap: Bool = false) {
        self.title = title
        self.location = location
        self.notes = notes
        self.allowOverlap = allowOverlap
    }

    public var isEmpty: Bool { title == nil && location == nil && notes == nil }
}

/// Which bookings a list or an export covers. Bounds are typed like any time; a day on
/// its own means the whole day (`--to fri` includes Friday).
public struct BookingFilter: Sendable {
    public var from: String?
    public var to: String?
    /// Only today (in the organization's zone).
    public var today: Bool
    /// Today and the six days after it.
    public var week: Bool
    /// Only bookings that have not ended yet.
    public var upcoming: Bool
    /// A contact reference.
    public var contact: String?
    /// pending, confirmed, cancelled, or live (pending and confirmed).
    public var status: String?

    public init(
        from: String? = nil, to: String? = nil, today: Bool = false, week: Bool = false, upcoming: Bool = false,
        contact: String? = nil, status: String? = nil
    ) {
        self.from = from
        self.to = to
        self.today = today
        self.week = week
        self.upcoming = upcoming
        self.contact = contact
        self.status = status
    }
}

extension AppDatabase {
    /// The default length of a booking.
    public static let defaultBookingDuration: TimeInterval = 30 * 60

    // MARK: - Changes

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
            return BookingDetail(booking: booking, contactName: contact.fullName)
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
            return BookingDetail(booking: booking, contactName: before.contactName)
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
            guard !update.isEmpty else { throw CorbiError.usage("Give --title, --location or --notes.") }
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
            return BookingDetail(booking: booking, contactName: before.contactName)
        }
        return finish(actor, detail, notes: notes, calendar: calendar)
    }

    // MARK: - Reading

    /// One booking of the actor's organization (66 if none, or another organization's).
    public func booking(_ actor: Actor, id: String) throws -> BookingDetail {
        do {
            let bookingId = try Self.bookingId(id)
            return try read(actor) { db in try fetchDetail(db, actor: actor, id: bookingId) }
        } catch let error as CorbiError {
            try? auditRefusal(actor, entry: AuditEntry(action: "bookings.show", target: "booking:\(id)"), error: error)
            throw error
        }
    }

    /// The bookings the filter covers, by start time.
    public func bookings(_ actor: Actor, _ filter: BookingFilter) throws -> [BookingDetail] {
        do {
            return try read(actor) { db in
                let (clause, arguments) = try filterClause(db, actor: actor, filter)
                return try fetchDetails(db, where: clause, arguments: arguments)
            }
        } catch let error as CorbiError where error.isRefusal {
            try? auditRefusal(actor, entry: AuditEntry(action: "bookings.list"), error: error)
            throw error
        }
    }

    /// Writes the bookings the filter covers as one VCALENDAR (cancelled ones only if
    /// the filter asks for them by status). Audited, as data leaving the system.
    public func exportBookings(_ actor: Actor, _ filter: BookingFilter) throws -> (ics: String, count: Int) {
        try perform(actor, "bookings.export", requires: .read) { db, entry in
            var filter = filter
            if filter.status == nil { filter.status = "live" }
            let (clause, arguments) = try filterClause(db, actor: actor, filter)
            let details = try fetchDetails(db, where: clause, arguments: arguments)
            entry.details = ["format": "ics", "events": .int(Int64(details.count))]
            let ics = ICSWriter.calendar(
                details, zone: actor.organization.timeZone, stamp: environment.now(), name: actor.organization.name)
            return (ics, details.count)
        }
    }

    /// How many of the organization's bookings wait for their calendar file.
    public func unsyncedBookingCount(_ actor: Actor) throws -> Int {
        try read(actor) { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM booking WHERE organizationId = ? AND calendarSynced = 0",
                arguments: [actor.organizationId]) ?? 0
        }
    }

    // MARK: - Calendar

    /// Writes the calendar file of every unsynced booking of the organization and marks
    /// it synced. Runs in a write transaction so that two processes never write older
    /// versions over newer ones; a failure leaves the booking unsynced for the next try.
    /// Returns warnings for people (empty when all is well).
    @discardableResult
    public func syncCalendar(_ actor: Actor, calendar: VdirCalendar) -> [String] {
        // Most commands find nothing to do: check without taking the write lock.
        if let waiting = try? unsyncedBookingCount(actor), waiting == 0 { return [] }
        do {
            return try writer.write { db -> [String] in
                let pending = try fetchDetails(
                    db, where: "booking.organizationId = ? AND booking.calendarSynced = 0", arguments: [actor.organizationId])
                var failed: [Int64] = []
                var reason = ""
                for detail in pending {
                    do {
                        try calendar.write(
                            detail, zone: actor.organization.timeZone, stamp: environment.now(),
                            calendarName: actor.organization.name)
                        try db.execute(
                            sql: "UPDATE booking SET calendarSynced = 1 WHERE id = ? AND sequence = ?",
                            arguments: [detail.booking.id!, detail.booking.sequence])
                    } catch {
                        failed.append(detail.booking.id!)
                        if reason.isEmpty { reason = "\(error)" }
                    }
                }
                guard !failed.isEmpty else { return [] }
                let which = failed.count == 1 ? "booking #\(failed[0])" : "\(failed.count) bookings (" + failed.prefix(5).map { "#\($0)" }.joined(separator: ", ") + (failed.count > 5 ? ", ..." : "") + ")"
                return ["The calendar file of \(which) could not be written: \(reason) The booking is saved and marked unsynced; the next booking command retries."]
            }
        } catch {
            let reason = (error as? DatabaseError).map { CorbiError($0).description } ?? "\(error)"
            return ["The calendar was not updated: \(reason) The next booking command retries."]
        }
    }

    /// After a change committed: writes the calendar and gathers what to tell people.
    private func finish(_ actor: Actor, _ detail: BookingDetail, notes: [String], calendar: VdirCalendar?) -> BookingOutcome {
        var detail = detail
        var warnings: [String] = []
        if let calendar {
            warnings = syncCalendar(actor, calendar: calendar)
            if let synced = try? writer.read({ db in
                try Bool.fetchOne(db, sql: "SELECT calendarSynced FROM booking WHERE id = ?", arguments: [detail.booking.id!])
            }) ?? nil {
                detail.booking.calendarSynced = synced
            }
        }
        return BookingOutcome(detail: detail, notes: notes, calendarWarnings: warnings)
    }

    // MARK: - Rules

    /// The start and end of a booking from what the user typed.
    static func interval(
        start startText: String, duration: String?, end endText: String?, defaultDuration: TimeInterval, zone: TimeZone, now: Date
    ) throws -> (Date, Date, [String]) {
        if duration != nil && endText != nil {
            throw CorbiError.invalid("Give --duration or --end, not both.")
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
                "\(DateFormatting.dateTime(start, in: zone)) is in the past (it is now \(DateFormatting.dateTime(now, in: zone))); add --allow-past to book it anyway.")
        }
    }

    /// Puts the bookings a change was allowed to overlap on the audit record and in the
    /// notes shown to the user.
    static func record(_ overlaps: [BookingDetail], in details: inout [String: JSONValue], notes: inout [String]) {
        guard !overlaps.isEmpty else { return }
        details["overlaps"] = .array(overlaps.map { .int($0.booking.id!) })
        notes.append("Booked over " + overlaps.map { "#\($0.booking.id!)" }.joined(separator: ", ") + " as allowed (--allow-overlap).")
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
        let advice = "Choose another time, cancel it first, or add --allow-overlap."
        if clash.booking.contactId == booking.contactId {
            throw CorbiError.invalid("\(contactName) already has booking #\(clash.booking.id!) (\(clash.booking.title)) \(when). \(advice)")
        }
        throw CorbiError.invalid(
            "\(clash.booking.location ?? "The location") is taken by booking #\(clash.booking.id!) (\(clash.booking.title), \(clash.contactName)) \(when). \(advice)")
    }

    static func title(_ text: String?) throws -> String {
        try cleanText(text, field: "title", maxLength: 200) ?? "Appointment"
    }

    /// Trimmed text, nil when blank; 65 if too long or (for one-line fields) multi-line.
    static func cleanText(_ text: String?, field: String, maxLength: Int, multiline: Bool = false) throws -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        guard trimmed.count <= maxLength else {
            throw CorbiError.invalid("The \(field) is too long (\(trimmed.count) characters; at most \(maxLength)).")
        }
        guard multiline || !trimmed.contains(where: \.isNewline) else {
            throw CorbiError.invalid("The \(field) must be one line.")
        }
        return trimmed
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

    // MARK: - Queries

    func filterClause(_ db: Database, actor: Actor, _ filter: BookingFilter) throws -> (String, StatementArguments) {
        let zone = actor.organization.timeZone
        let now = environment.now()
        var clauses = ["booking.organizationId = ?"]
        var arguments: StatementArguments = [actor.organizationId]
        var from: Date?
        var to: Date?
        if filter.today || filter.week {
            if filter.today && filter.week { throw CorbiError.invalid("Give --today or --week, not both.") }
            from = TimeInput.startOfDay(containing: now, in: zone)
            to = TimeInput.startOfDay(containing: now, in: zone, addingDays: filter.today ? 1 : 7)
        }
        if let text = filter.from { from = try TimeInput.bound(text, in: zone, now: now, endOfDay: false) }
        if let text = filter.to { to = try TimeInput.bound(text, in: zone, now: now, endOfDay: true) }
        // "--from fri --to tue": the Tuesday after that Friday.
        if let start = from, let end = to, end <= start, let text = filter.to,
            TimeInput.weekdays[TimeInput.normalize(text).replacingOccurrences(of: "next ", with: "")] != nil
        {
            to = TimeInput.startOfDay(containing: end, in: zone, addingDays: 7)
        }
        if filter.upcoming { from = max(from ?? now, now) }
        if let from, let to, to <= from {
            throw CorbiError.invalid(
                "The range ends (\(DateFormatting.dateTime(to, in: zone))) before it starts (\(DateFormatting.dateTime(from, in: zone))).")
        }
        // Bookings that overlap the range, not only those starting in it.
        if let from {
            clauses.append("booking.\"end\" > ?")
            arguments += [from]
        }
        if let to {
            clauses.append("booking.start < ?")
            arguments += [to]
        }
        if let ref = filter.contact {
            let contact = try resolveContact(db, actor: actor, ref: ref)
            clauses.append("booking.contactId = ?")
            arguments += [contact.id!]
        }
        if let status = filter.status?.trimmingCharacters(in: .whitespaces).lowercased(), status != "all" {
            if status == "live" {
                clauses.append("booking.status <> 'cancelled'")
            } else {
                do {
                    arguments += [try BookingStatus.parse(status).rawValue]
                } catch {
                    throw CorbiError.invalid("Unknown booking status '\(status)': use pending, confirmed, cancelled, live or all.")
                }
                clauses.append("booking.status = ?")
            }
        }
        return (clauses.joined(separator: " AND "), arguments)
    }

    func fetchDetails(_ db: Database, where clause: String, arguments: StatementArguments, limit: Int? = nil) throws -> [BookingDetail] {
        var sql = """
            SELECT booking.*, contact.fullName AS contactName FROM booking
            JOIN contact ON contact.id = booking.contactId
            WHERE \(clause) ORDER BY booking.start, booking.id
            """
        if let limit { sql += " LIMIT \(limit)" }
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            BookingDetail(booking: try Booking(row: row), contactName: row["contactName"])
        }
    }

    func fetchDetail(_ db: Database, actor: Actor, id: Int64) throws -> BookingDetail {
        guard let detail = try fetchDetails(
            db, where: "booking.id = ? AND booking.organizationId = ?", arguments: [id, actor.organizationId]
        ).first else {
            throw CorbiError.notFound("No booking #\(id).")
        }
        return detail
    }
}
