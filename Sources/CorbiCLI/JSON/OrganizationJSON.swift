import CorbiCore
import Foundation

/// An organization: `{"id", "name", "domain", "timezone", "callingCode", "role"}`; role
/// is the acting member's.
struct OrganizationJSON: Encodable {
    var id: Int64
    var name: String
    var domain: String
    var timezone: String
    @Nullable var callingCode: Int?
    @Nullable var role: String?

    init(_ o: Organization, role: Role?) {
        id = o.id ?? 0
        name = o.name
        domain = o.domain
        timezone = o.timezone
        callingCode = o.callingCode
        self.role = role?.rawValue
    }
}

/// `{"organizations": [...]}`.
struct OrganizationListJSON: Encodable {
    var organizations: [OrganizationJSON]
}

/// A member: `{"userId", "email", "name", "role"}`.
struct MemberJSON: Encodable {
    var userId: Int64
    var email: String
    @Nullable var name: String?
    var role: String

    init(_ m: Member) {
        userId = m.userId
        email = m.email
        name = m.name
        role = m.role.rawValue
    }
}

/// `{"members": [...]}`.
struct MemberListJSON: Encodable {
    var members: [MemberJSON]
}

/// `org export -o FILE`: `{"organization", "file", "records", "counts": {TYPE: N},
/// "auditHead"}`; `auditHead` is the exported trail's head token (null if none).
struct OrganizationExportJSON: Encodable {
    var organization: String
    var file: String
    var records: Int
    var counts: [String: Int]
    @Nullable var auditHead: String?
}

/// A deleted organization: `{"id", "organizationId", "domain", "name", "timezone",
/// "deletedBy", "deletedAt", "records", "counts": {TYPE: N}, "admins", "audit": {"events",
/// "lastEventId", "lastHash", "intact", "problem"}}`, `deletedAt` ISO 8601 in its zone.
struct OrganizationDeletionJSON: Encodable {
    struct Audit: Encodable {
        var events: Int
        @Nullable var lastEventId: Int64?
        @Nullable var lastHash: String?
        var intact: Bool
        @Nullable var problem: String?
    }
    var id: Int64
    var organizationId: Int64
    var domain: String
    var name: String
    var timezone: String
    var deletedBy: String
    var deletedAt: String
    var records: Int
    var counts: [String: Int]
    var admins: [String]
    var audit: Audit

    init(_ r: OrganizationDeletionRecord) {
        id = r.id
        organizationId = r.organizationId
        domain = r.domain
        name = r.name
        timezone = r.timezone
        deletedBy = r.deletedBy
        deletedAt = DateFormatting.iso8601(r.deletedAt, in: TimeZone(identifier: r.timezone) ?? TimeZone(identifier: "UTC")!)
        records = r.total
        counts = r.counts
        admins = r.admins
        audit = Audit(
            events: r.auditEvents, lastEventId: r.auditLastEventId, lastHash: r.auditLastHash, intact: r.auditIntact,
            problem: r.auditProblem)
    }

    /// `57 records (3 member, 12 contact, ...)`, the types with any record.
    static func describeCounts(_ r: OrganizationDeletionRecord) -> String {
        let order = ["member", "contact", "identityConflict", "template", "outbound", "outboundAttempt", "inbound", "suppression", "booking"]
        let known = order.compactMap { type in r.counts[type].flatMap { $0 > 0 ? "\($0) \(type)" : nil } }
        let rest = r.counts.keys.filter { !order.contains($0) }.sorted().compactMap { type in
            r.counts[type].flatMap { $0 > 0 ? "\($0) \(type)" : nil }
        }
        return "\(r.total) records" + (known.isEmpty && rest.isEmpty ? "" : " (" + (known + rest).joined(separator: ", ") + ")")
    }
}

/// `org deletions`: `{"deletions": [...]}`, newest first.
struct OrganizationDeletionListJSON: Encodable {
    var deletions: [OrganizationDeletionJSON]
}

/// `org delete`: `{"deletion": {...}, "calendarFolder", "calendarFilesRemoved",
/// "calendarFolderRemoved", "knowledgeBaseFolder", "knowledgeBaseFolderKept"}`.
struct OrganizationDeleteJSON: Encodable {
    var deletion: OrganizationDeletionJSON
    var calendarFolder: String
    var calendarFilesRemoved: Int
    var calendarFolderRemoved: Bool
    var knowledgeBaseFolder: String
    var knowledgeBaseFolderKept: Bool
}
