import Foundation
import GRDB

/// Where an outbound message is on its way; statuses never move backwards
/// (pending < sent < delivered < read; `failed` ranks with sent, `cancelled` with pending;
/// `outbox retry` alone moves a failed message back to pending).
public enum MessageStatus: String, Codable, Sendable, CaseIterable {
    case pending, retrying, sent, failed, delivered, read, cancelled

    /// Parses a status given by a user (65 if unknown).
    public static func parse(_ text: String) throws -> MessageStatus {
        guard let status = MessageStatus(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw CorbiError.invalid(
                "Unknown message status '\(text)': use \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return status
    }
}

/// A message to one contact on one channel, scheduled for sending.
public struct OutboundMessage: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "outboundMessage"
    public var id: Int64?
    public var organizationId: Int64
    public var contactId: Int64
    /// Nil for free text (or after the template was deleted).
    public var templateId: Int64?
    public var channel: Channel
    /// Email only.
    public var subject: String?
    /// The rendered text, exactly as it will be sent.
    public var body: String
    /// The values the body was rendered with (a JSON object).
    public var variables: [String: String]
    public var mediaUrl: String?
    public var scheduledFor: Date
    public var status: MessageStatus
    public var retryCount: Int
    public var error: String?
    /// Unique; follows the message through the provider and the audit trail.
    public var traceId: String
    public var providerMessageId: String?
    public var providerStatus: String?
    public var createdBy: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    /// The dispatcher holding the message while it calls the provider, and until when.
    public var claimOwner: String?
    public var claimExpiresAt: Date?
    /// When a retrying message is due again (nil: at `scheduledFor`).
    public var nextAttemptAt: Date?
    public var firstAttemptAt: Date?
    public var lastAttemptAt: Date?
    /// When the message reached each status.
    public var sentAt: Date?
    public var deliveredAt: Date?
    public var readAt: Date?
    public var failedAt: Date?
    public var cancelledAt: Date?

    public init(
        id: Int64? = nil, organizationId: Int64, contactId: Int64, templateId: Int64?, channel: Channel,
        subject: String?, body: String, variables: [String: String], scheduledFor: Date, status: MessageStatus = .pending,
        traceId: String, createdBy: Int64?, createdAt: Date
    ) {
        self.id = id
        self.organizationId = organizationId
        self.contactId = contactId
        self.templateId = templateId
        self.channel = channel
        self.subject = subject
        self.body = body
        self.variables = variables
        self.mediaUrl = nil
        self.scheduledFor = scheduledFor
        self.status = status
        self.retryCount = 0
        self.error = nil
        self.traceId = traceId
        self.providerMessageId = nil
        self.providerStatus = nil
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The JSON shape of a draft and of an outbox message: `{"id", "contactId", "templateId",
/// "channel", "body", "status", "scheduledFor", "traceId"}`; id is null for a dry run,
/// scheduledFor is ISO 8601 with the organization's offset.
public struct DraftJSON: Encodable, Equatable, Sendable {
    public var id: Int64?
    public var contactId: Int64
    public var templateId: Int64?
    public var channel: String
    public var body: String
    public var status: String
    public var scheduledFor: String
    public var traceId: String

    public init(_ message: OutboundMessage, zone: TimeZone) {
        id = message.id
        contactId = message.contactId
        templateId = message.templateId
        channel = message.channel.rawValue
        body = message.body
        status = message.status.rawValue
        scheduledFor = DateFormatting.iso8601(message.scheduledFor, in: zone)
        traceId = message.traceId
    }

    // Nil values are written as null so the shape is stable for scripts.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(contactId, forKey: .contactId)
        try c.encode(templateId, forKey: .templateId)
        try c.encode(channel, forKey: .channel)
        try c.encode(body, forKey: .body)
        try c.encode(status, forKey: .status)
        try c.encode(scheduledFor, forKey: .scheduledFor)
        try c.encode(traceId, forKey: .traceId)
    }

    enum CodingKeys: String, CodingKey { case id, contactId, templateId, channel, body, status, scheduledFor, traceId }
}

/// The JSON shape of an outbox message: the draft's keys and everything the dispatcher
/// wrote. `{"id", "contactId", "templateId", "channel", "body", "status", "scheduledFor",
/// "traceId", "subject", "mediaUrl", "variables", "retryCount", "error",
/// "providerMessageId", "providerStatus", "nextAttemptAt", "sentAt", "deliveredAt",
/// "readAt", "failedAt", "cancelledAt", "attempts"}`; times ISO 8601 with the
/// organization's offset; `attempts` is null unless they were read (`outbox show`).
public struct OutboxMessageJSON: Encodable, Equatable, Sendable {
    public var draft: DraftJSON
    public var subject: String?
    public var mediaUrl: String?
    public var variables: [String: String]
    public var retryCount: Int
    public var error: String?
    public var providerMessageId: String?
    public var providerStatus: String?
    public var nextAttemptAt: String?
    public var sentAt: String?
    public var deliveredAt: String?
    public var readAt: String?
    public var failedAt: String?
    public var cancelledAt: String?
    public var attempts: [OutboundAttemptJSON]?

    public init(_ message: OutboundMessage, zone: TimeZone, attempts: [OutboundAttempt]? = nil) {
        func time(_ date: Date?) -> String? { date.map { DateFormatting.iso8601($0, in: zone) } }
        draft = DraftJSON(message, zone: zone)
        subject = message.subject
        mediaUrl = message.mediaUrl
        variables = message.variables
        retryCount = message.retryCount
        error = message.error
        providerMessageId = message.providerMessageId
        providerStatus = message.providerStatus
        nextAttemptAt = message.status == .retrying ? time(message.nextAttemptAt) : nil
        sentAt = time(message.sentAt)
        deliveredAt = time(message.deliveredAt)
        readAt = time(message.readAt)
        failedAt = time(message.failedAt)
        cancelledAt = time(message.cancelledAt)
        self.attempts = attempts?.map { OutboundAttemptJSON($0, zone: zone) }
    }

    // Nil values are written as null so the shape is stable for scripts.
    public func encode(to encoder: any Encoder) throws {
        try draft.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(subject, forKey: .subject)
        try c.encode(mediaUrl, forKey: .mediaUrl)
        try c.encode(variables, forKey: .variables)
        try c.encode(retryCount, forKey: .retryCount)
        try c.encode(error, forKey: .error)
        try c.encode(providerMessageId, forKey: .providerMessageId)
        try c.encode(providerStatus, forKey: .providerStatus)
        try c.encode(nextAttemptAt, forKey: .nextAttemptAt)
        try c.encode(sentAt, forKey: .sentAt)
        try c.encode(deliveredAt, forKey: .deliveredAt)
        try c.encode(readAt, forKey: .readAt)
        try c.encode(failedAt, forKey: .failedAt)
        try c.encode(cancelledAt, forKey: .cancelledAt)
        try c.encode(attempts, forKey: .attempts)
    }

    enum CodingKeys: String, CodingKey {
        case subject, mediaUrl, variables, retryCount, error, providerMessageId, providerStatus, nextAttemptAt, sentAt
        case deliveredAt, readAt, failedAt, cancelledAt, attempts
    }
}

/// The JSON shape of one attempt: `{"attempt", "startedAt", "finishedAt", "outcome",
/// "code", "error", "providerMessageId"}`; outcome null while it runs.
public struct OutboundAttemptJSON: Encodable, Equatable, Sendable {
    public var attempt: Int
    public var startedAt: String
    public var finishedAt: String?
    public var outcome: String?
    public var code: String?
    public var error: String?
    public var providerMessageId: String?

    public init(_ a: OutboundAttempt, zone: TimeZone) {
        attempt = a.attempt
        startedAt = DateFormatting.iso8601(a.startedAt, in: zone)
        finishedAt = a.finishedAt.map { DateFormatting.iso8601($0, in: zone) }
        outcome = a.outcome?.rawValue
        code = a.code
        error = a.error
        providerMessageId = a.providerMessageId
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(attempt, forKey: .attempt)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(code, forKey: .code)
        try c.encode(error, forKey: .error)
        try c.encode(providerMessageId, forKey: .providerMessageId)
    }

    enum CodingKeys: String, CodingKey { case attempt, startedAt, finishedAt, outcome, code, error, providerMessageId }
}
