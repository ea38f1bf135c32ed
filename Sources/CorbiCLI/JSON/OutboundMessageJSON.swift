import CorbiCore
import Foundation

/// A draft and an outbox message: `{"id", "contactId", "templateId", "channel", "body",
/// "status", "scheduledFor", "traceId"}`; id is null for a dry run, scheduledFor ISO 8601
/// with the organization's offset.
struct OutboundMessageJSON: Encodable, Equatable, Sendable {
    @Nullable var id: Int64?
    var contactId: Int64
    @Nullable var templateId: Int64?
    var channel: String
    var body: String
    var status: String
    var scheduledFor: String
    var traceId: String

    init(_ message: OutboundMessage, zone: TimeZone) {
        id = message.id
        contactId = message.contactId
        templateId = message.templateId
        channel = message.channel.rawValue
        body = message.body
        status = message.status.rawValue
        scheduledFor = DateFormatting.iso8601(message.scheduledFor, in: zone)
        traceId = message.traceId
    }
}

/// `{"messages": [...]}`: the outbox.
struct OutboxJSON: Encodable {
    var messages: [OutboundMessageJSON]
}

/// `{"channel", "perMinute", "isDefault"}`: a channel's sending rate.
struct RateJSON: Encodable {
    var channel: String
    var perMinute: Int
    var isDefault: Bool
}

/// `{"rates": [...]}`.
struct RateListJSON: Encodable {
    var rates: [RateJSON]
}
