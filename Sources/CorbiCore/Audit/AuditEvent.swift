import Foundation
import GRDB

/// One entry of an organization's append-only, hash-chained audit trail.
public struct AuditEvent: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "auditEvent"
    public var id: Int64?
    public var organizationId: Int64
    /// The acting user's email (kept as text so the trail outlives the user).
    public var actor: String
    /// A dotted action name, e.g. `contacts.add`.
    public var action: String
    /// `ok`, or `refused` when a rule, a role or bad input stopped the action.
    public var outcome: String
    public var target: String?
    /// Canonical JSON (sorted keys).
    public var details: String
    public var traceId: String
    /// ISO 8601 UTC with milliseconds; hashed exactly as stored.
    public var at: String
    public var prevHash: String?
    public var hash: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The details as a JSON value.
    public var detailsValue: JSONValue { JSONValue.parse(details) }
}

/// What an action wants written to the trail; services fill in target and details as
/// they learn them (the id of a new record, say).
public struct AuditEntry: Sendable {
    public var action: String
    public var target: String?
    public var details: [String: JSONValue]

    public init(action: String, target: String? = nil, details: [String: JSONValue] = [:]) {
        self.action = action
        self.target = target
        self.details = details
    }
}

/// The result of walking one organization's chain.
public struct AuditVerification: Codable, Equatable, Sendable {
    public var ok: Bool
    public var events: Int
    /// The first event whose link is broken (edited, after a removal, or out of order).
    public var brokenAt: Int64?
    /// Why the chain is broken, for people.
    public var reason: String?

    public init(ok: Bool, events: Int, brokenAt: Int64?, reason: String?) {
        self.ok = ok
        self.events = events
        self.brokenAt = brokenAt
        self.reason = reason
    }
}
