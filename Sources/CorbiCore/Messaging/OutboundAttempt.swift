import Foundation
import GRDB

/// How one attempt to send ended.
public enum AttemptOutcome: String, Codable, Sendable, CaseIterable {
    /// The provider accepted the message.
    case sent
    /// The provider could not take it now (429, 5xx, a timeout): retried later.
    case temporary
    /// The provider refused it for good (invalid recipient, blocked, 4xx).
    case permanent
    /// The dispatcher stopped before recording the outcome: the provider may or may not
    /// have the message.
    case interrupted
}

/// One attempt to send an outbound message, kept for `outbox show` and the rate limit.
public struct OutboundAttempt: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "outboundAttempt"
    public var id: Int64?
    public var organizationId: Int64
    public var messageId: Int64
    public var channel: Channel
    /// 1 for the first attempt; numbers go on across `outbox retry`.
    public var attempt: Int
    /// The dispatcher that made it.
    public var owner: String
    public var startedAt: Date
    public var finishedAt: Date?
    /// Nil while the provider is being called.
    public var outcome: AttemptOutcome?
    public var providerMessageId: String?
    /// The provider's error code (HTTP status, Graph API code, sendmail exit status).
    public var code: String?
    public var error: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
