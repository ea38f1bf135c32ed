import Foundation
import GRDB

/// A contact as an identity conflict names it.
public enum ConflictParty: Equatable, Sendable {
    case contact(id: Int64, name: String)
    /// The owner was deleted since.
    case gone
    /// No contact: the identifier was asked for by a contact being added (or by one
    /// deleted since: the row keeps no trace of which).
    case none
}

/// An identity conflict with the contacts it names, as lists show it.
public struct IdentityConflictEntry: Equatable, Sendable {
    public var conflict: IdentityConflict
    /// The contact that owns (owned) the identifier.
    public var owner: ConflictParty
    /// The contact that asked for it.
    public var attempted: ConflictParty
}

extension AppDatabase {
    /// The organization's identity conflicts, newest first, resolved or not (every
    /// member), with the names of the contacts involved.
    public func identityConflicts(_ actor: Actor, unresolvedOnly: Bool = false, limit: Int? = nil) throws -> [IdentityConflictEntry] {
        try Validation.limit(limit)
        return try read(actor) { db in
            var sql = """
                SELECT identityConflict.*, owner.fullName AS ownerName, attempted.fullName AS attemptedName
                FROM identityConflict
                LEFT JOIN contact owner ON owner.id = identityConflict.ownerContactId
                LEFT JOIN contact attempted ON attempted.id = identityConflict.attemptedContactId
                WHERE identityConflict.organizationId = ?
                """
            var arguments: StatementArguments = [actor.organizationId]
            if unresolvedOnly { sql += " AND identityConflict.resolvedAt IS NULL" }
            sql += " ORDER BY identityConflict.id DESC"
            if let limit {
                sql += " LIMIT ?"
                arguments += [limit]
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let conflict = try IdentityConflict(row: row)
                let owner: ConflictParty = conflict.ownerContactId.map { .contact(id: $0, name: row["ownerName"]) } ?? .gone
                let attempted: ConflictParty = conflict.attemptedContactId.map { .contact(id: $0, name: row["attemptedName"]) } ?? .none
                return IdentityConflictEntry(conflict: conflict, owner: owner, attempted: attempted)
            }
        }
    }

    /// Marks a conflict settled without a merge (staff and admins): the two contacts are
    /// different people, or the identifier was mistyped. 65 if it is settled already, 66
    /// if the organization has no such conflict.
    public func resolveIdentityConflict(_ actor: Actor, id: Int64) throws -> IdentityConflictEntry {
        try perform(actor, "contacts.conflictResolve", requires: .write, target: "identityConflict:\(id)") { db, entry in
            guard var conflict = try IdentityConflict.filter(Column("id") == id && Column("organizationId") == actor.organizationId).fetchOne(db)
            else {
                throw CorbiError.notFound("No identity conflict #\(id).")
            }
            if let resolvedAt = conflict.resolvedAt {
                throw CorbiError.invalid(
                    "Identity conflict #\(id) was settled by \(conflict.resolvedBy ?? "someone") at \(DateFormatting.dateTime(resolvedAt, in: actor.organization.timeZone)).")
            }
            conflict.resolvedAt = environment.now()
            conflict.resolvedBy = actor.name
            try conflict.update(db)
            entry.details = ["channel": .string(conflict.channel.rawValue), "value": .string(conflict.value)]
            let names = try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(
                    db, sql: "SELECT id, fullName FROM contact WHERE id IN (?, ?)",
                    arguments: [conflict.ownerContactId, conflict.attemptedContactId]
                ).map { ($0["id"] as Int64, $0["fullName"] as String) })
            return IdentityConflictEntry(
                conflict: conflict,
                owner: conflict.ownerContactId.flatMap { id in names[id].map { .contact(id: id, name: $0) } } ?? .gone,
                attempted: conflict.attemptedContactId.flatMap { id in names[id].map { .contact(id: id, name: $0) } } ?? .none)
        }
    }
}
