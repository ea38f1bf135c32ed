import CorbiCore
import Foundation

/// A draft: `{"id", "contactId", "templateId", "channel", "body", "status",
/// "scheduledFor", "traceId"}`; id is null for a dry run, scheduledFor ISO 8601 with the
/// organization's offset.
struct DraftJSON: Encodable, Sendable {
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

/// An outbox message: a draft's keys and every other field of the record: `subject`,
/// `mediaUrl`, `variables`, `retryCount`, `error`, `providerMessageId`, `providerStatus`,
/// `nextAttemptAt` (while retrying), when it reached each status (`sentAt`,
/// `deliveredAt`, `readAt`, `failedAt`, `cancelledAt`), `createdAt` and its `attempts`.
struct OutboundMessageJSON: Encodable, Sendable {
    var draft: DraftJSON
    var record: RecordFields

    /// What the outbox adds to a draft.
    struct RecordFields: Encodable, Sendable {
        @Nullable var subject: String?
        @Nullable var mediaUrl: String?
        var variables: [String: String]
        var retryCount: Int
        @Nullable var error: String?
        @Nullable var providerMessageId: String?
        @Nullable var providerStatus: String?
        @Nullable var nextAttemptAt: String?
        @Nullable var sentAt: String?
        @Nullable var deliveredAt: String?
        @Nullable var readAt: String?
        @Nullable var failedAt: String?
        @Nullable var cancelledAt: String?
        var createdAt: String
        var attempts: [AttemptJSON]
    }

    init(_ message: OutboundMessage, attempts: [OutboundAttempt] = [], zone: TimeZone) {
        func time(_ date: Date?) -> String? { date.map { DateFormatting.iso8601($0, in: zone) } }
        draft = DraftJSON(message, zone: zone)
        record = RecordFields(
            subject: message.subject, mediaUrl: message.mediaUrl, variables: message.variables, retryCount: message.retryCount,
            error: message.error, providerMessageId: message.providerMessageId, providerStatus: message.providerStatus,
            nextAttemptAt: message.status == .retrying ? time(message.nextAttemptAt) : nil, sentAt: time(message.sentAt),
            deliveredAt: time(message.deliveredAt), readAt: time(message.readAt), failedAt: time(message.failedAt),
            cancelledAt: time(message.cancelledAt), createdAt: DateFormatting.iso8601(message.createdAt, in: zone),
            attempts: attempts.map { AttemptJSON($0, zone: zone) })
    }

    // Flat: an outbox message reads like a draft with more keys.
    func encode(to encoder: any Encoder) throws {
        try draft.encode(to: encoder)
        try record.encode(to: encoder)
    }
}

/// One attempt to send: `{"attempt", "startedAt", "finishedAt", "outcome", "code",
/// "error", "providerMessageId"}`; outcome is null while the provider is being called.
struct AttemptJSON: Encodable, Sendable {
    var attempt: Int
    var startedAt: String
    @Nullable var finishedAt: String?
    @Nullable var outcome: String?
    @Nullable var code: String?
    @Nullable var error: String?
    @Nullable var providerMessageId: String?

    init(_ a: OutboundAttempt, zone: TimeZone) {
        attempt = a.attempt
        startedAt = DateFormatting.iso8601(a.startedAt, in: zone)
        finishedAt = a.finishedAt.map { DateFormatting.iso8601($0, in: zone) }
        outcome = a.outcome?.rawValue
        code = a.code
        error = a.error
        providerMessageId = a.providerMessageId
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
