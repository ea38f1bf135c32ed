import Crypto
import Foundation
import GRDB

/// Writes and checks the hash chain. Each event's hash is SHA-256 over the previous hash
/// and a canonical, length-prefixed encoding of its fields, so editing, removing or
/// reordering any event breaks the chain from that point. With an ``AuditKey`` the hash
/// is an HMAC-SHA256 under the key instead (`hmac:<hex>`), which only the key's holder
/// can compute.
public enum AuditLog {
    /// Appends an event inside the caller's transaction, chained with the connection's
    /// audit key when it has one (``AppDatabase/makeConfiguration(auditKey:)``). A trail
    /// that already has keyed events takes no unkeyed ones (77 without the key).
    @discardableResult
    public static func append(
        _ db: Database, organizationId: Int64, actor: String, entry: AuditEntry,
        outcome: String = "ok", traceId: String, at: Date
    ) throws -> AuditEvent {
        let key = try AuditKey.ofConnection(db)
        let head = try Row.fetchOne(
            db, sql: "SELECT lastEventId, lastHash, events FROM auditHead WHERE organizationId = ?",
            arguments: [organizationId])
        let prevHash: String? = head?["lastHash"]
        if key == nil, let prevHash, AuditKey.isKeyed(prevHash) {
            throw CorbiError.permission(
                "The audit trail of this organization is chained with an audit key; nothing can be recorded without that key.")
        }
        let nextId = (try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'auditEvent'") ?? 0) + 1
        var event = AuditEvent(
            id: nextId, organizationId: organizationId, actor: actor, action: entry.action,
            outcome: outcome, target: entry.target,
            details: JSONValue.object(entry.details).canonicalString, traceId: traceId,
            at: Self.timestamp(at), prevHash: prevHash, hash: "")
        event.hash = Self.hash(of: event, key: key)
        try event.insert(db)
        try db.execute(
            sql: """
                INSERT INTO auditHead (organizationId, lastEventId, lastHash, events) VALUES (?, ?, ?, 1)
                ON CONFLICT (organizationId) DO UPDATE SET
                    lastEventId = excluded.lastEventId, lastHash = excluded.lastHash, events = events + 1
                """, arguments: [organizationId, event.id, event.hash])
        return event
    }

    /// SHA-256 (hex) of the previous hash and the event's fields; with a key, the
    /// HMAC-SHA256 of the same bytes (`hmac:<hex>`).
    public static func hash(of event: AuditEvent, key: AuditKey? = nil) -> String {
        let data = encoding(of: event)
        if let key { return key.hash(data) }
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// The bytes an event's hash covers: every field, length-prefixed, in a fixed order.
    static func encoding(of event: AuditEvent) -> Data {
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
        return data
    }

    /// Walks an organization's chain in order and names the first broken link; the head
    /// table must agree with the walk (count, last id and hash), and an organization
    /// always has at least its first event. `savedHead`, a head kept elsewhere, must
    /// still be part of the trail, at the same position with the same hash.
    public static func verify(
        _ db: Database, organizationId: Int64, key: AuditKey?, savedHead: AuditHead? = nil
    ) throws -> AuditVerification {
        var check = AuditChainCheck(key: key, savedHead: savedHead)
        let cursor = try AuditEvent.fetchCursor(
            db, sql: "SELECT * FROM auditEvent WHERE organizationId = ? ORDER BY id", arguments: [organizationId])
        while let event = try cursor.next() {
            if !check.add(event) { break }
        }
        return check.finish(storedHead: try head(db, organizationId: organizationId), headRequired: true)
    }

    /// The organization's head as the head table keeps it (nil if it has none).
    public static func head(_ db: Database, organizationId: Int64) throws -> AuditHead? {
        try Row.fetchOne(
            db, sql: "SELECT lastEventId, lastHash, events FROM auditHead WHERE organizationId = ?",
            arguments: [organizationId]
        ).map { row in
            AuditHead(organizationId: organizationId, lastEventId: row["lastEventId"], hash: row["lastHash"], events: row["events"])
        }
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
