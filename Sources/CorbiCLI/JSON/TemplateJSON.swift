import CorbiCore
import Foundation

/// A template: `{"id", "name", "channel", "language", "subject", "body", "variables",
/// "approved", "approvedBy", "approvedAt"}`; approvedBy is the approver's email,
/// approvedAt ISO 8601 with the organization's offset.
struct TemplateJSON: Encodable, Equatable, Sendable {
    var id: Int64
    var name: String
    var channel: String
    var language: String
    @Nullable var subject: String?
    var body: String
    var variables: [String]
    var approved: Bool
    @Nullable var approvedBy: String?
    @Nullable var approvedAt: String?

    init(_ info: TemplateInfo, zone: TimeZone) {
        let t = info.template
        id = t.id ?? 0
        name = t.name
        channel = t.channel.rawValue
        language = t.language
        subject = t.subject
        body = t.body
        variables = t.variables
        approved = t.approved
        approvedBy = t.approved ? info.approvedByEmail : nil
        approvedAt = t.approved ? t.approvedAt.map { DateFormatting.iso8601($0, in: zone) } : nil
    }
}

/// `{"templates": [...]}`.
struct TemplateListJSON: Encodable {
    var templates: [TemplateJSON]
}
