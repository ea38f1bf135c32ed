import Foundation
import GRDB

/// Who is acting, in which organization, with which role. Every service call takes one;
/// the services, not the front ends, decide what the role allows.
///
/// A member's role is what it was when the actor was resolved; every action reads it
/// again inside its own transaction (``AppDatabase/perform(_:_:requires:target:details:_:)``),
/// so a member removed or demoted while a shell is open loses the rights at once.
public struct Actor: Equatable, Sendable {
    /// A person with a membership, or a part of Corbi acting on its own.
    public enum Principal: Equatable, Sendable {
        case member(User)
        /// `dispatcher`, `webhook:telegram`: acts with staff rights, audited under its name.
        case service(String)
    }

    public var principal: Principal
    public var organization: Organization
    public var role: Role

    /// A member of `organization`.
    public init(user: User, organization: Organization, role: Role) {
        self.principal = .member(user)
        self.organization = organization
        self.role = role
    }

    /// A part of Corbi (the dispatcher, a webhook) acting in `organization` with staff rights.
    public static func service(_ name: String, organization: Organization) -> Actor {
        Actor(principal: .service(name), organization: organization, role: .staff)
    }

    private init(principal: Principal, organization: Organization, role: Role) {
        self.principal = principal
        self.organization = organization
        self.role = role
    }

    /// The member's user; nil for a service.
    public var user: User? {
        if case .member(let user) = principal { return user }
        return nil
    }

    /// The member's user id (`createdBy` columns); nil for a service.
    public var userId: Int64? { user?.id }

    /// The name the audit trail records: the member's email, or the service's name.
    public var name: String {
        switch principal {
        case .member(let user): user.email
        case .service(let name): name
        }
    }

    public var organizationId: Int64 { organization.id! }
}

/// What an action needs from the actor's role.
public enum Permission: Sendable {
    /// Read the organization's records: every member.
    case read
    /// Create and change business records (contacts, bookings, drafts): staff and admins.
    case write
    /// Manage members and approve templates: admins.
    case administer

    var minimumRole: Role {
        switch self {
        case .read: .viewer
        case .write: .staff
        case .administer: .admin
        }
    }
}

extension Actor {
    /// Throws 77 unless the actor's role allows `permission`.
    public func require(_ permission: Permission, to action: String) throws {
        guard role >= permission.minimumRole else {
            let needed = permission.minimumRole == .admin ? "an admin" : "staff or an admin"
            throw CorbiError.permission("A \(role.rawValue) cannot \(action); it takes \(needed).")
        }
    }

    /// The actor with the role its membership has now, read in the caller's transaction;
    /// 77 when the membership is gone. Services keep their rights.
    public func current(_ db: Database) throws -> Actor {
        guard let userId else { return self }
        guard
            let raw = try String.fetchOne(
                db, sql: "SELECT role FROM membership WHERE userId = ? AND organizationId = ?",
                arguments: [userId, organizationId])
        else {
            throw CorbiError.permission("\(name) is no longer a member of \(organization.domain).")
        }
        var copy = self
        copy.role = Role(rawValue: raw) ?? .viewer
        return copy
    }
}
