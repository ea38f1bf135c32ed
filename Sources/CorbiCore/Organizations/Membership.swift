import Foundation
import GRDB

/// What a member may do in an organization.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case viewer, staff, admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .staff: 1
        case .admin: 2
        }
    }

    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }

    /// Parses a role name given by a user (65 if unknown).
    public static func parse(_ text: String) throws -> Role {
        guard let role = Role(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw CorbiError.invalid("Unknown role '\(text)': use admin, staff or viewer.")
        }
        return role
    }
}

/// A user's role in one organization; unique per (user, organization).
public struct Membership: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "membership"
    public var id: Int64?
    public var userId: Int64
    public var organizationId: Int64
    public var role: Role
    public var createdAt: Date
    /// The member's display name in this organization, set by its admins (or the user's
    /// own name when nil). Never seen by another organization.
    public var name: String?

    public init(id: Int64? = nil, userId: Int64, organizationId: Int64, role: Role, createdAt: Date, name: String? = nil) {
        self.id = id
        self.userId = userId
        self.organizationId = organizationId
        self.role = role
        self.createdAt = createdAt
        self.name = name
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A member as listed: the user and their role.
public struct Member: Codable, Equatable, Sendable {
    public var userId: Int64
    public var email: String
    public var name: String?
    public var role: Role
}
