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

/// `{"ok", "events", "brokenAt", "reason"}`: the chain walked; not ok exits 65.
struct AuditVerificationJSON: Encodable {
    var ok: Bool
    var events: Int
    @Nullable var brokenAt: Int64?
    @Nullable var reason: String?
}
