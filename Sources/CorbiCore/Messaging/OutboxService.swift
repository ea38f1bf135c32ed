import Foundation
import GRDB

/// An outbound message as listed, with its contact's name.
public struct OutboxEntry: Sendable, Equatable {
    public var message: OutboundMessage
    public var contactName: String
}

/// An outbound message with its template and its attempts (`outbox show`).
public struct OutboxDetail: Sendable, Equatable {
    public var entry: OutboxEntry
    /// The template's name and language, while the template exists.
    public var templateName: String?
    public var templateLanguage: String?
    /// Every attempt, oldest first.
    public var attempts: [OutboundAttempt]
}

/// A channel's sending rate for an organization.
public struct ChannelRate: Sendable, Equatable {
    public var channel: Channel
    public var perMinute: Int
    /// Whether it is the default (no row configured).
    public var isDefault: Bool
}

extension AppDatabase {
    /// Messages per minute and channel when an organization has not set its own.
    public static let defaultRatePerMinute = 60

    /// The organization's outbound messages, by scheduled time (newest first), optionally
    /// of one status and one contact, and scheduled from `from` and before `to` (typed
    /// like any time, in the organization's zone: a day alone as `from` means its start,
    /// as `to` the whole day, so `today`..`today` is today).
    public func outbox(
        _ actor: Actor, status: String? = nil, contact: String? = nil, from: String? = nil, to: String? = nil,
        limit: Int? = nil
    ) throws -> [OutboxEntry] {
        let status = try status.map(MessageStatus.parse)
        try Validation.limit(limit)
        let zone = actor.organization.timeZone
        let now = environment.now()
        let lower = try from.map { try TimeInput.bound($0, in: zone, now: now, endOfDay: false) }
        let upper = try to.map { try TimeInput.bound($0, in: zone, now: now, endOfDay: true) }
        if let lower, let upper, upper <= lower {
            throw CorbiError.invalid(
                "The range ends (\(DateFormatting.dateTime(upper, in: zone))) before it starts (\(DateFormatting.dateTime(lower, in: zone))).")
        }
        return try read(actor) { db in
            var sql = """
                SELECT outboundMessage.*, contact.fullName AS contactName FROM outboundMessage
                JOIN contact ON contact.id = outboundMessage.contactId
                WHERE outboundMessage.organizationId = ?
                """
            var arguments: StatementArguments = [actor.organizationId]
            if let status {
                sql += " AND outboundMessage.status = ?"
                arguments += [status.rawValue]
            }
            if let contact {
                let c = try resolveContact(db, actor: actor, ref: contact)
                sql += " AND outboundMessage.contactId = ?"
                arguments += [c.id!]
            }
            if let lower {
                sql += " AND outboundMessage.scheduledFor >= ?"
                arguments += [lower]
            }
            if let upper {
                sql += " AND outboundMessage.scheduledFor < ?"
                arguments += [upper]
            }
            sql += " ORDER BY outboundMessage.scheduledFor DESC, outboundMessage.id DESC"
            if let limit {
                sql += " LIMIT ?"
                arguments += [limit]
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                OutboxEntry(message: try OutboundMessage(row: row), contactName: row["contactName"])
            }
        }
    }

    /// One outbound message (66 if none in the organization).
    public func outboxMessage(_ actor: Actor, id: Int64) throws -> OutboxEntry {
        do {
            return try read(actor) { db in try outboxEntry(db, actor: actor, id: id) }
        } catch let error as CorbiError {
            try? auditRefusal(actor, entry: AuditEntry(action: "outbox.show", target: "outbound:\(id)"), error: error)
            throw error
        }
    }

    /// Cancels a pending or retrying message (staff and admins); any other status, or a
    /// message a dispatcher is sending right now, is refused (65).
    public func cancelMessage(_ actor: Actor, id: Int64) throws -> OutboxEntry {
        try perform(actor, "outbox.cancel", requires: .write, target: "outbound:\(id)") { db, entry in
            var outbox = try outboxEntry(db, actor: actor, id: id)
            guard outbox.message.status == .pending || outbox.message.status == .retrying else {
                throw CorbiError.invalid(
                    "Message #\(id) is \(outbox.message.status.rawValue): only pending or retrying messages can be cancelled.")
            }
            guard outbox.message.claimOwner == nil else {
                throw CorbiError.invalid("Message #\(id) is being sent right now: it can no longer be cancelled.")
            }
            let now = environment.now()
            outbox.message.status = .cancelled
            outbox.message.cancelledAt = now
            outbox.message.nextAttemptAt = nil
            outbox.message.updatedAt = now
            try outbox.message.update(db)
            entry.details = ["traceId": .string(outbox.message.traceId), "contactId": .int(outbox.message.contactId)]
            return outbox
        }
    }

    /// Puts a failed message back to pending (staff and admins), to be sent by the next
    /// dispatcher run like a new one: the send-time checks apply again, and it gets a
    /// fresh count of attempts (its earlier attempts stay listed). Any other status is
    /// refused (65). This is the only way a message moves back: nothing is resent on its
    /// own, because a duplicate cannot be taken back.
    public func retryMessage(_ actor: Actor, id: Int64) throws -> OutboxEntry {
        try perform(actor, "outbox.retry", requires: .write, target: "outbound:\(id)") { db, entry in
            var outbox = try outboxEntry(db, actor: actor, id: id)
            let message = outbox.message
            guard message.status == .failed else {
                throw CorbiError.invalid("Message #\(id) is \(message.status.rawValue): only failed messages can be retried.")
            }
            entry.details = [
                "traceId": .string(message.traceId), "previousError": .optional(message.error),
                "retryCount": .int(Int64(message.retryCount)),
            ]
            outbox.message.status = .pending
            outbox.message.retryCount = 0
            outbox.message.error = nil
            outbox.message.claimOwner = nil
            outbox.message.claimExpiresAt = nil
            outbox.message.nextAttemptAt = nil
            outbox.message.providerMessageId = nil
            outbox.message.providerStatus = nil
            outbox.message.sentAt = nil
            outbox.message.deliveredAt = nil
            outbox.message.readAt = nil
            outbox.message.failedAt = nil
            outbox.message.updatedAt = environment.now()
            try outbox.message.update(db)
            return outbox
        }
    }

    /// One outbound message with its template and every attempt to send it, oldest
    /// first (66 if none in the organization).
    public func outboxDetail(_ actor: Actor, id: Int64) throws -> OutboxDetail {
        do {
            return try read(actor) { db in
                let outbox = try outboxEntry(db, actor: actor, id: id)
                let template = try outbox.message.templateId.flatMap { try MessageTemplate.fetchOne(db, key: $0) }
                let attempts = try OutboundAttempt.filter(Column("messageId") == id).order(Column("attempt")).fetchAll(db)
                return OutboxDetail(
                    entry: outbox, templateName: template?.name, templateLanguage: template?.language, attempts: attempts)
            }
        } catch let error as CorbiError {
            try? auditRefusal(actor, entry: AuditEntry(action: "outbox.show", target: "outbound:\(id)"), error: error)
            throw error
        }
    }

    /// The attempts of several of the organization's messages at once (for a list), by
    /// message id, oldest first; ids of other organizations find nothing.
    public func outboxAttempts(_ actor: Actor, messageIds: [Int64]) throws -> [Int64: [OutboundAttempt]] {
        guard !messageIds.isEmpty else { return [:] }
        return try read(actor) { db in
            let attempts = try OutboundAttempt
                .filter(Column("organizationId") == actor.organizationId && messageIds.contains(Column("messageId")))
                .order(Column("messageId"), Column("attempt"))
                .fetchAll(db)
            return Dictionary(grouping: attempts, by: \.messageId)
        }
    }

    /// Sets how many messages a minute the organization sends on a channel (admins).
    public func setChannelRate(_ actor: Actor, channel: String, perMinute: Int) throws -> ChannelRate {
        try perform(actor, "outbox.rate", requires: .administer, target: "channel:\(channel)") { db, entry in
            let channel = try Channel.parse(channel)
            entry.target = "channel:\(channel.rawValue)"
            guard (1...100_000).contains(perMinute) else {
                throw CorbiError.invalid("The rate must be 1 to 100000 messages a minute, not \(perMinute).")
            }
            let previous = try channelRate(db, organizationId: actor.organizationId, channel: channel)
            try db.execute(
                sql: """
                    INSERT INTO channelRate (organizationId, channel, perMinute) VALUES (?, ?, ?)
                    ON CONFLICT (organizationId, channel) DO UPDATE SET perMinute = excluded.perMinute
                    """, arguments: [actor.organizationId, channel.rawValue, perMinute])
            entry.details = ["perMinute": .int(Int64(perMinute)), "previous": .int(Int64(previous))]
            return ChannelRate(channel: channel, perMinute: perMinute, isDefault: false)
        }
    }

    /// The rate of every channel.
    public func channelRates(_ actor: Actor) throws -> [ChannelRate] {
        try read(actor) { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT channel, perMinute FROM channelRate WHERE organizationId = ?", arguments: [actor.organizationId])
            let configured = Dictionary(uniqueKeysWithValues: rows.map { ($0["channel"] as String, $0["perMinute"] as Int) })
            return Channel.allCases.map { channel in
                ChannelRate(
                    channel: channel, perMinute: configured[channel.rawValue] ?? Self.defaultRatePerMinute,
                    isDefault: configured[channel.rawValue] == nil)
            }
        }
    }

    // MARK: - Shared pieces

    func outboxEntry(_ db: Database, actor: Actor, id: Int64) throws -> OutboxEntry {
        guard let row = try Row.fetchOne(
            db,
            sql: """
                SELECT outboundMessage.*, contact.fullName AS contactName FROM outboundMessage
                JOIN contact ON contact.id = outboundMessage.contactId
                WHERE outboundMessage.id = ? AND outboundMessage.organizationId = ?
                """, arguments: [id, actor.organizationId])
        else {
            throw CorbiError.notFound("No outbound message #\(id).")
        }
        return OutboxEntry(message: try OutboundMessage(row: row), contactName: row["contactName"])
    }

    func channelRate(_ db: Database, organizationId: Int64, channel: Channel) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT perMinute FROM channelRate WHERE organizationId = ? AND channel = ?",
            arguments: [organizationId, channel.rawValue]) ?? Self.defaultRatePerMinute
    }

    /// `requested` if its minute has room under `rate`, else the start of the next minute
    /// that has. Messages that will not be sent (cancelled, failed) take no room. Runs in
    /// the caller's transaction, so two drafts cannot take the same last slot.
    func freeSlot(_ db: Database, organizationId: Int64, channel: Channel, from requested: Date, rate: Int) throws -> Date {
        var minute = Date(timeIntervalSince1970: (requested.timeIntervalSince1970 / 60).rounded(.down) * 60)
        // A backlog larger than a few days of messages is a sign of a bug, not a plan.
        for index in 0..<100_000 {
            let taken = try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM outboundMessage
                    WHERE organizationId = ? AND channel = ? AND scheduledFor >= ? AND scheduledFor < ?
                      AND status NOT IN ('cancelled', 'failed')
                    """,
                arguments: [organizationId, channel.rawValue, minute, minute.addingTimeInterval(60)]) ?? 0
            if taken < rate { return index == 0 ? requested : minute }
            minute = minute.addingTimeInterval(60)
        }
        throw CorbiError.invalid("The \(channel.rawValue) outbox is full for the next 100000 minutes; raise the rate with `outbox rate`.")
    }
}
