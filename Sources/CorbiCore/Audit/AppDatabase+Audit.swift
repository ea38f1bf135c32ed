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

    /// Walks the actor's organization's chain (every member), with the workspace's audit
    /// key when it has one. `savedHead`, a head from ``auditHead(_:)`` kept elsewhere,
    /// must still be in the trail at the same position with the same hash: a trail
    /// rewritten from an earlier point, or cut back, fails even when it chains.
    public func verifyAudit(_ actor: Actor, against savedHead: AuditHead? = nil) throws -> AuditVerification {
        if let savedHead, savedHead.organizationId != actor.organizationId {
            throw CorbiError.invalid("That audit head belongs to another organization (#\(savedHead.organizationId)).")
        }
        return try read(actor) { db in
            try AuditLog.verify(db, organizationId: actor.organizationId, key: auditKey, savedHead: savedHead)
        }
    }

    /// The organization's newest link and event count, to keep somewhere else and give
    /// back to ``verifyAudit(_:against:)`` later (every member).
    public func auditHead(_ actor: Actor) throws -> AuditHead {
        try read(actor) { db in
            guard let head = try AuditLog.head(db, organizationId: actor.organizationId) else {
                throw CorbiError.invalid("The audit trail of \(actor.organization.domain) has no head: its events were deleted.")
            }
            return head
        }
    }

    /// Chains the next event with the workspace's audit key (admins): after a key is
    /// introduced, this protects a trail nobody has written to since. Any action taken
    /// with the key does the same; this one records only that the trail was sealed.
    @discardableResult
    public func sealAudit(_ actor: Actor) throws -> AuditHead {
        guard let auditKey else {
            throw CorbiError.invalid("No audit key is in use, so there is nothing to seal the trail with.")
        }
        try perform(actor, "audit.seal", requires: .administer, details: ["keyFingerprint": .string(auditKey.fingerprint)]) { _, _ in }
        return try auditHead(actor)
    }

    /// Verifies audit events alone, as exported (the `auditEvent` lines of an export, in
    /// file order), exactly as the database's trail is verified: the first starts the
    /// chain, each links to the one before, each hash recomputes (with `key` for keyed
    /// ones). Lines of other types are skipped; an `auditHead` line, if present, must
    /// match the end of the walk. Needs no database.
    ///
    /// A line that is not JSON, or an `auditEvent` line missing a field, breaks the chain
    /// there (the reason names the line).
    public static func verifyExportedAudit(
        lines: some Sequence<String>, key: AuditKey?, savedHead: AuditHead? = nil
    ) -> AuditVerification {
        var check = AuditChainCheck(key: key, savedHead: savedHead)
        var storedHead: AuditHead?
        let decoder = JSONDecoder()
        var lineNumber = 0
        for line in lines {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let data = Data(line.utf8)
            guard let kind = try? decoder.decode(ExportLineType.self, from: data) else {
                return check.failed(at: nil, reason: "line \(lineNumber) is not a JSON record with a type")
            }
            switch kind.type {
            case "auditEvent":
                guard let event = try? decoder.decode(AuditEvent.self, from: data) else {
                    return check.failed(at: nil, reason: "line \(lineNumber) is not a complete audit event")
                }
                if !check.add(event) { return check.finish(storedHead: nil, headRequired: false) }
            case "auditHead":
                guard let row = try? decoder.decode(ExportedAuditHead.self, from: data) else {
                    return check.failed(at: nil, reason: "line \(lineNumber) is not a complete audit head")
                }
                storedHead = AuditHead(organizationId: row.organizationId, lastEventId: row.lastEventId, hash: row.lastHash, events: row.events)
            default:
                continue
            }
        }
        return check.finish(storedHead: storedHead, headRequired: false)
    }

    /// ``verifyExportedAudit(lines:key:savedHead:)`` on the file at `path`, read line by
    /// line (66 if it does not exist).
    public static func verifyExportedAudit(file path: String, key: AuditKey?, savedHead: AuditHead? = nil) throws -> AuditVerification {
        let reader = try LineReader(path: path)
        let result = verifyExportedAudit(lines: reader, key: key, savedHead: savedHead)
        if let error = reader.error { throw error }
        return result
    }

    static func describe(_ action: String) -> String {
        "do '\(action)'"
    }
}

/// The `type` of an export line.
private struct ExportLineType: Decodable {
    var type: String
}

/// An export's `auditHead` line: the head table's row.
private struct ExportedAuditHead: Decodable {
    var organizationId: Int64
    var lastEventId: Int64
    var lastHash: String
    var events: Int
}
