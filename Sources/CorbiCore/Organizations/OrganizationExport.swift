import Foundation
import GRDB

/// What an organization export wrote.
public struct OrganizationExportSummary: Sendable, Equatable {
    public var organization: Organization
    /// Lines per record type, in the order written.
    public var counts: [(type: String, count: Int)]
    /// Every line written.
    public var records: Int { counts.reduce(0) { $0 + $1.count } }
    /// The audit trail's head as exported (the `auditHead` line).
    public var auditHead: AuditHead?

    public static func == (a: Self, b: Self) -> Bool {
        a.organization == b.organization && a.auditHead == b.auditHead
            && a.counts.map(\.type) == b.counts.map(\.type) && a.counts.map(\.count) == b.counts.map(\.count)
    }

    /// The count of one type (0 if none were written).
    public func count(of type: String) -> Int { counts.first { $0.type == type }?.count ?? 0 }
}

extension AppDatabase {
    /// The record types of an export, in the order they are written. Each line is one
    /// record: `{"type": TYPE, column: value, ...}`.
    ///
    /// - `organization`, `member` (the membership, with its `user` nested: id, email,
    ///   name, createdAt), `contact`, `identityConflict`, `template`, `outbound` (with
    ///   `attempts`, its send attempts, oldest first), `inbound`, `suppression`, `booking`,
    ///   `channelRate`, `providerAccount` (settings only: sealed secrets are never
    ///   exported; `hasSecrets` says whether it has any), `unsubscribeToken`,
    ///   `earlyDeliveryStatus`, `webhookReceipt`, `auditEvent`, and last `auditHead` (the
    ///   head table's row: the chain's newest link `lastEventId`/`lastHash` and its event
    ///   count, so that the file's trail can be checked whole).
    /// - Every stored column is present, under its column name, as stored: NULL as null,
    ///   integers (flags 0/1 included) as numbers, text as strings. JSON columns (tags,
    ///   variables, payload, settings, details) stay the JSON text stored, so each audit
    ///   event's hash recomputes from its line. Dates are as stored: UTC text
    ///   `yyyy-MM-dd HH:mm:ss.SSS`, except an audit event's `at`, ISO 8601 UTC with
    ///   milliseconds (`2026-11-24T10:00:00.000Z`), which is how it is hashed.
    public static let exportTypes = [
        "organization", "member", "contact", "identityConflict", "template", "outbound", "inbound", "suppression",
        "booking", "channelRate", "providerAccount", "unsubscribeToken", "earlyDeliveryStatus", "webhookReceipt",
        "auditEvent", "auditHead",
    ]

    /// Tables with an organization id that an export leaves out: counters derived from
    /// the exported records, and the records of organizations already deleted.
    static let tablesNotExported: Set<String> = ["outboundStatusCount", "organizationDeletion"]

    /// Every record of the actor's organization as JSON Lines (admins), handed to `sink`
    /// one line at a time (without its line break) from database cursors inside one read
    /// transaction: the lines are one consistent snapshot, and no more than one record
    /// (an outbound message with its attempts) is held in memory. See ``exportTypes``.
    ///
    /// The export is audited (`org.export`: how many records of each type) in its own
    /// short transaction after the snapshot, so a long export never holds the write lock;
    /// the file's trail therefore ends just before that event. An export the sink broke
    /// off is audited too, with what was written, before the sink's error is rethrown.
    /// `finish` runs after the last line, before the audit: a sink that buffers flushes
    /// there, so that a failed last write is audited as an incomplete export.
    @discardableResult
    public func exportOrganization(
        _ actor: Actor, to sink: (String) throws -> Void, finish: () throws -> Void = {}
    ) throws -> OrganizationExportSummary {
        var summary = OrganizationExportSummary(organization: actor.organization, counts: [], auditHead: nil)
        var sinkError: (any Error)?
        do {
            try read(actor) { db in
                try actor.current(db).require(.administer, to: Self.describe("org.export"))
                do {
                    try writeExport(db, organizationId: actor.organizationId, summary: &summary, sink: sink)
                    try finish()
                } catch let error as DatabaseError {
                    throw error
                } catch let error as CorbiError {
                    throw error
                } catch {
                    sinkError = error
                }
            }
        } catch let error as CorbiError where error.isRefusal {
            try? auditRefusal(actor, entry: AuditEntry(action: "org.export", target: "organization:\(actor.organizationId)"), error: error)
            throw error
        }
        try perform(actor, "org.export", requires: .administer, target: "organization:\(actor.organizationId)") { _, entry in
            entry.details = [
                "records": .int(Int64(summary.records)),
                "counts": .object(Dictionary(uniqueKeysWithValues: summary.counts.map { ($0.type, JSONValue.int(Int64($0.count))) })),
                "auditLastEventId": .optional(summary.auditHead?.lastEventId),
                "completed": .bool(sinkError == nil),
            ]
        }
        if let sinkError { throw sinkError }
        return summary
    }

    /// ``exportOrganization(_:to:)`` into a file handle, one line per record, written in
    /// blocks of about 1 MB.
    @discardableResult
    public func exportOrganization(_ actor: Actor, to handle: FileHandle) throws -> OrganizationExportSummary {
        var buffer = Data()
        buffer.reserveCapacity(1 << 20)
        return try exportOrganization(
            actor,
            to: { line in
                buffer.append(contentsOf: line.utf8)
                buffer.append(0x0A)
                if buffer.count >= 1 << 20 {
                    try handle.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            },
            finish: { try handle.write(contentsOf: buffer) })
    }

    private func writeExport(
        _ db: Database, organizationId org: Int64, summary: inout OrganizationExportSummary, sink: (String) throws -> Void
    ) throws {
        // Counted as written, so that an export the sink breaks off says how far it got.
        func emit(_ type: String, _ sql: String, excluding: @escaping (String) -> Bool = { _ in false }) throws {
            summary.counts.append((type, 0))
            let rows = try Row.fetchCursor(db, sql: sql, arguments: [org])
            while let row = try rows.next() {
                try sink(RowJSON.object(type: type, row: row, excluding: excluding))
                summary.counts[summary.counts.count - 1].count += 1
            }
        }
        try emit("organization", "SELECT * FROM organization WHERE id = ?")
        try emit(
            "member",
            """
            SELECT membership.*, user.id AS "user.id", user.email AS "user.email", user.name AS "user.name",
                   user.createdAt AS "user.createdAt"
            FROM membership JOIN user ON user.id = membership.userId
            WHERE membership.organizationId = ? ORDER BY membership.id
            """)
        try emit("contact", "SELECT * FROM contact WHERE organizationId = ? ORDER BY id")
        try emit("identityConflict", "SELECT * FROM identityConflict WHERE organizationId = ? ORDER BY id")
        try emit("template", "SELECT * FROM messageTemplate WHERE organizationId = ? ORDER BY id")
        try writeOutbound(db, organizationId: org, summary: &summary, sink: sink)
        try emit("inbound", "SELECT * FROM inboundMessage WHERE organizationId = ? ORDER BY id")
        try emit("suppression", "SELECT * FROM suppression WHERE organizationId = ? ORDER BY id")
        try emit("booking", "SELECT * FROM booking WHERE organizationId = ? ORDER BY id")
        try emit("channelRate", "SELECT * FROM channelRate WHERE organizationId = ? ORDER BY channel")
        // Anything sealed is a secret (today `sealedSecrets`); the flag says whether there is one.
        try emit(
            "providerAccount",
            "SELECT *, sealedSecrets IS NOT NULL AS hasSecrets FROM providerAccount WHERE organizationId = ? ORDER BY channel",
            excluding: { $0.hasPrefix("sealed") })
        try emit("unsubscribeToken", "SELECT * FROM unsubscribeToken WHERE organizationId = ? ORDER BY token")
        try emit("earlyDeliveryStatus", "SELECT * FROM earlyDeliveryStatus WHERE organizationId = ? ORDER BY id")
        try emit("webhookReceipt", "SELECT * FROM webhookReceipt WHERE organizationId = ? ORDER BY channel, updateId")
        try emit("auditEvent", "SELECT * FROM auditEvent WHERE organizationId = ? ORDER BY id")
        try emit("auditHead", "SELECT * FROM auditHead WHERE organizationId = ?")
        summary.auditHead = try AuditLog.head(db, organizationId: org)
    }

    /// Outbound messages with their attempts nested: two cursors in message order, merged,
    /// rather than one query per message.
    private func writeOutbound(
        _ db: Database, organizationId org: Int64, summary: inout OrganizationExportSummary, sink: (String) throws -> Void
    ) throws {
        let messages = try Row.fetchCursor(db, sql: "SELECT * FROM outboundMessage WHERE organizationId = ? ORDER BY id", arguments: [org])
        let attempts = try Row.fetchCursor(
            db, sql: "SELECT * FROM outboundAttempt WHERE organizationId = ? ORDER BY messageId, attempt", arguments: [org])
        // Cursor rows are reused: keep the next attempt as its message id and JSON.
        func nextAttempt() throws -> (Int64, String)? {
            try attempts.next().map { ($0["messageId"], RowJSON.object(type: nil, row: $0)) }
        }
        var pending = try nextAttempt()
        summary.counts.append(("outbound", 0))
        while let message = try messages.next() {
            let id: Int64 = message["id"]
            var list: [String] = []
            while let (messageId, json) = pending, messageId <= id {
                if messageId == id { list.append(json) }
                pending = try nextAttempt()
            }
            try sink(RowJSON.object(type: "outbound", row: message, extra: [("attempts", "[" + list.joined(separator: ",") + "]")]))
            summary.counts[summary.counts.count - 1].count += 1
        }
    }
}
