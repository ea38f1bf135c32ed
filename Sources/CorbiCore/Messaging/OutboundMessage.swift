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
