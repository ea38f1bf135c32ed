import Foundation
import GRDB
import Testing

@testable import CorbiCore

@Suite struct MonitoringTests {
    /// An organization in Berlin with one contact, and a second organization whose
    /// records must never count.
    struct Setup {
        let w: TestWorkspace
        let clinic: (admin: Actor, staff: Actor, viewer: Actor)
        let other: (admin: Actor, staff: Actor, viewer: Actor)
        let anna: Contact
        let otherContact: Contact
    }

    func setup() throws -> Setup {
        let w = try TestWorkspace(now: Self.instant("2026-01-10T12:00:00Z"))
        let clinic = try w.organization("clinic.example", timezone: "Europe/Berlin")
        let other = try w.organization("other.example", timezone: "UTC")
        let anna = try w.db.addContact(clinic.staff, ContactInput(fullName: "Anna", email: "anna@example.com"))
        let otherContact = try w.db.addContact(other.staff, ContactInput(fullName: "Olga"))
        return Setup(w: w, clinic: clinic, other: other, anna: anna, otherContact: otherContact)
    }

    static func instant(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

    static func day(_ text: String) -> LocalDateTime {
        try! TimeInput.day(text, in: TimeZone(identifier: "Europe/Berlin")!, now: Date())
    }

    /// `2026-11-24T22:30:00Z` as the schema stores it.
    static func stored(_ iso: String?) -> String? {
        iso.map { DatabaseDate.string(instant($0)) }
    }

    nonisolated(unsafe) static var trace = 0

    /// An outbound message with its times given as UTC ISO 8601.
    func outbound(
        _ s: Setup, org: Actor? = nil, channel: String = "whatsapp", status: String, created: String, scheduled: String? = nil,
        nextAttempt: String? = nil, firstAttempt: String? = nil, sent: String? = nil, delivered: String? = nil, read: String? = nil,
        failed: String? = nil, cancelled: String? = nil
    ) throws {
        let actor = org ?? s.clinic.staff
        let contact = actor.organizationId == s.clinic.staff.organizationId ? s.anna.id! : s.otherContact.id!
        Self.trace += 1
        try s.w.db.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO outboundMessage (organizationId, contactId, channel, body, scheduledFor, status, traceId, createdAt, updatedAt,
                        nextAttemptAt, firstAttemptAt, sentAt, deliveredAt, readAt, failedAt, cancelledAt)
                    VALUES (?, ?, ?, 'hi', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    actor.organizationId, contact, channel, Self.stored(scheduled ?? created), status, "mon-\(UUID().uuidString)",
                    Self.stored(created), Self.stored(created), Self.stored(nextAttempt), Self.stored(firstAttempt), Self.stored(sent),
                    Self.stored(delivered), Self.stored(read), Self.stored(failed), Self.stored(cancelled),
                ])
        }
    }

    func inbound(_ s: Setup, org: Actor? = nil, received: String, known: Bool = true, intent: String? = nil) throws {
        let actor = org ?? s.clinic.staff
        let contact: Int64? = known ? (actor.organizationId == s.clinic.staff.organizationId ? s.anna.id! : s.otherContact.id!) : nil
        try s.w.db.writer.write { db in
            try db.execute(
                sql: "INSERT INTO inboundMessage (organizationId, contactId, channel, receivedAt, intent) VALUES (?, ?, 'telegram', ?, ?)",
                arguments: [actor.organizationId, contact, Self.stored(received), intent])
        }
    }

    /// The day's counts made directly in SQL over [start, end) (UTC ISO 8601), to hold
    /// the summary against.
    func direct(_ s: Setup, _ start: String, _ end: String, channel: String? = nil) throws -> OutboundDayCounts {
        try s.w.db.writer.read { db in
            let a = Self.stored(start)!, b = Self.stored(end)!
            let org = s.clinic.staff.organizationId
            let channelClause = channel.map { "AND channel = '\($0)'" } ?? ""
            func n(_ condition: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM outboundMessage WHERE organizationId = ? \(channelClause) AND \(condition)", arguments: [org, a, b]) ?? 0
            }
            var c = OutboundDayCounts()
            c.drafted = try n("createdAt >= ? AND createdAt < ?")
            c.sent = try n("sentAt >= ? AND sentAt < ?")
            c.delivered = try n("deliveredAt >= ? AND deliveredAt < ?")
            c.read = try n("readAt >= ? AND readAt < ?")
            c.failed = try n("failedAt >= ? AND failedAt < ?")
            c.cancelled = try n("cancelledAt >= ? AND cancelledAt < ?")
            c.pending = try n("status = 'pending' AND coalesce(nextAttemptAt, scheduledFor) >= ? AND coalesce(nextAttemptAt, scheduledFor) < ?")
            c.retrying = try n("status = 'retrying' AND coalesce(nextAttemptAt, scheduledFor) >= ? AND coalesce(nextAttemptAt, scheduledFor) < ?")
            return c
        }
    }

    @Test func aMessageCountsOnTheDayOfTheOrganizationsZoneNotOfUTC() throws {
        let s = try setup()
        // 23:30 Berlin on the 24th (22:30 UTC): the 24th.
        try outbound(s, status: "sent", created: "2026-11-24T22:00:00Z", firstAttempt: "2026-11-24T22:30:00Z", sent: "2026-11-24T22:30:00Z")
        // 00:30 Berlin on the 25th is still the 24th in UTC: the 25th.
        try outbound(s, status: "sent", created: "2026-11-24T23:30:00Z", firstAttempt: "2026-11-24T23:30:00Z", sent: "2026-11-24T23:30:00Z")
        // Exactly midnight belongs to the day it starts.
        try outbound(s, channel: "email", status: "failed", created: "2026-11-24T23:00:00Z", firstAttempt: "2026-11-24T23:00:00Z", failed: "2026-11-24T23:00:00Z")
        try outbound(s, org: s.other.staff, status: "sent", created: "2026-11-24T22:30:00Z", sent: "2026-11-24T22:30:00Z")

        let day24 = try s.w.db.monitoringSummary(s.clinic.viewer, day: Self.day("2026-11-24"))
        let day25 = try s.w.db.monitoringSummary(s.clinic.viewer, day: Self.day("2026-11-25"))
        #expect(day24.outbound.sent == 1 && day24.outbound.drafted == 1 && day24.outbound.failed == 0)
        #expect(day25.outbound.sent == 1 && day25.outbound.drafted == 2 && day25.outbound.failed == 1)
        #expect(day25.byChannel[.email]?.failed == 1 && day25.byChannel[.whatsapp]?.sent == 1)
        #expect(day25.successRate == 0.5)
        #expect(day24.successRate == 1)
        #expect(day24.outbound == (try direct(s, "2026-11-23T23:00:00Z", "2026-11-24T23:00:00Z")))
        #expect(day25.outbound == (try direct(s, "2026-11-24T23:00:00Z", "2026-11-25T23:00:00Z")))
        #expect(day25.byChannel[.email] == (try direct(s, "2026-11-24T23:00:00Z", "2026-11-25T23:00:00Z", channel: "email")))
        #expect(day25.organization == "clinic.example" && day25.timezone == "Europe/Berlin")
    }

    @Test func aMessageDraftedYesterdayAndSentTodayCountsAsDraftedYesterdayAndSentToday() throws {
        let s = try setup()
        try outbound(
            s, status: "read", created: "2026-11-24T19:00:00Z", scheduled: "2026-11-25T08:00:00Z", firstAttempt: "2026-11-25T08:00:00Z",
            sent: "2026-11-25T08:00:01Z", delivered: "2026-11-25T08:00:05Z", read: "2026-11-26T07:00:00Z")
        let days = try s.w.db.monitoringSummaries(s.clinic.staff, days: 3, through: Self.day("2026-11-26"))
        #expect(days.map { DateFormatting.day($0.day) } == ["2026-11-24", "2026-11-25", "2026-11-26"])
        #expect(days.map(\.outbound.drafted) == [1, 0, 0])
        #expect(days.map(\.outbound.sent) == [0, 1, 0])
        #expect(days.map(\.outbound.delivered) == [0, 1, 0])
        #expect(days.map(\.outbound.read) == [0, 0, 1])
        // First attempted on the 25th, and read: a success of the 25th.
        #expect(days.map(\.successRate) == [nil, 1, nil])
    }

    @Test func theSpringDayHas23HoursAndTheAutumnDay25() throws {
        let s = try setup()
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let spring = Self.day("2026-03-29"), autumn = Self.day("2026-10-25")
        for (day, hours) in [(spring, 23.0), (autumn, 25.0)] {
            let interval = TimeInput.interval(of: day, in: berlin)
            #expect(interval.upperBound.timeIntervalSince(interval.lowerBound) == hours * 3600)
        }

        // Spring: [2026-03-28 23:00Z, 2026-03-29 22:00Z).
        for sent in ["2026-03-28T22:59:59Z", "2026-03-28T23:00:00Z", "2026-03-29T00:59:00Z", "2026-03-29T01:00:00Z", "2026-03-29T21:59:59Z", "2026-03-29T22:00:00Z"] {
            try outbound(s, status: "sent", created: sent, sent: sent)
        }
        // Autumn: [2026-10-24 22:00Z, 2026-10-25 23:00Z).
        for sent in ["2026-10-24T21:59:59Z", "2026-10-24T22:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T22:59:59Z", "2026-10-25T23:00:00Z"] {
            try outbound(s, status: "sent", created: sent, sent: sent)
        }
        let springDays = try s.w.db.monitoringSummaries(s.clinic.staff, days: 3, through: TimeInput.day(1, after: spring))
        #expect(springDays.map(\.outbound.sent) == [1, 4, 1])
        #expect(springDays[1].outbound == (try direct(s, "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z")))
        let autumnDays = try s.w.db.monitoringSummaries(s.clinic.staff, days: 3, through: TimeInput.day(1, after: autumn))
        #expect(autumnDays.map(\.outbound.sent) == [1, 4, 1])
        #expect(autumnDays[1].outbound == (try direct(s, "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z")))
        // One day asked alone gives the same as within a range.
        #expect(try s.w.db.monitoringSummary(s.clinic.staff, day: autumn) == autumnDays[1])
    }

    @Test func waitingMessagesCountOnTheDayTheyAreDue() throws {
        let s = try setup()
        try outbound(s, status: "pending", created: "2026-11-20T10:00:00Z", scheduled: "2026-11-25T09:00:00Z")
        try outbound(s, status: "retrying", created: "2026-11-25T08:00:00Z", scheduled: "2026-11-25T08:00:00Z", nextAttempt: "2026-11-25T23:10:00Z", firstAttempt: "2026-11-25T08:00:00Z")
        try outbound(s, channel: "telegram", status: "retrying", created: "2026-11-25T08:00:00Z", nextAttempt: "2026-11-25T12:00:00Z", firstAttempt: "2026-11-25T08:00:00Z")
        try outbound(s, status: "cancelled", created: "2026-11-25T08:00:00Z", scheduled: "2026-11-25T09:00:00Z", cancelled: "2026-11-25T08:30:00Z")
        let day = try s.w.db.monitoringSummary(s.clinic.staff, day: Self.day("2026-11-25"))
        #expect(day.outbound.pending == 1)
        #expect(day.outbound.retrying == 1)  // the other's next attempt is 00:10 on the 26th in Berlin
        #expect(day.byChannel[.telegram]?.retrying == 1)
        #expect(day.outbound.cancelled == 1)
        #expect(day.successRate == nil)  // first attempted, but neither through nor failed yet
        #expect(day.outbound == (try direct(s, "2026-11-24T23:00:00Z", "2026-11-25T23:00:00Z")))
        #expect(try s.w.db.monitoringSummary(s.clinic.staff, day: Self.day("2026-11-26")).outbound.retrying == 1)
    }

    @Test func inboundBookingsContactsAndQuestionsOfTheDay() throws {
        let s = try setup()
        let db = s.w.db
        try inbound(s, received: "2026-11-24T23:30:00Z")  // 00:30 on the 25th
        try inbound(s, received: "2026-11-25T10:00:00Z", known: false)
        try inbound(s, received: "2026-11-25T11:00:00Z", intent: "optOut")
        try inbound(s, received: "2026-11-25T23:00:00Z")  // the 26th
        try inbound(s, org: s.other.staff, received: "2026-11-25T10:00:00Z", known: false)

        // Actions at 08:00 Berlin on the 25th.
        s.w.clock.now = Self.instant("2026-11-25T07:00:00Z")
        let b1 = try db.book(s.clinic.staff, BookingInput(contact: "Anna", start: "2026-11-25 15:00"), calendar: nil).booking
        _ = try db.book(s.clinic.staff, BookingInput(contact: "Anna", start: "2026-11-26 15:00", confirm: true), calendar: nil)
        let b3 = try db.book(s.clinic.staff, BookingInput(contact: "Anna", start: "2026-11-25 17:00"), calendar: nil).booking
        _ = try db.confirmBooking(s.clinic.staff, id: "\(b1.id!)", calendar: nil)
        _ = try db.cancelBooking(s.clinic.staff, id: "\(b3.id!)", calendar: nil)
        #expect(bookingExitCode { _ = try db.confirmBooking(s.clinic.staff, id: "\(b3.id!)", calendar: nil) } == 65)  // refused: not counted
        _ = try db.addContact(s.clinic.staff, ContactInput(fullName: "Ben"))
        _ = try db.addContact(s.other.staff, ContactInput(fullName: "Not ours"))
        for answered in [true, true, false] {
            try db.perform(s.clinic.viewer, "assistant.ask", requires: .read, details: ["question": "q", "answered": .bool(answered)]) { _, _ in }
        }
        try db.auditRefusal(s.clinic.viewer, entry: AuditEntry(action: "assistant.ask", details: ["question": "q"]), error: .notFound("No knowledge base."))
        // 23:30 Berlin on the 25th (22:30 UTC): still the 25th.
        s.w.clock.now = Self.instant("2026-11-25T22:30:00Z")
        _ = try db.addContact(s.clinic.staff, ContactInput(fullName: "Cleo"))
        s.w.clock.now = Self.instant("2026-11-25T23:30:00Z")
        _ = try db.addContact(s.clinic.staff, ContactInput(fullName: "Dora"))

        let day = try db.monitoringSummary(s.clinic.viewer, day: Self.day("2026-11-25"))
        #expect(day.inbound == InboundDayCounts(received: 3, unknownSenders: 1, optOuts: 1))
        #expect(day.bookings.created == 3)
        #expect(day.bookings.confirmed == 2)  // one confirmed, one booked as confirmed
        #expect(day.bookings.cancelled == 1)
        #expect(day.bookings.scheduledToday == 1)  // b1; b3 was cancelled
        #expect(day.contacts.added == 2)
        #expect(day.assistant == AssistantDayCounts(asked: 4, answered: 2, refused: 1))
        let next = try db.monitoringSummary(s.clinic.viewer)  // today: the clock is on the 26th in Berlin
        #expect(DateFormatting.day(next.day) == "2026-11-26")
        #expect(next.inbound.received == 1 && next.contacts.added == 1 && next.bookings.scheduledToday == 1)
    }

    @Test func theJSONHasTheDesignsShape() throws {
        let s = try setup()
        let summary = try s.w.db.monitoringSummary(s.clinic.staff, day: Self.day("2026-11-25"))
        let data = try JSONEncoder().encode(summary)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["organization", "day", "timezone", "outbound", "successRate", "byChannel", "inbound", "bookings", "contacts", "assistant"])
        #expect(object["successRate"] is NSNull)
        #expect(object["day"] as? String == "2026-11-25")
        let outboundKeys: Set<String> = ["drafted", "sent", "delivered", "read", "failed", "retrying", "pending", "cancelled"]
        #expect(Set((object["outbound"] as? [String: Any])?.keys ?? [:].keys) == outboundKeys)
        let byChannel = try #require(object["byChannel"] as? [String: [String: Any]])
        #expect(Set(byChannel.keys) == ["whatsapp", "telegram", "instagram", "email"])
        #expect(byChannel.values.allSatisfy { Set($0.keys) == outboundKeys })
        #expect(Set((object["inbound"] as? [String: Any])?.keys ?? [:].keys) == ["received", "unknownSenders", "optOuts"])
        #expect(Set((object["bookings"] as? [String: Any])?.keys ?? [:].keys) == ["created", "confirmed", "cancelled", "scheduledToday"])
        #expect(Set((object["contacts"] as? [String: Any])?.keys ?? [:].keys) == ["added"])
        #expect(Set((object["assistant"] as? [String: Any])?.keys ?? [:].keys) == ["asked", "answered", "refused"])
    }

    @Test func theNumberOfDaysIsChecked() throws {
        let s = try setup()
        #expect(bookingExitCode { _ = try s.w.db.monitoringSummaries(s.clinic.staff, days: 0) } == 65)
        #expect(bookingExitCode { _ = try s.w.db.monitoringSummaries(s.clinic.staff, days: AppDatabase.monitoringMaxDays + 1) } == 65)
        let year = try s.w.db.monitoringSummaries(s.clinic.staff, days: 400, through: Self.day("2027-01-01"))
        #expect(year.count == 400)
        #expect(DateFormatting.day(year[0].day) == "2025-11-28" && DateFormatting.day(year[399].day) == "2027-01-01")
        // A day given with a time is the whole day.
        let noon = LocalDateTime(year: 2026, month: 11, day: 25, hour: 12)
        #expect(DateFormatting.day(try s.w.db.monitoringSummary(s.clinic.staff, day: noon).day) == "2026-11-25")
    }

    @Test func outboundStatusCountsFollowEveryChange() throws {
        let s = try setup()
        let db = s.w.db
        func grouped(_ org: Int64?) throws -> [String: Int] {
            try db.writer.read { db in
                var result: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT organizationId, channel, status, count(*) AS n FROM outboundMessage GROUP BY 1, 2, 3") {
                    let o: Int64 = row["organizationId"]
                    if org == nil || org == o { result["\(o)/\(row["channel"] as String)/\(row["status"] as String)"] = row["n"] }
                }
                return result
            }
        }
        func counted(_ list: [OutboundStatusCount]) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: list.filter { $0.count > 0 }.map { ("\($0.organizationId)/\($0.channel.rawValue)/\($0.status.rawValue)", $0.count) })
        }
        func check() throws {
            #expect(counted(try db.outboundStatusCounts(s.clinic.viewer)) == (try grouped(s.clinic.viewer.organizationId)))
            #expect(counted(try db.outboundStatusCountsOfAllOrganizations()) == (try grouped(nil)))
        }
        for status in ["pending", "pending", "sent", "failed", "retrying"] {
            try outbound(s, status: status, created: "2026-11-25T08:00:00Z")
        }
        try outbound(s, org: s.other.staff, channel: "email", status: "pending", created: "2026-11-25T08:00:00Z")
        try check()
        try db.writer.write { db in
            try db.execute(sql: "UPDATE outboundMessage SET status = 'sent' WHERE status = 'pending' AND organizationId = ?", arguments: [s.clinic.staff.organizationId])
            try db.execute(sql: "UPDATE outboundMessage SET status = 'pending' WHERE status = 'failed'")  // a retry
            try db.execute(sql: "UPDATE outboundMessage SET status = 'delivered' WHERE id = (SELECT min(id) FROM outboundMessage WHERE status = 'sent')")
        }
        try check()
        _ = try db.deleteContact(s.clinic.staff, ref: "Anna")
        try check()
        #expect(counted(try db.outboundStatusCounts(s.clinic.viewer)).isEmpty)
        _ = try db.deleteOrganization(s.other.admin, confirmingDomain: "other.example")
        #expect(counted(try db.outboundStatusCountsOfAllOrganizations()).isEmpty)
        try check()
    }
}

extension InboundDayCounts {
    init(received: Int, unknownSenders: Int, optOuts: Int) {
        self.init()
        self.received = received
        self.unknownSenders = unknownSenders
        self.optOuts = optOuts
    }
}
