@testable import CorbiCore
import CorbiTestSupport
import CorbiWorkspace
import Foundation
import GRDB

/// A real SQLite workspace in a temporary folder for the records answerer, on a fixed
/// clock: Monday 2026-03-30 10:00 in Berlin.
///
/// alpha.example (Europe/Berlin): admin, staff, viewer; contacts Anna Müller (recall),
/// Ben Weber (recall, vip; WhatsApp suppressed), Zoë Fischer, Jonas Schmidt, Hannah Berg;
/// bookings tomorrow (Anna confirmed, Ben cancelled, Zoë pending) and next week (Zoë);
/// outbound messages today (two failed, one sent) and one pending tomorrow; an inbound
/// message from Anna. beta.example has Carl Braun, whom alpha never sees.
final class RecordsFixture: @unchecked Sendable {
    static let now = Date(timeIntervalSince1970: 1_774_857_600)
    let base: TestDatabase
    var folder: URL { base.folder.url }
    var db: AppDatabase { base.db }
    let admin: Actor
    let staff: Actor
    let viewer: Actor
    let betaAdmin: Actor
    var anna: Contact!
    var ben: Contact!
    var zoe: Contact!

    init() throws {
        base = try TestDatabase(now: Self.now, prefix: "corbi-records")
        try FileManager.default.createDirectory(at: base.folder.url.appendingPathComponent("kb"), withIntermediateDirectories: true)
        let alpha = try base.organization("alpha.example", name: "Alpha Clinic")
        (admin, staff, viewer) = (alpha.admin, alpha.staff, alpha.viewer)
        let db = base.db
        _ = try db.addMember(admin, email: "staff@alpha.example", role: .staff, name: "Sam Staff")
        _ = try db.createOrganization(name: "Beta Studio", domain: "beta.example", adminEmail: "admin@beta.example", timezone: "Europe/Berlin")
        betaAdmin = try db.resolveActor(user: "admin@beta.example", organization: "beta.example")
        _ = try db.addContact(betaAdmin, ContactInput(fullName: "Carl Braun", email: "carl@beta.example", phone: "+49 160 5550000"))

        anna = try db.addContact(staff, ContactInput(fullName: "Anna Müller", email: "anna@example.com", phone: "+49 170 1234567", tags: ["recall"]))
        ben = try db.addContact(staff, ContactInput(fullName: "Ben Weber", phone: "+49 171 7654321", tags: ["recall", "vip"]))
        zoe = try db.addContact(staff, ContactInput(fullName: "Zoë Fischer", email: "zoe@example.com", status: "blocked"))
        _ = try db.addContact(staff, ContactInput(fullName: "Jonas Schmidt", email: "jonas@example.com", tags: ["recall-2024"]))
        _ = try db.addContact(staff, ContactInput(fullName: "Hannah Berg", telegram: "123456789"))
        _ = try db.addSuppression(staff, channel: "whatsapp", identifier: "+49 171 7654321", reason: "opt-out")

        let calendar = VdirCalendar(directory: folder.appendingPathComponent("calendar"))
        _ = try db.book(staff, BookingInput(contact: "Anna Müller", start: "tomorrow 9:30", title: "Cleaning", location: "Room 1", confirm: true), calendar: calendar)
        let cancelled = try db.book(staff, BookingInput(contact: "Ben Weber", start: "tomorrow 10:00", title: "Check-up"), calendar: calendar)
        _ = try db.cancelBooking(staff, id: String(cancelled.booking.id!), calendar: calendar)
        _ = try db.book(staff, BookingInput(contact: "Zoë Fischer", start: "tomorrow 11:00", title: "Whitening"), calendar: calendar)
        _ = try db.book(staff, BookingInput(contact: "Zoë Fischer", start: "2026-04-07 15:00", title: "Follow-up"), calendar: calendar)

        try message(to: anna, at: "2026-03-30 08:00:00.000", status: .failed, error: "number not on WhatsApp")
        try message(to: ben, at: "2026-03-30 08:30:00.000", status: .failed, error: "blocked by provider")
        try message(to: anna, at: "2026-03-30 07:00:00.000", status: .sent)
        try message(to: zoe, at: "2026-03-31 07:00:00.000", status: .pending)
        try message(to: anna, at: "2026-03-27 07:00:00.000", status: .failed, error: "timeout")
        _ = try db.recordInbound(
            staff, channel: "whatsapp", identifier: "+49 170 1234567", payload: ["text": "See you tomorrow!"],
            receivedAt: Date(timeIntervalSince1970: 1_774_850_400))
    }

    /// An outbound message written directly (drafting needs templates and providers that
    /// these tests are not about); `at` is the stored UTC time.
    func message(to contact: Contact, at: String, status: MessageStatus, error: String? = nil) throws {
        try db.writer.write { database in
            try database.execute(
                sql: """
                    INSERT INTO outboundMessage (organizationId, contactId, channel, body, variables, scheduledFor, status,
                      retryCount, error, traceId, createdAt, updatedAt)
                    VALUES (?, ?, 'whatsapp', 'Hello', '{}', ?, ?, 0, ?, ?, ?, ?)
                    """,
                arguments: [contact.organizationId, contact.id!, at, status.rawValue, error, UUID().uuidString, at, at])
        }
    }

    /// Every row of every table but the audit trail's (its events and its chain's head),
    /// as text: what "nothing written" means.
    func snapshot() throws -> [String] {
        try db.writer.read { database in
            let tables = try String.fetchAll(
                database, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'audit%' ORDER BY name")
            var rows: [String] = []
            for table in tables where !table.hasPrefix("sqlite_") {
                for row in try Row.fetchAll(database, sql: "SELECT * FROM \"\(table)\"") { rows.append("\(table): \(row)") }
            }
            return rows
        }
    }

    func auditActions() throws -> [String] {
        try db.writer.read { try String.fetchAll($0, sql: "SELECT action || ':' || outcome FROM auditEvent ORDER BY id") }
    }

    func answerer(_ actor: Actor? = nil) -> RecordAnswerer {
        RecordAnswerer(database: db, actor: actor ?? staff, now: Self.now)
    }

    /// A workspace over this database, with an empty knowledge base.
    func workspace(llm: URL? = nil) throws -> Workspace {
        var environment = ["HOME": folder.path, "CORBI_DB": folder.appendingPathComponent("corbi.sqlite").path,
                           "ASSISTANT_KB_PATH": folder.appendingPathComponent("kb").path]
        if let llm {
            environment["CORBI_LLM_URL"] = llm.absoluteString
            environment["CORBI_LLM_MODEL"] = "test"
            environment["CORBI_LLM_TIMEOUT"] = "5"
        }
        let configuration = try Configuration.resolve(environment: environment)
        return Workspace(configuration: configuration, environment: CorbiEnvironment(now: { RecordsFixture.now }, makeID: { UUID().uuidString }))
    }
}
