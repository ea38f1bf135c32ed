import Foundation
import GRDB

/// What remains of a deleted organization: written in the transaction that deleted it,
/// outside its audit trail (which went with it), and never changed afterwards.
public struct OrganizationDeletionRecord: Equatable, Sendable, FetchableRecord {
    public var id: Int64
    /// The id the organization had.
    public var organizationId: Int64
    public var domain: String
    public var name: String
    public var timezone: String
    /// The email of the admin who deleted it.
    public var deletedBy: String
    public var deletedAt: Date
    /// Records deleted, by export type (`contact`, `outbound`, `auditEvent`, ...).
    public var counts: [String: Int]
    /// The emails of the organization's admins when it was deleted.
    public var admins: [String]
    /// Events the deleted trail held, and its newest link: compare with a head or an
    /// export kept elsewhere.
    public var auditEvents: Int
    public var auditLastEventId: Int64?
    public var auditLastHash: String?
    /// Whether the deleted trail verified at the moment of deletion, and if not, why.
    public var auditIntact: Bool
    public var auditProblem: String?

    public init(row: Row) throws {
        id = row["id"]
        organizationId = row["organizationId"]
        domain = row["domain"]
        name = row["name"]
        timezone = row["timezone"]
        deletedBy = row["deletedBy"]
        deletedAt = row["deletedAt"]
        counts = (try? JSONDecoder().decode([String: Int].self, from: Data((row["counts"] as String).utf8))) ?? [:]
        admins = (try? JSONDecoder().decode([String].self, from: Data((row["admins"] as String).utf8))) ?? []
        auditEvents = row["auditEvents"]
        auditLastEventId = row["auditLastEventId"]
        auditLastHash = row["auditLastHash"]
        auditIntact = row["auditIntact"]
        auditProblem = row["auditProblem"]
    }

    /// Every record deleted.
    public var total: Int { counts.values.reduce(0, +) }
}

/// What deleting an organization did, and what the front end still has to remove.
public struct OrganizationDeletion: Sendable, Equatable {
    public var record: OrganizationDeletionRecord
    /// The calendar UIDs of every deleted booking: their `.ics` files (and the
    /// organization's calendar folder, once empty) are to be removed.
    public var calendarIds: [String]
}

extension AppDatabase {
    /// What a deletion counts, by export type, and the table each comes from.
    static let deletionCounts: [(type: String, table: String)] = [
        ("member", "membership"), ("contact", "contact"), ("identityConflict", "identityConflict"),
        ("template", "messageTemplate"), ("outbound", "outboundMessage"), ("outboundAttempt", "outboundAttempt"),
        ("inbound", "inboundMessage"), ("suppression", "suppression"), ("booking", "booking"),
        ("channelRate", "channelRate"), ("providerAccount", "providerAccount"), ("unsubscribeToken", "unsubscribeToken"),
        ("earlyDeliveryStatus", "earlyDeliveryStatus"), ("webhookReceipt", "webhookReceipt"), ("auditEvent", "auditEvent"),
    ]

    /// Deletes the actor's organization and everything it holds (admins of it only), in
    /// one transaction: members, contacts, conflicts, templates, messages and attempts,
    /// suppressions, bookings, provider accounts, its audit trail. `domain` must be the
    /// organization's own (the confirmation typed by the user; 65 otherwise).
    ///
    /// The deletion is recorded in ``OrganizationDeletionRecord`` rather than the trail
    /// it deletes: who, when, the counts, the admins it had, and the deleted chain's
    /// newest hash (verified first; a broken chain is noted, not a reason to refuse).
    /// Users stay: they may belong to other organizations. Files outside the database (the
    /// calendar, knowledge-base files) are the front end's to remove or keep.
    public func deleteOrganization(_ actor: Actor, confirmingDomain domain: String) throws -> OrganizationDeletion {
        let entry = AuditEntry(action: "org.delete", target: "organization:\(actor.organizationId)")
        do {
            return try writer.write { db in
                try actor.current(db).require(.administer, to: "delete \(actor.organization.domain)")
                let typed = domain.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                guard typed == actor.organization.domain else {
                    throw CorbiError.invalid(
                        "'\(domain)' is not the organization being deleted (\(actor.organization.domain)); nothing was deleted.")
                }
                let org = actor.organizationId
                guard let organization = try Organization.fetchOne(db, key: org) else {
                    throw CorbiError.notFound("No organization \(actor.organization.domain).")
                }
                var counts: [String: JSONValue] = [:]
                for (type, table) in Self.deletionCounts {
                    counts[type] = .int(Int64(try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE organizationId = ?", arguments: [org]) ?? 0))
                }
                let calendarIds = try String.fetchAll(
                    db, sql: "SELECT externalCalendarId FROM booking WHERE organizationId = ? ORDER BY id", arguments: [org])
                let admins = try String.fetchAll(
                    db,
                    sql: """
                        SELECT user.email FROM membership JOIN user ON user.id = membership.userId
                        WHERE membership.organizationId = ? AND membership.role = 'admin' ORDER BY user.email
                        """, arguments: [org])
                let verification = try AuditLog.verify(db, organizationId: org, key: auditKey)
                let head = try AuditLog.head(db, organizationId: org)
                try db.execute(
                    sql: """
                        INSERT INTO organizationDeletion (organizationId, domain, name, timezone, deletedBy, deletedAt, counts,
                            admins, auditEvents, auditLastEventId, auditLastHash, auditIntact, auditProblem)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        org, organization.domain, organization.name, organization.timezone, actor.name, environment.now(),
                        JSONValue.object(counts).canonicalString, JSONValue.array(admins.map(JSONValue.string)).canonicalString,
                        head?.events ?? 0, head?.lastEventId, head?.hash, verification.ok, verification.reason,
                    ])
                let recordId = db.lastInsertedRowID
                // The foreign keys cascade to every record of the organization; the audit
                // trail's delete trigger lets events go once their organization has.
                try db.execute(sql: "DELETE FROM organization WHERE id = ?", arguments: [org])
                guard
                    let record = try OrganizationDeletionRecord.fetchOne(
                        db, sql: "SELECT * FROM organizationDeletion WHERE id = ?", arguments: [recordId])
                else {
                    throw CorbiError.internal("The deletion record of \(organization.domain) was not written.")
                }
                return OrganizationDeletion(record: record, calendarIds: calendarIds)
            }
        } catch let error as CorbiError where error.isRefusal {
            try? auditRefusal(actor, entry: entry, error: error)
            throw error
        } catch let error as DatabaseError {
            let mapped = CorbiError(error)
            if mapped.isRefusal { try? auditRefusal(actor, entry: entry, error: mapped) }
            throw mapped
        }
    }

    /// The deletions `user` may see, newest first: those they made, and those of
    /// organizations they were an admin of when it was deleted. Nobody else sees that an
    /// organization existed (its domain and name are its members' business).
    public func organizationDeletions(visibleTo user: User) throws -> [OrganizationDeletionRecord] {
        do {
            return try writer.read { db in
                try OrganizationDeletionRecord.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM organizationDeletion
                        WHERE deletedBy = ? OR EXISTS (SELECT 1 FROM json_each(organizationDeletion.admins) WHERE value = ?)
                        ORDER BY id DESC
                        """, arguments: [user.email, user.email])
            }
        } catch let error as DatabaseError {
            throw CorbiError(error)
        }
    }
}
