import Foundation
import GRDB

extension AppDatabase {
    /// The most days one monitoring request covers.
    public static let monitoringMaxDays = 1000

    /// One day of the actor's organization (every member); today when `day` is nil. The
    /// day is a calendar day as ``TimeInput/day(_:in:now:)`` reads it (its time is
    /// ignored). See ``monitoringSummaries(_:days:through:)`` for what each count means.
    public func monitoringSummary(_ actor: Actor, day: LocalDateTime? = nil) throws -> MonitoringSummary {
        try monitoringSummaries(actor, days: 1, through: day)[0]
    }

    /// The last `days` days of the actor's organization up to `last` (today when nil),
    /// oldest first (every member). Days are calendar days in the organization's time
    /// zone: from its midnight to the next, 23 or 25 hours long on the days the clocks
    /// change. Each kind of count is one query over the whole range, grouped by day, all
    /// in one read transaction.
    ///
    /// What each count means, for a day D:
    /// - `outbound.drafted`: messages created during D (whatever happened to them since).
    /// - `outbound.sent`, `delivered`, `read`, `failed`, `cancelled`: messages that
    ///   reached that status during D, by the time each was reached (`sentAt`,
    ///   `deliveredAt`, `readAt`, `failedAt`, `cancelledAt`); a message sent on D and read
    ///   the next day counts as sent on D and read on the next day. A message drafted on
    ///   one day and sent on the next counts as drafted on the first and sent on the second.
    /// - `outbound.pending`, `retrying`: messages in that status now whose next send is
    ///   due during D (the next attempt of a retrying message, else the scheduled time):
    ///   for today, what is still to go out today; for a past day, what was due then and
    ///   is still waiting.
    /// - `byChannel`: the same counts per channel (every channel present).
    /// - `successRate`: among messages first attempted during D (`firstAttemptAt`), those
    ///   now sent, delivered or read, divided by those plus those now failed; null when
    ///   there are none. Messages still pending or retrying are in neither.
    /// - `inbound.received`: messages received during D; `unknownSenders`: of those, the
    ///   ones with no contact (an unknown sender, or a contact deleted since); `optOuts`:
    ///   of those, the ones that were an opt-out word (`intent = 'optOut'`).
    /// - `bookings.created`, `confirmed`, `cancelled`: those actions taken during D, from
    ///   the audit trail (successful `bookings.book`; `bookings.confirm`, plus bookings
    ///   booked as confirmed; `bookings.cancel`), so bookings deleted since still count;
    ///   `scheduledToday`: bookings starting during D that are live (not cancelled) now.
    /// - `contacts.added`: contacts created during D that still exist.
    /// - `assistant.asked`: questions asked during D (`assistant.ask` events, failed ones
    ///   included); `answered`: of those, answered from the knowledge base; `refused`: of
    ///   those, declined for want of a supported answer. A question that failed (no
    ///   knowledge base, say) counts as asked only.
    public func monitoringSummaries(_ actor: Actor, days: Int, through last: LocalDateTime? = nil) throws -> [MonitoringSummary] {
        guard (1...Self.monitoringMaxDays).contains(days) else {
            throw CorbiError.invalid("The number of days must be from 1 to \(Self.monitoringMaxDays) (not \(days)).")
        }
        return try read(actor) { db in
            // The zone as it is now, not as it was when the actor was resolved.
            let organization = try Organization.fetchOne(db, key: actor.organizationId) ?? actor.organization
            let zone = organization.timeZone
            let given = last ?? TimeInput.day(of: environment.now(), in: zone)
            let last = LocalDateTime(year: given.year, month: given.month, day: given.day)
            let first = TimeInput.day(-(days - 1), after: last)
            let calendarDays = (0..<days).map { TimeInput.day($0, after: first) }
            var summaries = calendarDays.map { MonitoringSummary(organization: organization.domain, day: $0, timezone: organization.timezone) }
            let range = MonitoringRange(days: calendarDays, zone: zone)
            try MonitoringQueries(db: db, organizationId: actor.organizationId, range: range).fill(&summaries)
            return summaries
        }
    }

    /// Outbound messages by channel and status now, for the actor's organization (every
    /// member). Read from counters the schema keeps, so as cheap at a million messages as
    /// at ten; a combination never used has no row.
    public func outboundStatusCounts(_ actor: Actor) throws -> [OutboundStatusCount] {
        try read(actor) { db in try Self.outboundStatusCounts(db, organizationId: actor.organizationId) }
    }

    /// ``outboundStatusCounts(_:)`` for every organization, for a metrics endpoint that
    /// serves the whole database (no actor: it reveals counts and domains only).
    public func outboundStatusCountsOfAllOrganizations() throws -> [OutboundStatusCount] {
        do {
            return try writer.read { db in try Self.outboundStatusCounts(db, organizationId: nil) }
        } catch let error as DatabaseError {
            throw CorbiError(error)
        }
    }

    private static func outboundStatusCounts(_ db: Database, organizationId: Int64?) throws -> [OutboundStatusCount] {
        var sql = """
            SELECT c.organizationId, o.domain, c.channel, c.status, c.count FROM outboundStatusCount c
            JOIN organization o ON o.id = c.organizationId
            """
        var arguments: StatementArguments = []
        if let organizationId {
            sql += " WHERE c.organizationId = ?"
            arguments += [organizationId]
        }
        sql += " ORDER BY o.domain, c.channel, c.status"
        return try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap { row in
            guard let channel = Channel(rawValue: row["channel"]), let status = MessageStatus(rawValue: row["status"]) else { return nil }
            return OutboundStatusCount(organizationId: row["organizationId"], organization: row["domain"], channel: channel, status: status, count: row["count"])
        }
    }
}

/// The days of a monitoring request as half-open ranges of stored text: each boundary in
/// the two formats the schema stores instants in.
struct MonitoringRange {
    /// `WITH day(d, s, e, si, ei) AS (VALUES ...)`: day number, start and end as record
    /// dates (`yyyy-MM-dd HH:mm:ss.SSS`), and as audit dates (ISO 8601).
    let cte: String
    let arguments: StatementArguments

    init(days: [LocalDateTime], zone: TimeZone) {
        let bounds = days.map { TimeInput.interval(of: $0, in: zone).lowerBound } + [TimeInput.interval(of: days.last!, in: zone).upperBound]
        var arguments: StatementArguments = []
        var rows: [String] = []
        for index in days.indices {
            rows.append("(\(index), ?, ?, ?, ?)")
            arguments += [
                DatabaseDate.string(bounds[index]), DatabaseDate.string(bounds[index + 1]),
                AuditLog.timestamp(bounds[index]), AuditLog.timestamp(bounds[index + 1]),
            ]
        }
        cte = "WITH day(d, s, e, si, ei) AS (VALUES " + rows.joined(separator: ", ") + ")"
        self.arguments = arguments
    }
}

/// The queries behind a summary: one per kind, over every day at once. `day CROSS JOIN`
/// keeps the days as the outer loop, so each day is one range scan of an index that
/// starts with (organizationId, that time). Each query names its index: given more than
/// a few days, SQLite's planner preferred to build an automatic index over all of the
/// organization's rows (seconds at a million messages) to those range scans.
struct MonitoringQueries {
    let db: Database
    let organizationId: Int64
    let range: MonitoringRange

    /// The outbound counts read from a status time: (count, column).
    static var outboundTimes: [(WritableKeyPath<OutboundDayCounts, Int>, String, index: String)] { [
        (\.drafted, "createdAt", "outboundMessage_created"), (\.sent, "sentAt", "outboundMessage_sent"),
        (\.delivered, "deliveredAt", "outboundMessage_delivered"), (\.read, "readAt", "outboundMessage_read"),
        (\.failed, "failedAt", "outboundMessage_failed"), (\.cancelled, "cancelledAt", "outboundMessage_cancelled"),
    ] }

    func fill(_ summaries: inout [MonitoringSummary]) throws {
        for (field, column, index) in Self.outboundTimes {
            for row in try rows(
                """
                SELECT day.d, m.channel, count(*) AS n FROM day CROSS JOIN outboundMessage m INDEXED BY \(index)
                WHERE m.organizationId = ? AND m.\(column) IS NOT NULL AND m.\(column) >= day.s AND m.\(column) < day.e
                GROUP BY day.d, m.channel
                """)
            {
                add(row["n"], to: field, channel: row["channel"], day: row["d"], in: &summaries)
            }
        }
        for row in try rows(
            """
            SELECT day.d, m.channel, m.status, count(*) AS n FROM day CROSS JOIN outboundMessage m INDEXED BY outboundMessage_waiting
            WHERE m.organizationId = ? AND m.status IN ('pending', 'retrying')
              AND coalesce(m.nextAttemptAt, m.scheduledFor) >= day.s AND coalesce(m.nextAttemptAt, m.scheduledFor) < day.e
            GROUP BY day.d, m.channel, m.status
            """)
        {
            let status: String = row["status"]
            add(row["n"], to: status == "pending" ? \.pending : \.retrying, channel: row["channel"], day: row["d"], in: &summaries)
        }
        for row in try rows(
            """
            SELECT day.d, m.status, count(*) AS n FROM day CROSS JOIN outboundMessage m INDEXED BY outboundMessage_firstAttempt
            WHERE m.organizationId = ? AND m.firstAttemptAt IS NOT NULL AND m.firstAttemptAt >= day.s AND m.firstAttemptAt < day.e
            GROUP BY day.d, m.status
            """)
        {
            let d: Int = row["d"], n: Int = row["n"], status: String = row["status"]
            switch status {
            case "sent", "delivered", "read": summaries[d].succeeded += n
            case "failed": summaries[d].failedOfFirstAttempted += n
            default: break
            }
        }

        try count(
            "SELECT day.d, count(*) AS n FROM day CROSS JOIN inboundMessage i INDEXED BY inboundMessage_organization WHERE i.organizationId = ? AND i.receivedAt >= day.s AND i.receivedAt < day.e GROUP BY day.d",
            into: \.inbound.received, &summaries)
        try count(
            "SELECT day.d, count(*) AS n FROM day CROSS JOIN inboundMessage i INDEXED BY inboundMessage_unknown WHERE i.organizationId = ? AND i.contactId IS NULL AND i.receivedAt >= day.s AND i.receivedAt < day.e GROUP BY day.d",
            into: \.inbound.unknownSenders, &summaries)
        try count(
            "SELECT day.d, count(*) AS n FROM day CROSS JOIN inboundMessage i INDEXED BY inboundMessage_optOut WHERE i.organizationId = ? AND i.intent = 'optOut' AND i.receivedAt >= day.s AND i.receivedAt < day.e GROUP BY day.d",
            into: \.inbound.optOuts, &summaries)

        try count(events("bookings.book"), into: \.bookings.created, &summaries)
        try count(events("bookings.confirm"), into: \.bookings.confirmed, &summaries)
        try count(events("bookings.book", where: "json_extract(a.details, '$.status') = 'confirmed'"), into: \.bookings.confirmed, &summaries)
        try count(events("bookings.cancel"), into: \.bookings.cancelled, &summaries)
        try count(
            "SELECT day.d, count(*) AS n FROM day CROSS JOIN booking b INDEXED BY booking_organization_time WHERE b.organizationId = ? AND b.start >= day.s AND b.start < day.e AND b.status <> 'cancelled' GROUP BY day.d",
            into: \.bookings.scheduledToday, &summaries)

        try count(
            "SELECT day.d, count(*) AS n FROM day CROSS JOIN contact c INDEXED BY contact_created WHERE c.organizationId = ? AND c.createdAt >= day.s AND c.createdAt < day.e GROUP BY day.d",
            into: \.contacts.added, &summaries)

        for row in try rows(
            """
            SELECT day.d, count(*) AS asked,
                   count(*) FILTER (WHERE a.outcome = 'ok' AND json_extract(a.details, '$.answered') = 1) AS answered,
                   count(*) FILTER (WHERE a.outcome = 'ok' AND json_extract(a.details, '$.answered') = 0) AS refused
            FROM day CROSS JOIN auditEvent a INDEXED BY auditEvent_organization_action_at
            WHERE a.organizationId = ? AND a.action = 'assistant.ask' AND a.at >= day.si AND a.at < day.ei
            GROUP BY day.d
            """)
        {
            let d: Int = row["d"]
            summaries[d].assistant = AssistantDayCounts(asked: row["asked"], answered: row["answered"], refused: row["refused"])
        }
    }

    /// Successful audit events of one action per day.
    private func events(_ action: String, where extra: String? = nil) -> String {
        """
        SELECT day.d, count(*) AS n FROM day CROSS JOIN auditEvent a INDEXED BY auditEvent_organization_action_at
        WHERE a.organizationId = ? AND a.action = '\(action)' AND a.at >= day.si AND a.at < day.ei AND a.outcome = 'ok'
        \(extra.map { "AND \($0)" } ?? "")
        GROUP BY day.d
        """
    }

    private func rows(_ sql: String) throws -> [Row] {
        try Row.fetchAll(db, sql: range.cte + " " + sql, arguments: range.arguments + [organizationId])
    }

    private func count(_ sql: String, into field: WritableKeyPath<MonitoringSummary, Int>, _ summaries: inout [MonitoringSummary]) throws {
        for row in try rows(sql) {
            let d: Int = row["d"]
            summaries[d][keyPath: field] += row["n"] as Int
        }
    }

    private func add(_ n: Int, to field: WritableKeyPath<OutboundDayCounts, Int>, channel: String, day: Int, in summaries: inout [MonitoringSummary]) {
        summaries[day].outbound[keyPath: field] += n
        if let channel = Channel(rawValue: channel) { summaries[day].byChannel[channel, default: OutboundDayCounts()][keyPath: field] += n }
    }
}

extension AssistantDayCounts {
    init(asked: Int, answered: Int, refused: Int) {
        self.init()
        self.asked = asked
        self.answered = answered
        self.refused = refused
    }
}
