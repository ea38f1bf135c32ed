import Foundation
import GRDB

/// Reading bookings: one booking, lists by filter, the calendar export, and the queries
/// other services use (drafts read a contact's booking through ``liveBooking(_:actor:id:of:)``).
extension AppDatabase {
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

    func filterClause(_ db: Database, actor: Actor, _ filter: BookingFilter) throws -> (String, StatementArguments) {
        let zone = actor.organization.timeZone
        let now = environment.now()
        var clauses = ["booking.organizationId = ?"]
        var arguments: StatementArguments = [actor.organizationId]
        var from: Date?
        var to: Date?
        if filter.today || filter.week {
            if filter.today && filter.week { throw CorbiError.invalid("Give today or this week, not both.", hints: [.today, .week]) }
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
        // Upcoming means what will still happen: a cancelled booking will not.
        var status = filter.status
        if filter.upcoming && status == nil { status = "live" }
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
        if let status = status?.trimmingCharacters(in: .whitespaces).lowercased(), status != "all" {
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
            SELECT booking.*, contact.fullName AS contactName, user.email AS createdByEmail FROM booking
            JOIN contact ON contact.id = booking.contactId
            LEFT JOIN user ON user.id = booking.createdBy
            WHERE \(clause) ORDER BY booking.start, booking.id
            """
        if let limit { sql += " LIMIT \(limit)" }
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            BookingDetail(booking: try Booking(row: row), contactName: row["contactName"], createdByEmail: row["createdByEmail"])
        }
    }

    /// A live booking of `contact` for a draft's `booking_*` variables: 66 if the
    /// organization has no such booking, 65 if it is another contact's or cancelled.
    func liveBooking(_ db: Database, actor: Actor, id: String, of contact: Contact) throws -> BookingDetail {
        let detail = try fetchDetail(db, actor: actor, id: try Self.bookingId(id))
        let bookingId = detail.booking.id!
        guard detail.booking.contactId == contact.id else {
            throw CorbiError.invalid("Booking #\(bookingId) belongs to another contact, not \(contact.label).")
        }
        guard detail.booking.status.isLive else { throw CorbiError.invalid("Booking #\(bookingId) is cancelled.") }
        return detail
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
