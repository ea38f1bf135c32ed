import Foundation
import GRDB
import Testing

@testable import CorbiCore

/// Two organizations in one database, each holding at least one record of every kind an
/// export or a deletion covers (rows the messaging services do not write yet are
/// inserted as they would be).
struct RecordsFixture {
    let w: TestWorkspace
    let alpha: (admin: Actor, staff: Actor, viewer: Actor)
    let beta: (admin: Actor, staff: Actor, viewer: Actor)

    init(auditKey: AuditKey? = nil) throws {
        w = try TestWorkspace(auditKey: auditKey)
        alpha = try w.organization("alpha.example")
        beta = try w.organization("beta.example")
        try Self.populate(w, alpha, tag: "alpha")
        try Self.populate(w, beta, tag: "beta")
    }

    static func populate(_ w: TestWorkspace, _ org: (admin: Actor, staff: Actor, viewer: Actor), tag: String) throws {
        let db = w.db
        let anna = try db.addContact(
            org.staff,
            ContactInput(fullName: "Anna \(tag)", email: "anna@\(tag).test", phone: "0151 1234567", tags: ["vip"], notes: "line 1\n\"quoted\" \\ tab\t ünï ☀️"))
        let ben = try db.addContact(org.staff, ContactInput(fullName: "Ben \(tag)", telegram: "4242"))
        // An identity conflict: Ben asks for Anna's email.
        _ = try? db.updateContact(org.staff, ref: "#\(ben.id!)", ContactInput(email: "anna@\(tag).test"))
        let template = try db.addTemplate(org.staff, TemplateInput(name: "reminder", channel: "whatsapp", language: "en", body: "Hi {{first_name}}"))
        _ = try db.approveTemplate(org.admin, TemplateSelector(name: "#\(template.id!)"))
        let draft = try db.draft(org.staff, DraftRequest(contact: "#\(anna.id!)", template: "reminder"))
        _ = try db.recordInbound(org.staff, channel: "whatsapp", identifier: "+491511234567", payload: ["text": "hello ünïcode ☀️"])
        _ = try db.recordInbound(org.staff, channel: "telegram", identifier: "999", payload: ["text": "stop"])
        _ = try db.addSuppression(org.admin, channel: "email", identifier: "gone@\(tag).test", reason: "bounced")
        _ = try db.book(org.staff, BookingInput(contact: "#\(anna.id!)", start: "2026-12-01 10:00", location: "Room 1"), calendar: nil)
        _ = try db.setChannelRate(org.admin, channel: "whatsapp", perMinute: 30)
        let orgId = org.admin.organizationId
        try db.writer.write { db in
            let m = draft.message.id!
            try db.execute(
                sql: """
                    UPDATE outboundMessage SET status = 'sent', sentAt = '2026-11-18 09:50:00.000', firstAttemptAt = '2026-11-18 09:49:00.000',
                        providerMessageId = 'wamid.\(tag)' WHERE id = ?
                    """, arguments: [m])
            try db.execute(
                sql: """
                    INSERT INTO outboundAttempt (organizationId, messageId, channel, attempt, owner, startedAt, finishedAt, outcome, code, error)
                    VALUES (?, ?, 'whatsapp', 1, 'dispatcher', '2026-11-18 09:49:00.000', '2026-11-18 09:49:01.000', 'temporary', '429', 'slow down'),
                           (?, ?, 'whatsapp', 2, 'dispatcher', '2026-11-18 09:50:00.000', '2026-11-18 09:50:00.500', 'sent', NULL, NULL)
                    """, arguments: [orgId, m, orgId, m])
            try db.execute(
                sql: """
                    INSERT INTO providerAccount (organizationId, channel, settings, sealedSecrets, createdAt, updatedAt)
                    VALUES (?, 'whatsapp', '{"phone_number_id":"123"}', X'5345435245542D\(tag == "alpha" ? "41" : "42")', '2026-11-18 09:00:00.000', '2026-11-18 09:00:00.000')
                    """, arguments: [orgId])
            try db.execute(
                sql: """
                    INSERT INTO unsubscribeToken (token, organizationId, channel, identifier, messageId, createdAt)
                    VALUES (?, ?, 'email', ?, ?, '2026-11-18 09:00:00.000')
                    """, arguments: ["tok-\(tag)", orgId, "anna@\(tag).test", m])
            try db.execute(
                sql: """
                    INSERT INTO earlyDeliveryStatus (organizationId, channel, providerMessageId, status, at, receivedAt)
                    VALUES (?, 'whatsapp', 'wamid.early', 'delivered', '2026-11-18 09:51:00.000', '2026-11-18 09:51:01.000')
                    """, arguments: [orgId])
            try db.execute(
                sql: "INSERT INTO webhookReceipt (organizationId, channel, updateId, receivedAt) VALUES (?, 'telegram', '77', '2026-11-18 09:52:00.000')",
                arguments: [orgId])
            try db.execute(
                // A sender's text arrives as sent, control characters included.
                sql: "UPDATE inboundMessage SET mediaUrl = 'https://media.test/1.jpg', intent = 'optOut', text = 'STOP ' || char(27) || '[2J' || char(0) || 'x' WHERE organizationId = ? AND channel = 'telegram'",
                arguments: [orgId])
        }
    }

    /// Every row of every table that belongs to `organizationId`, by table, as stored.
    func rows(of organizationId: Int64) throws -> [String: [[String: DatabaseValue]]] {
        try w.db.writer.read { db in
            var result: [String: [[String: DatabaseValue]]] = [:]
            for table in try Self.tablesWithOrganization(db) {
                let key = table == "organization" ? "id" : "organizationId"
                let order = try db.primaryKey(table).columns.joined(separator: ", ")
                result[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE \(key) = ? ORDER BY \(order)", arguments: [organizationId])
                    .map { row in Dictionary(uniqueKeysWithValues: row.map { ($0, $1) }) }
            }
            return result
        }
    }

    /// Tables with an `organizationId` column, and `organization` itself.
    static func tablesWithOrganization(_ db: Database) throws -> [String] {
        let tables = try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")
        return try ["organization"] + tables.filter { table in
            try db.columns(in: table).contains { $0.name == "organizationId" }
        }
    }
}

/// A stored value as the JSON value an export line gives back.
func exportedValue(_ value: DatabaseValue) -> JSONValue {
    switch value.storage {
    case .null: .null
    case .int64(let i): .int(i)
    case .double(let d): .double(d)
    case .string(let s): .string(s)
    case .blob(let data): .string(data.base64EncodedString())
    }
}
