import Foundation
import GRDB

/// A business using Corbi: every business record belongs to exactly one organization.
public struct Organization: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "organization"
    public var id: Int64?
    public var name: String
    /// Unique, lower-case; also the folder name of its private knowledge-base files.
    public var domain: String
    /// IANA time zone identifier, e.g. `Europe/Berlin`.
    public var timezone: String
    /// Default country calling code for national phone numbers (49 for Germany).
    public var callingCode: Int?
    public var createdAt: Date

    public init(id: Int64? = nil, name: String, domain: String, timezone: String, callingCode: Int? = nil, createdAt: Date) {
        self.id = id
        self.name = name
        self.domain = domain
        self.timezone = timezone
        self.callingCode = callingCode
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The organization's time zone (UTC if the stored identifier is unknown).
    public var timeZone: TimeZone { TimeZone(identifier: timezone) ?? TimeZone(identifier: "UTC")! }
}
