import Foundation

/// Who is acting, in which organization, with which role. Every service call takes one;
/// the services, not the front ends, decide what the role allows.
public struct Actor: Equatable, Sendable {
    public var user: User
    public var organization: Organization
    public var role: Role

    public init(user: User, organization: Organization, role: Role) {
        self.user = user
        self.organization = organization
        self.role = role
    }

    public var userId: Int64 { user.id! }
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
}
