import Foundation
import GRDB

/// An identifier that must never be messaged on a channel (an opt-out, a complaint, a
/// hard bounce). Unique per organization, channel and identifier.
public struct Suppression: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "suppression"
    public var id: Int64?
    public var organizationId: Int64
    public var channel: Channel
    /// Normalized like a contact's identifier on the channel.
    public var identifier: String
    public var reason: String?
    public var createdBy: Int64?
    public var createdAt: Date

    public init(
        id: Int64? = nil, organizationId: Int64, channel: Channel, identifier: String, reason: String?,
        createdBy: Int64?, createdAt: Date
    ) {
        self.id = id
        self.organizationId = organizationId
        self.channel = channel
        self.identifier = identifier
        self.reason = reason
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
