import Foundation
import GRDB

extension AppDatabase {
    /// Runs one action as one write transaction with its audit event. If the action is
    /// refused (a rule, a role, bad input, not found), the refusal is audited in a
    /// transaction of its own and the error rethrown; nothing of the action is written.
    ///
    /// - Parameters:
    ///   - permission: what the actor's role must allow; checked before `body` runs.
    ///   - body: the action's reads and writes; it may set `entry.target` and details.
    public func perform<T>(
        _ actor: Actor, _ action: String, requires permission: Permission, target: String? = nil,
        details: [String: JSONValue] = [:],
        _ body: (Database, inout AuditEntry) throws -> T
    ) throws -> T {
        var entry = AuditEntry(action: action, target: target, details: details)
        let traceId = environment.makeID()
        do {
            return try writer.write { db in
                // The role as it is now, not as it was when a shell resolved the actor.
                try actor.current(db).require(permission, to: Self.describe(action))
                let result = try body(db, &entry)
                try AuditLog.append(
                    db, organizationId: actor.organizationId, actor: actor.name, entry: entry,
                    traceId: traceId, at: environment.now())
                return result
            }
        } catch let error as CorbiError where error.isRefusal {
            try? auditRefusal(actor, entry: entry, error: error, traceId: traceId)
            throw error
        } catch let error as DatabaseError {
            let mapped = CorbiError(error)
            if mapped.isRefusal { try? auditRefusal(actor, entry: entry, error: mapped, traceId: traceId) }
            throw mapped
        }
    }

    /// Records a refused attempt that never reached `perform` (a failed lookup, say).
    public func auditRefusal(_ actor: Actor, entry: AuditEntry, error: CorbiError, traceId: String? = nil) throws {
        var refused = entry
        refused.details["error"] = .string(error.description)
        refused.details["exitCode"] = .int(Int64(error.exitCode))
        _ = try writer.write { db in
            try AuditLog.append(
                db, organizationId: actor.organizationId, actor: actor.name, entry: refused,
                outcome: "refused", traceId: traceId ?? environment.makeID(), at: environment.now())
        }
    }

    /// Reads as the actor (every role may read; a member removed meanwhile may not).
    public func read<T>(_ actor: Actor, _ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read { db in
                _ = try actor.current(db)
                return try body(db)
            }
        } catch let error as DatabaseError {
            throw CorbiError(error)
        }
    }

    /// The newest events first, optionally of one action (prefix match: `contacts`
    /// matches `contacts.add`).
    public func auditEvents(_ actor: Actor, limit: Int = 50, action: String? = nil) throws -> [AuditEvent] {
        try read(actor) { db in
            var sql = "SELECT * FROM auditEvent WHERE organizationId = ?"
            var arguments: StatementArguments = [actor.organizationId]
            if let action {
                sql += " AND (action = ? OR action LIKE ? ESCAPE '\\')"
                let escaped = action.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                arguments += [action, escaped + ".%"]
            }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments += [max(0, limit)]
            return try AuditEvent.fetchAll(db, sql: sql, arguments: arguments)
        }
    }

    /// Walks the actor's organization's chain.
    public func verifyAudit(_ actor: Actor) throws -> AuditVerification {
        try read(actor) { db in try AuditLog.verify(db, organizationId: actor.organizationId) }
    }

    static func describe(_ action: String) -> String {
        "do '\(action)'"
    }
}
