import Foundation
import GRDB

/// A message text the business uses again and again, with placeholders filled per
/// message. Unique per organization, name, language and channel; only an approved
/// template may be drafted.
public struct MessageTemplate: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "messageTemplate"
    public var id: Int64?
    public var organizationId: Int64
    /// `^[a-z][a-z0-9_]*$`, as WhatsApp requires.
    public var name: String
    public var channel: Channel
    /// A language tag such as `en`, `de` or `pt_BR`.
    public var language: String
    /// Email only (required there).
    public var subject: String?
    public var body: String
    /// The placeholders of body and subject, in order of first use.
    public var variables: [String]
    public var approved: Bool
    /// The admin who approved it (a user id).
    public var approvedBy: Int64?
    public var approvedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, organizationId: Int64, name: String, channel: Channel, language: String,
        subject: String? = nil, body: String, variables: [String], approved: Bool = false,
        approvedBy: Int64? = nil, approvedAt: Date? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.organizationId = organizationId
        self.name = name
        self.channel = channel
        self.language = language
        self.subject = subject
        self.body = body
        self.variables = variables
        self.approved = approved
        self.approvedBy = approvedBy
        self.approvedAt = approvedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// "appointment_reminder (whatsapp, en)".
    public var label: String { "\(name) (\(channel.rawValue), \(language))" }

    /// Whether the placeholders are `{{1}}`..`{{n}}`.
    public var isPositional: Bool { variables.first.map(TemplateRenderer.isPositional) ?? false }
}

/// A template as shown: the record and the email of the admin who approved it.
public struct TemplateInfo: Equatable, Sendable {
    public var template: MessageTemplate
    public var approvedByEmail: String?

    public init(template: MessageTemplate, approvedByEmail: String?) {
        self.template = template
        self.approvedByEmail = approvedByEmail
    }
}

/// Which template a command means: a name (or `#id`), narrowed by channel and language.
public struct TemplateSelector: Sendable, Equatable {
    public var name: String
    /// A channel name as typed; checked by the service (65 if unknown).
    public var channel: String?
    public var language: String?

    public init(name: String, channel: String? = nil, language: String? = nil) {
        self.name = name
        self.channel = channel
        self.language = language
    }
}
