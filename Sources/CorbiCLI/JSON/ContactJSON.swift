import CorbiCore
import Foundation

/// A contact: `{"id", "fullName", "email", "phoneWhatsapp", "telegramChatId",
/// "instagramScopedId", "status", "tags", "notes", "lastInboundAt", "lastOutboundAt",
/// "createdAt", "updatedAt"}`, times ISO 8601 in the organization's zone.
struct ContactJSON: Encodable, Equatable, Sendable {
    var id: Int64
    var fullName: String
    @Nullable var email: String?
    @Nullable var phoneWhatsapp: String?
    @Nullable var telegramChatId: Int64?
    @Nullable var instagramScopedId: String?
    var status: String
    var tags: [String]
    @Nullable var notes: String?
    @Nullable var lastInboundAt: String?
    @Nullable var lastOutboundAt: String?
    var createdAt: String
    var updatedAt: String

    init(_ contact: Contact, zone: TimeZone) {
        id = contact.id ?? 0
        fullName = contact.fullName
        email = contact.email
        phoneWhatsapp = contact.phoneWhatsapp
        telegramChatId = contact.telegramChatId
        instagramScopedId = contact.instagramScopedId
        status = contact.status.rawValue
        tags = contact.tags
        notes = contact.notes
        lastInboundAt = contact.lastInboundAt.map { DateFormatting.iso8601($0, in: zone) }
        lastOutboundAt = contact.lastOutboundAt.map { DateFormatting.iso8601($0, in: zone) }
        createdAt = DateFormatting.iso8601(contact.createdAt, in: zone)
        updatedAt = DateFormatting.iso8601(contact.updatedAt, in: zone)
    }
}

/// `{"contacts": [...], "total", "totalIsExact"}`: a page of a list or search, and how
/// many match in all (a lower bound when `totalIsExact` is false).
struct ContactListJSON: Encodable {
    var contacts: [ContactJSON]
    var total: Int
    var totalIsExact: Bool
}

/// `{"contacts": [...]}`: every contact (`contacts export --format json`).
struct ContactExportJSON: Encodable {
    var contacts: [ContactJSON]
}

/// `contacts import`: `{"created", "updated", "unchanged", "skipped": ["line N: reason"]}`.
struct ContactImportJSON: Encodable {
    var created: Int
    var updated: Int
    var unchanged: Int
    var skipped: [String]
}
