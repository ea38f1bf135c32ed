import CorbiCore

/// An audit event: `{"id", "at", "actor", "action", "outcome", "target", "details",
/// "traceId"}`, `at` ISO 8601 in the organization's zone.
struct AuditEventJSON: Encodable {
    var id: Int64
    var at: String
    var actor: String
    var action: String
    var outcome: String
    @Nullable var target: String?
    var details: JSONValue
    var traceId: String
}

/// `{"events": [...]}`, newest first.
struct AuditListJSON: Encodable {
    var events: [AuditEventJSON]
}

/// `{"ok", "events", "brokenAt", "reason", "keyed", "unkeyed", "unchecked",
/// "keyFingerprint", "file", "head"}`: the chain walked; not ok exits 65. `keyed` counts
/// the events chained with the audit key; `unkeyed` (with a key) the leading events
/// chained before it was in use, `unchecked` (without one) keyed events whose hashes could
/// not be checked, each `{"first", "last", "count"}` or null. `file` is the export checked
/// (null for the database), `head` the saved head given.
struct AuditVerificationJSON: Encodable {
    var ok: Bool
    var events: Int
    @Nullable var brokenAt: Int64?
    @Nullable var reason: String?
    var keyed: Int
    @Nullable var unkeyed: AuditRangeJSON?
    @Nullable var unchecked: AuditRangeJSON?
    @Nullable var keyFingerprint: String?
    @Nullable var file: String?
    @Nullable var head: String?
}

/// Consecutive events: `{"first", "last", "count"}`.
struct AuditRangeJSON: Encodable {
    var first: Int64
    var last: Int64
    var count: Int

    init(_ range: AuditEventRange) {
        first = range.first
        last = range.last
        count = range.count
    }
}

/// `audit head`, `audit seal`: `{"token", "organization", "organizationId", "events",
/// "lastEventId", "hash"}`.
struct AuditHeadJSON: Encodable {
    var token: String
    var organization: String
    var organizationId: Int64
    var events: Int
    var lastEventId: Int64
    var hash: String

    init(_ head: AuditHead, organization: String) {
        token = head.token
        self.organization = organization
        organizationId = head.organizationId
        events = head.events
        lastEventId = head.lastEventId
        hash = head.hash
    }
}

/// `audit key`: `{"path", "fingerprint", "created", "inUse"}`.
struct AuditKeyJSON: Encodable {
    @Nullable var path: String?
    @Nullable var fingerprint: String?
    var created: Bool
    var inUse: Bool
}
