import Foundation
import GRDB

/// What `corbi init` creates.
public struct InitResult: Sendable {
    public var organization: Organization
    public var admin: User
}

extension AppDatabase {
    /// Creates an organization and its first admin (creating the user if new). The first
    /// step of every workspace, so it needs no actor. `adminName` is the admin's name in
    /// this organization (kept on the membership, as ``addMember(_:email:role:name:)`` does).
    public func createOrganization(
        name: String, domain: String, adminEmail: String, adminName: String? = nil,
        timezone: String = "UTC", callingCode: Int? = nil
    ) throws -> InitResult {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw CorbiError.invalid("The organization name is empty.") }
        let domain = try Validation.domain(domain)
        let email = try Validation.email(adminEmail)
        let zone = try Validation.timezone(timezone)
        if let callingCode { try Validation.callingCode(callingCode) }
        do {
            return try writer.write { db in
                if try Organization.filter(Column("domain") == domain).fetchCount(db) > 0 {
                    throw CorbiError.invalid("An organization with the domain \(domain) already exists.")
                }
                let now = environment.now()
                var organization = Organization(name: name, domain: domain, timezone: zone, callingCode: callingCode, createdAt: now)
                try organization.insert(db)
                var user = try User.filter(Column("email") == email).fetchOne(db) ?? User(email: email, createdAt: now)
                if user.id == nil { try user.insert(db) }
                var membership = Membership(
                    userId: user.id!, organizationId: organization.id!, role: .admin, createdAt: now, name: adminName)
                try membership.insert(db)
                try AuditLog.append(
                    db, organizationId: organization.id!, actor: email,
                    entry: AuditEntry(
                        action: "org.init", target: "organization:\(organization.id!)",
                        details: ["name": .string(name), "domain": .string(domain), "timezone": .string(zone), "admin": .string(email)]),
                    traceId: environment.makeID(), at: now)
                return InitResult(organization: organization, admin: user)
            }
        } catch let error as DatabaseError {
            throw CorbiError(error)
        }
    }

    /// Changes an organization's settings (admins only).
    public func updateOrganization(
        _ actor: Actor, name: String? = nil, timezone: String? = nil, callingCode: Int?? = nil
    ) throws -> Organization {
        try perform(actor, "org.update", requires: .administer, target: "organization:\(actor.organizationId)") { db, entry in
            guard var organization = try Organization.fetchOne(db, key: actor.organizationId) else {
                throw CorbiError.notFound("The organization no longer exists.")
            }
            if let name {
                let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !trimmed.isEmpty else { throw CorbiError.invalid("The organization name is empty.") }
                organization.name = trimmed
                entry.details["name"] = .string(trimmed)
            }
            if let timezone {
                organization.timezone = try Validation.timezone(timezone)
                entry.details["timezone"] = .string(organization.timezone)
            }
            if let callingCode {
                if let code = callingCode { try Validation.callingCode(code) }
                organization.callingCode = callingCode
                entry.details["callingCode"] = callingCode.map { .int(Int64($0)) } ?? .null
            }
            try organization.update(db)
            return organization
        }
    }

    /// The organizations a user belongs to, with their role, by domain.
    public func memberships(userId: Int64) throws -> [(Organization, Role)] {
        try writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT organization.*, membership.role AS memberRole FROM organization
                    JOIN membership ON membership.organizationId = organization.id
                    WHERE membership.userId = ? ORDER BY organization.domain
                    """, arguments: [userId])
            return try rows.map { row in
                (try Organization(row: row), Role(rawValue: row["memberRole"]) ?? .viewer)
            }
        }
    }

    /// Adds a member (creating the user if new) or changes an existing member's role, and
    /// with `name` their display name in this organization.
    ///
    /// Users are shared by organizations: the name is kept on this organization's
    /// membership, never on the user, so one organization's admins can neither rename a
    /// member of another nor see the name another gave them. A new user gets no name of
    /// their own from it either. The change is audited here, in the organization whose
    /// membership changed.
    public func addMember(_ actor: Actor, email: String, role: Role, name: String? = nil) throws -> Member {
        let email = try Validation.email(email)
        let name = try name.map { typed in
            let trimmed = typed.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw CorbiError.invalid("The member's name is empty.") }
            return try Validation.text(trimmed, field: "member's name", maxLength: Validation.maximumNameLength)
        }
        return try perform(actor, "members.add", requires: .administer, target: "user:\(email)", details: ["role": .string(role.rawValue)]) { db, entry in
            let now = environment.now()
            var user = try User.filter(Column("email") == email).fetchOne(db) ?? User(email: email, createdAt: now)
            if user.id == nil { try user.insert(db) }
            var membership: Membership
            if var existing = try Membership.filter(Column("userId") == user.id! && Column("organizationId") == actor.organizationId).fetchOne(db) {
                if existing.role != role {
                    try ensureAnotherAdmin(db, actor: actor, leaving: user.id!, newRole: role)
                    entry.details["previousRole"] = .string(existing.role.rawValue)
                    existing.role = role
                }
                if let name, existing.name != name {
                    entry.details["previousName"] = .optional(existing.name)
                    existing.name = name
                }
                try existing.update(db)
                membership = existing
            } else {
                membership = Membership(userId: user.id!, organizationId: actor.organizationId, role: role, createdAt: now, name: name)
                try membership.insert(db)
            }
            if let name { entry.details["name"] = .string(name) }
            return Member(userId: user.id!, email: user.email, name: membership.name ?? user.name, role: role)
        }
    }

    /// The organization's members, admins first.
    public func members(_ actor: Actor) throws -> [Member] {
        try read(actor) { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT user.id, user.email, coalesce(membership.name, user.name) AS name, membership.role FROM membership
                    JOIN user ON user.id = membership.userId
                    WHERE membership.organizationId = ?
                    ORDER BY CASE membership.role WHEN 'admin' THEN 0 WHEN 'staff' THEN 1 ELSE 2 END, user.email
                    """, arguments: [actor.organizationId]
            ).map { row in
                Member(userId: row["id"], email: row["email"], name: row["name"], role: Role(rawValue: row["role"]) ?? .viewer)
            }
        }
    }

    /// Removes a member from the organization (the user record stays).
    public func removeMember(_ actor: Actor, email: String) throws -> Member {
        let email = try Validation.email(email)
        return try perform(actor, "members.remove", requires: .administer, target: "user:\(email)") { db, _ in
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT user.id, user.email, coalesce(membership.name, user.name) AS name, membership.id AS membershipId,
                        membership.role FROM membership
                    JOIN user ON user.id = membership.userId
                    WHERE membership.organizationId = ? AND user.email = ?
                    """, arguments: [actor.organizationId, email])
            else {
                throw CorbiError.notFound("\(email) is not a member of \(actor.organization.domain).")
            }
            let member = Member(userId: row["id"], email: row["email"], name: row["name"], role: Role(rawValue: row["role"]) ?? .viewer)
            try ensureAnotherAdmin(db, actor: actor, leaving: member.userId, newRole: nil)
            try db.execute(sql: "DELETE FROM membership WHERE id = ?", arguments: [row["membershipId"] as Int64])
            return member
        }
    }

    /// An organization always keeps at least one admin.
    private func ensureAnotherAdmin(_ db: Database, actor: Actor, leaving userId: Int64, newRole: Role?) throws {
        guard newRole != .admin else { return }
        let otherAdmins = try Int.fetchOne(
            db, sql: "SELECT count(*) FROM membership WHERE organizationId = ? AND role = 'admin' AND userId <> ?",
            arguments: [actor.organizationId, userId]) ?? 0
        let isAdmin = try Int.fetchOne(
            db, sql: "SELECT count(*) FROM membership WHERE organizationId = ? AND role = 'admin' AND userId = ?",
            arguments: [actor.organizationId, userId]) ?? 0
        if isAdmin > 0 && otherAdmins == 0 {
            throw CorbiError.invalid("\(actor.organization.domain) must keep at least one admin.")
        }
    }
}
