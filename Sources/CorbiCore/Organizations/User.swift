import Foundation
import GRDB

/// A person who signs in to Corbi; may belong to several organizations.
public struct User: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "user"
    public var id: Int64?
    /// Unique, lower-case.
    public var email: String
    public var name: String?
    public var createdAt: Date

    public init(id: Int64? = nil, email: String, name: String? = nil, createdAt: Date) {
        self.id = id
        self.email = email
        self.name = name
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
