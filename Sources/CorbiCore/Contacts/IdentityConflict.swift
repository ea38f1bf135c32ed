import Foundation
import GRDB

/// A refused attempt to take an identifier another contact owns, until a person settles
/// it (usually by merging the two contacts).
public struct IdentityConflict: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "identityConflict"
    public var id: Int64?
    public var organizationId: Int64
    public var actor: String
    public var channel: Channel
    public var value: String
    /// The contact that owns the identifier; nil once it was deleted.
    public var ownerContactId: Int64?
    /// The contact being updated; nil for an add, or once it was deleted.
    public var attemptedContactId: Int64?
    public var createdAt: Date
    /// When and by whom (an email, or a service's name) it was settled.
    public var resolvedAt: Date?
    public var resolvedBy: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public var isResolved: Bool { resolvedAt != nil }
}
