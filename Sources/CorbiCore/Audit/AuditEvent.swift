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
    /// Events walked (up to the broken one when the chain is broken).
    public var events: Int
    /// The first event whose link is broken (edited, after a removal, or out of order).
    public var brokenAt: Int64?
    /// Why the chain is broken, for people.
    public var reason: String?
    /// Events chained with the audit key.
    public var keyed: Int
    /// With a key: the leading events chained before the key was used (plain SHA-256,
    /// which anyone with the database could recompute).
    public var unkeyed: AuditEventRange?
    /// Without the key: keyed events whose hashes could not be recomputed (their links
    /// were checked).
    public var unchecked: AuditEventRange?

    public init(
        ok: Bool, events: Int, brokenAt: Int64?, reason: String?, keyed: Int = 0, unkeyed: AuditEventRange? = nil,
        unchecked: AuditEventRange? = nil
    ) {
        self.ok = ok
        self.events = events
        self.brokenAt = brokenAt
        self.reason = reason
        self.keyed = keyed
        self.unkeyed = unkeyed
        self.unchecked = unchecked
    }

    // Nil values are written as null so the shape is stable for scripts.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ok, forKey: .ok)
        try c.encode(events, forKey: .events)
        try c.encode(brokenAt, forKey: .brokenAt)
        try c.encode(reason, forKey: .reason)
        try c.encode(keyed, forKey: .keyed)
        try c.encode(unkeyed, forKey: .unkeyed)
        try c.encode(unchecked, forKey: .unchecked)
    }
}

/// A run of consecutive events of one chain.
public struct AuditEventRange: Codable, Equatable, Sendable {
    public var first: Int64
    public var last: Int64
    public var count: Int

    public init(first: Int64, last: Int64, count: Int) {
        self.first = first
        self.last = last
        self.count = count
    }

    mutating func extend(to id: Int64) {
        last = id
        count += 1
    }
}
