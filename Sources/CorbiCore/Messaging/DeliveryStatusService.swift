import Foundation
import GRDB

/// What a provider reports about a message it accepted.
public enum DeliveryStatus: String, Codable, Sendable, CaseIterable {
    case sent, delivered, read, failed
}

/// One delivery status from a webhook (WhatsApp `statuses[]`, say).
public struct DeliveryStatusEvent: Sendable, Equatable {
    /// The id the provider gave when it accepted the message (`wamid...`).
    public var providerMessageId: String
    public var status: DeliveryStatus
    /// The provider's own word for it, stored as `providerStatus` (default: `status`).
    public var providerStatus: String?
    /// When it happened, by the provider's clock (default: when it arrived).
    public var at: Date?
    /// For `failed`: the provider's error code and message.
    public var errorCode: String?
    public var errorMessage: String?

    public init(
        providerMessageId: String, status: DeliveryStatus, providerStatus: String? = nil, at: Date? = nil,
        errorCode: String? = nil, errorMessage: String? = nil
    ) {
        self.providerMessageId = providerMessageId
        self.status = status
        self.providerStatus = providerStatus
        self.at = at
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }
}

/// What a delivery status did.
public enum DeliveryStatusEffect: Sendable, Equatable {
    /// The message moved forward to this status.
    case applied(messageId: Int64, status: MessageStatus)
    /// The message is already there or further (a late `delivered` after `read`): nothing
    /// changed, and that is no error.
    case unchanged(messageId: Int64, status: MessageStatus)
    /// No sent message has this provider id yet: kept, and applied when its send commits.
    case kept
}

extension AppDatabase {
    /// How long a status whose send never committed is kept before it is dropped.
    public static let earlyStatusHorizon: TimeInterval = 7 * 24 * 3600

    /// Applies one delivery status in the caller's transaction: forward only
    /// (sent < delivered < read; failed only after sent), so the schema's trigger never
    /// has to refuse one.
    func applyDeliveryStatus(
        _ db: Database, organizationId: Int64, channel: Channel, _ event: DeliveryStatusEvent
    ) throws -> DeliveryStatusEffect {
        let now = environment.now()
        let id = try ExternalText.providerID(event.providerMessageId, what: "message id of a status")
        guard
            let message = try OutboundMessage.fetchOne(
                db.cachedStatement(
                    sql: "SELECT * FROM outboundMessage WHERE organizationId = ? AND channel = ? AND providerMessageId = ?"),
                arguments: [organizationId, channel.rawValue, id])
        else {
            try db.execute(
                sql: "DELETE FROM earlyDeliveryStatus WHERE receivedAt < ?",
                arguments: [now.addingTimeInterval(-Self.earlyStatusHorizon)])
            try db.execute(
                sql: """
                    INSERT INTO earlyDeliveryStatus (organizationId, channel, providerMessageId, status, providerStatus, error, at, receivedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    organizationId, channel.rawValue, id, event.status.rawValue, Self.providerStatusText(event),
                    Self.providerErrorText(event), min(event.at ?? now, now), now,
                ])
            return .kept
        }
        return try applyDeliveryStatus(db, to: message, event)
    }

    /// Moves `message` forward when `event` is ahead of it.
    func applyDeliveryStatus(_ db: Database, to message: OutboundMessage, _ event: DeliveryStatusEvent) throws -> DeliveryStatusEffect {
        let now = environment.now()
        let at = min(event.at ?? now, now)
        let id = message.id!
        func rank(_ s: MessageStatus) -> Int? {
            switch s {
            case .sent: 1
            case .delivered: 2
            case .read: 3
            default: nil
            }
        }
        // Only a message the provider accepted moves: failed, cancelled and unsent ones
        // keep what Corbi decided.
        guard let current = rank(message.status) else { return .unchanged(messageId: id, status: message.status) }
        let target: MessageStatus
        switch event.status {
        case .sent: target = .sent
        case .delivered: target = .delivered
        case .read: target = .read
        case .failed: target = .failed
        }
        if target == .failed {
            guard message.status == .sent else { return .unchanged(messageId: id, status: message.status) }
        } else if rank(target)! <= current {
            return .unchanged(messageId: id, status: message.status)
        }
        var sql = "UPDATE outboundMessage SET status = ?, providerStatus = ?, updatedAt = ?"
        var arguments: StatementArguments = [target.rawValue, Self.providerStatusText(event), now]
        switch target {
        case .delivered:
            sql += ", deliveredAt = coalesce(deliveredAt, ?)"
            arguments += [at]
        case .read:
            // A read message was delivered, whether or not that status came.
            sql += ", deliveredAt = coalesce(deliveredAt, ?), readAt = coalesce(readAt, ?)"
            arguments += [at, at]
        case .failed:
            sql += ", failedAt = ?, error = ?"
            arguments += [at, Self.providerErrorText(event) ?? "The provider reported the message failed."]
        default:
            break
        }
        sql += " WHERE id = ?"
        arguments += [id]
        try db.execute(sql: sql, arguments: arguments)
        return .applied(messageId: id, status: target)
    }

    /// Applies the statuses that arrived before this message's send committed, oldest
    /// first, and forgets them; returns what they did and the message after them.
    func applyEarlyStatuses(_ db: Database, to sent: OutboundMessage) throws -> ([DeliveryStatusEffect], OutboundMessage) {
        guard let providerId = sent.providerMessageId, let messageId = sent.id else { return ([], sent) }
        let scope: StatementArguments = [sent.organizationId, sent.channel.rawValue, providerId]
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT status, providerStatus, error, at FROM earlyDeliveryStatus
                    WHERE organizationId = ? AND channel = ? AND providerMessageId = ?
                    ORDER BY at, id
                    """), arguments: scope)
        guard !rows.isEmpty else { return ([], sent) }
        var message = sent
        var effects: [DeliveryStatusEffect] = []
        for row in rows {
            guard let status = DeliveryStatus(rawValue: row["status"]) else { continue }
            let event = DeliveryStatusEvent(
                providerMessageId: providerId, status: status, providerStatus: row["providerStatus"], at: row["at"],
                errorCode: nil, errorMessage: row["error"])
            effects.append(try applyDeliveryStatus(db, to: message, event))
            message = try OutboundMessage.fetchOne(db, key: messageId)!
        }
        try db.execute(
            sql: "DELETE FROM earlyDeliveryStatus WHERE organizationId = ? AND channel = ? AND providerMessageId = ?",
            arguments: scope)
        return (effects, message)
    }

    static func providerStatusText(_ event: DeliveryStatusEvent) -> String {
        ExternalText.displayOrNil(event.providerStatus, limit: 64) ?? event.status.rawValue
    }

    /// "131026: Message undeliverable", cleaned for display.
    static func providerErrorText(_ event: DeliveryStatusEvent) -> String? {
        let code = ExternalText.displayOrNil(event.errorCode, limit: 64)
        let message = ExternalText.displayOrNil(event.errorMessage, limit: 500)
        switch (code, message) {
        case (nil, nil): return nil
        case (let code?, nil): return "provider error \(code)"
        case (nil, let message?): return message
        case (let code?, let message?): return "\(code): \(message)"
        }
    }
}
