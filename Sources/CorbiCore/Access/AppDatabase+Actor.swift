import Foundation
import GRDB

extension AppDatabase {
    /// Resolves who is acting, as the contract says: the user from the flag or
    /// `CORBI_USER`, else the only user; the organization from the flag or `CORBI_ORG` (id
    /// or domain), else the user's only membership. Ambiguity is an error listing the
    /// choices; an organization the user does not belong to is "not found".
    public func resolveActor(user userHint: String?, organization orgHint: String?) throws -> Actor {
        do {
            return try writer.read { db in
                let user = try resolveUser(db, hint: userHint)
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT organization.*, membership.role AS memberRole FROM organization
                        JOIN membership ON membership.organizationId = organization.id
                        WHERE membership.userId = ? ORDER BY organization.domain
                        """, arguments: [user.id!])
                let choices = try rows.map { (try Organization(row: $0), Role(rawValue: $0["memberRole"]) ?? .viewer) }
                if let orgHint = orgHint?.trimmingCharacters(in: .whitespaces), !orgHint.isEmpty {
                    let wanted = orgHint.lowercased()
                    guard let match = choices.first(where: { $0.0.domain == wanted || String($0.0.id!) == wanted }) else {
                        throw CorbiError.notFound("No organization '\(orgHint)' for \(user.email).")
                    }
                    return Actor(user: user, organization: match.0, role: match.1)
                }
                switch choices.count {
                case 0:
                    throw CorbiError.notFound("\(user.email) is not a member of any organization.")
                case 1:
                    return Actor(user: user, organization: choices[0].0, role: choices[0].1)
                default:
                    let list = choices.map(\.0.domain).joined(separator: ", ")
                    throw CorbiError.usage("\(user.email) belongs to several organizations; choose one: \(list).", hints: [.organization])
                }
            }
        } catch let error as DatabaseError {
            throw CorbiError(error)
        }
    }

    private func resolveUser(_ db: Database, hint: String?) throws -> User {
        if let hint = hint?.trimmingCharacters(in: .whitespaces), !hint.isEmpty {
            guard let user = try User.filter(Column("email") == hint.lowercased()).fetchOne(db) else {
                throw CorbiError.notFound("No user \(hint) in this database.")
            }
            return user
        }
        let users = try User.order(Column("email")).limit(11).fetchAll(db)
        switch users.count {
        case 0:
            throw CorbiError.notFound("This database has no users yet: create an organization and its first admin.", hints: [.initialize])
        case 1:
            return users[0]
        default:
            let list = users.prefix(10).map(\.email).joined(separator: ", ") + (users.count > 10 ? ", ..." : "")
            throw CorbiError.usage("Several users share this database; choose one: \(list).", hints: [.user])
        }
    }
}

extension AppDatabase {
    /// The user the hint names, or the only user (errors as for `resolveActor`).
    public func resolveUser(_ hint: String?) throws -> User {
        do {
            return try writer.read { db in try resolveUser(db, hint: hint) }
        } catch let error as DatabaseError {
            throw CorbiError(error)
        }
    }
}
