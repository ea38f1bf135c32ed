import Foundation
import GRDB

/// Whether a contact may be messaged.
public enum ContactStatus: String, Codable, Sendable, CaseIterable {
    case active, blocked, unsubscribed, bounced

    /// Parses a status given by a user (65 if unknown).
    public static func parse(_ text: String) throws -> ContactStatus {
        guard let status = ContactStatus(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw CorbiError.invalid("Unknown status '\(text)': use active, blocked, unsubscribed or bounced.")
        }
        return status
    }
}

/// A person the organization talks to, with one identifier per channel.
public struct Contact: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "contact"
    public var id: Int64?
    public var organizationId: Int64
    public var fullName: String
    /// Lower-cased.
    public var email: String?
    /// E.164, e.g. `+4930123456`.
    public var phoneWhatsapp: String?
    public var telegramChatId: Int64?
    public var instagramScopedId: String?
    public var status: ContactStatus
    public var tags: [String]
    public var notes: String?
    public var lastInboundAt: Date?
    public var lastOutboundAt: Date?
    /// Folded name, identifiers and tags, kept for substring search.
    public var searchText: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, organizationId: Int64, fullName: String, email: String? = nil,
        phoneWhatsapp: String? = nil, telegramChatId: Int64? = nil, instagramScopedId: String? = nil,
        status: ContactStatus = .active, tags: [String] = [], notes: String? = nil,
        lastInboundAt: Date? = nil, lastOutboundAt: Date? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.organizationId = organizationId
        self.fullName = fullName
        self.email = email
        self.phoneWhatsapp = phoneWhatsapp
        self.telegramChatId = telegramChatId
        self.instagramScopedId = instagramScopedId
        self.status = status
        self.tags = tags
        self.notes = notes
        self.lastInboundAt = lastInboundAt
        self.lastOutboundAt = lastOutboundAt
        self.searchText = ""
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        refreshSearchText()
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    // Hand-written: the synthesized Codable encoding cost more than the insert itself.
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["organizationId"] = organizationId
        container["fullName"] = fullName
        container["email"] = email
        container["phoneWhatsapp"] = phoneWhatsapp
        container["telegramChatId"] = telegramChatId
        container["instagramScopedId"] = instagramScopedId
        container["status"] = status.rawValue
        container["tags"] = JSONValue.array(tags.map(JSONValue.string)).canonicalString
        container["notes"] = notes
        container["lastInboundAt"] = lastInboundAt.map(DatabaseDate.string)
        container["lastOutboundAt"] = lastOutboundAt.map(DatabaseDate.string)
        container["searchText"] = searchText
        container["createdAt"] = DatabaseDate.string(createdAt)
        container["updatedAt"] = DatabaseDate.string(updatedAt)
    }

    /// Recomputes `searchText`; call after changing a searched field.
    public mutating func refreshSearchText() {
        var parts = [fullName]
        if let email { parts.append(email) }
        if let phoneWhatsapp { parts.append(phoneWhatsapp) }
        if let telegramChatId { parts.append(String(telegramChatId)) }
        if let instagramScopedId { parts.append(instagramScopedId) }
        parts.append(contentsOf: tags)
        searchText = SearchText.fold(parts.joined(separator: " "))
    }

    /// The identifier of the contact on `channel`, as text.
    public func identifier(on channel: Channel) -> String? {
        switch channel {
        case .email: email
        case .whatsapp: phoneWhatsapp
        case .telegram: telegramChatId.map { String($0) }
        case .instagram: instagramScopedId
        }
    }

    /// "Anna Schmidt (#12)".
    public var label: String { "\(fullName) (#\(id ?? 0))" }

    /// The first word of the name.
    public var firstName: String {
        String(fullName.split(separator: " ").first ?? Substring(fullName))
    }
}

/// What deleting a contact did.
public struct ContactDeletion: Sendable {
    public var contact: Contact
    /// Bookings deleted with the contact.
    public var bookingsDeleted: Int
    /// Calendar files of those bookings that could not be removed.
    public var calendarWarnings: [String]
}
