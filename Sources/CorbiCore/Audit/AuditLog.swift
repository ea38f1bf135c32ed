import Crypto
import Foundation
import GRDB

/// Writes and checks the hash chain. Each event's hash is SHA-256 over the previous hash
/// and a canonical, length-prefixed encoding of its fields, so editing, removing or
/// reordering any event breaks the chain from that point.
public enum AuditLog {
    /// Appends an event inside the caller's transaction.
    @discardableResult
    public static func append(
        _ db: Database, organizationId: Int64, actor: String, entry: AuditEntry,
        outcome: String = "ok", traceId: String, at: Date
    ) throws -> AuditEvent {
        let head = try Row.fetchOne(
            db, sql: "SELECT lastEventId, lastHash, events FROM auditHead WHERE organizationId = ?",
            arguments: [organizationId])
        let prevHash: String? = head?["lastHash"]
        let nextId = (try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'auditEvent'") ?? 0) + 1
        var event = AuditEvent(
            id: nextId, organizationId: organizationId, actor: actor, action: entry.action,
            outcome: outcome, target: entry.target,
            details: JSONValue.object(entry.details).canonicalString, traceId: traceId,
            at: Self.timestamp(at), prevHash: prevHash, hash: "")
        event.hash = Self.hash(of: event)
        try event.insert(db)
        try db.execute(
            sql: """
                INSERT INTO auditHead (organizationId, lastEventId, lastHash, events) VALUES (?, ?, ?, 1)
                ON CONFLICT (organizationId) DO UPDATE SET
                    lastEventId = excluded.lastEventId, lastHash = excluded.lastHash, events = events + 1
                """, arguments: [organizationId, event.id, event.hash])
        return event
    }

    /// SHA-256 (hex) of the previous hash and the event's fields.
    public static func hash(of event: AuditEvent) -> String {
        var data = Data()
        func field(_ s: String?) {
            guard let s else {
                data.append(contentsOf: Array("-\n".utf8))
                return
            }
            let bytes = Array(s.utf8)
            data.append(contentsOf: Array("\(bytes.count):".utf8))
            data.append(contentsOf: bytes)
            data.append(0x0A)
        }
        field(event.prevHash)
        field(event.id.map { String($0) })
        field(String(event.organizationId))
        field(event.actor)
        field(event.action)
        field(event.outcome)
        field(event.target)
        field(event.details)
        field(event.traceId)
        field(event.at)
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Walks an organization's chain in order and names the first broken link.
    public static func verify(_ db: Database, organizationId: Int64) throws -> AuditVerification {
        let cursor = try AuditEvent.fetchCursor(
            db, sql: "SELECT * FROM auditEvent WHERE organizationId = ? ORDER BY id", arguments: [organizationId])
        var previous: AuditEvent?
        var count = 0
        while let event = try cursor.next() {
            count += 1
            if event.prevHash != previous?.hash {
                let reason = previous == nil
                    ? "event \(event.id!) should start the chain: an earlier event was removed or reordered"
                    : "event \(event.id!) does not follow event \(previous!.id!): an event between them was removed, or they were reordered"
                return AuditVerification(ok: false, events: count, brokenAt: event.id, reason: reason)
            }
            if hash(of: event) != event.hash {
                return AuditVerification(
                    ok: false, events: count, brokenAt: event.id,
                    reason: "event \(event.id!) was edited after it was written")
            }
            previous = event
        }
        let head = try Row.fetchOne(
            db, sql: "SELECT lastEventId, lastHash, events FROM auditHead WHERE organizationId = ?",
            arguments: [organizationId])
        if let head {
            let lastId: Int64 = head["lastEventId"]
            let lastHash: String = head["lastHash"]
            if previous?.id != lastId || previous?.hash != lastHash {
                return AuditVerification(
                    ok: false, events: count, brokenAt: lastId,
                    reason: "the newest event \(lastId) is missing or changed: events were cut off the end")
            }
        } else if count > 0 {
            return AuditVerification(ok: false, events: count, brokenAt: previous?.id, reason: "the chain head is missing")
        }
        return AuditVerification(ok: true, events: count, brokenAt: nil, reason: nil)
    }

    nonisolated(unsafe) private static let formatter: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        return f
    }()
    private static let formatterLock = NSLock()

    /// ISO 8601 in UTC with milliseconds.
    public static func timestamp(_ date: Date) -> String {
        formatterLock.withLock { formatter.string(from: date) }
    }
}
