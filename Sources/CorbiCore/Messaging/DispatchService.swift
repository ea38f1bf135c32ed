import Foundation
import GRDB

/// The send-time checks a due message must pass; a message failing one becomes `failed`
/// with the rule in its error, and is never sent.
public enum SendRule: String, Sendable, CaseIterable {
    /// The contact is blocked, unsubscribed or bounced.
    case contactInactive
    /// The contact has no identifier on the channel any more.
    case noIdentifier
    /// The identifier is suppressed on the channel.
    case suppressed
    /// The template lost its approval (edited, or withdrawn).
    case templateNotApproved
    /// The template now has a variable the message has no value for.
    case templateChanged
    /// Free text on WhatsApp or Instagram more than 24 hours after the contact last wrote.
    case windowClosed
}

extension AppDatabase {
    /// The audit trail's name for the dispatcher.
    public static let dispatcherActorName = "dispatcher"

    /// The span a channel's rate per minute is counted over: attempts started in the last
    /// 61 seconds. The extra second covers the few milliseconds between a claim (when an
    /// attempt is stamped) and its request reaching the provider, so a provider counting
    /// arrivals never sees more than the rate in any 60 seconds.
    public static let rateWindow: TimeInterval = 61

    /// Claims due messages for the dispatcher `owner`, in one write transaction that
    /// commits before any provider is called.
    ///
    /// Due: `pending`, or `retrying` whose next attempt has come, scheduled no later than
    /// now, not held by an unexpired claim. In due order, each message
    /// - held by a claim that expired with its attempt open is settled as `failed`
    ///   (`interrupted`): its dispatcher died between the claim and the outcome, so the
    ///   provider may have it, and it is never sent again on its own (at most once);
    /// - on a channel without a usable provider account stays pending, with a note in
    ///   its error (``DispatchBatch/waiting`` counts them), until an admin sets one: a
    ///   missing account is the organization's set-up, not the message's fault, and
    ///   failing them would leave staff to retry each one;
    /// - failing a send-time check (``SendRule``) becomes `failed`, audited, never sent;
    /// - over its channel's rate (attempts started in the last ``rateWindow`` seconds) stays due;
    /// - else is claimed until `now + lifetime` with a new open attempt, and returned as a
    ///   job (at most `limit`).
    ///
    /// `lifetime` must exceed the provider call's timeout by a margin: a claim that
    /// expires during a slow call is settled as interrupted, and the late outcome is
    /// refused. `dueBy` leaves out messages that fall due after it (a run that sends
    /// "every message due when it started" passes its start, so a message that failed
    /// during the run and is due again seconds later waits for the next run); nil means
    /// now. `makeToken` makes unsubscribe tokens for emails.
    public func claimDueMessages(
        _ scope: DispatchScope, owner: String, lifetime: TimeInterval, limit: Int = 50, dueBy: Date? = nil,
        makeToken: () -> String = UnsubscribeToken.make
    ) throws -> DispatchBatch {
        let owner = owner.trimmed
        guard !owner.isEmpty, owner.count <= 200 else { throw CorbiError.invalid("A dispatcher needs a name (1 to 200 characters).") }
        guard lifetime > 0 else { throw CorbiError.invalid("A claim must last longer than 0 seconds.") }
        guard limit >= 1 else { throw CorbiError.invalid("A claim takes at least 1 message.") }
        var runBy: String?
        var organizationId: Int64?
        if case .organization(let actor) = scope {
            runBy = actor.user?.email
            organizationId = actor.organizationId
        }
        do {
            return try writer.write { db in
                if case .organization(let actor) = scope {
                    try actor.current(db).require(.write, to: "send messages")
                }
                return try withoutActuallyEscaping(makeToken) { makeToken in
                    let now = environment.now()
                    var claim = Claim(
                        database: self, db: db, now: now, dueBy: min(now, dueBy ?? now), owner: owner, lifetime: lifetime,
                        runBy: runBy, makeToken: makeToken)
                    try claim.run(organizationId: organizationId, limit: limit)
                    return claim.batch
                }
            }
        } catch let error as CorbiError {
            if case .organization(let actor) = scope, error.isRefusal {
                try? auditRefusal(actor, entry: AuditEntry(action: "outbox.send"), error: error)
            }
            throw error
        } catch let error as DatabaseError {
            throw CorbiError(error)
        }
    }

    /// Records how the provider answered `job`'s attempt, in one transaction:
    /// - accepted → `sent` with the provider's id and status, the contact's
    ///   `lastOutboundAt`, then the delivery statuses that arrived early;
    /// - temporary → `retrying`, `retryCount` + 1, next attempt after `retryAfter`; `failed`
    ///   once `maxAttempts` attempts (since the last `outbox retry`) failed this way;
    /// - permanent → `failed` with the provider's code and message.
    /// The claim is cleared and the attempt audited (as `dispatcher`). Only the claim's
    /// owner may record: once its claim was settled by another dispatcher, 65.
    public func recordSendOutcome(_ job: DispatchJob, _ outcome: ProviderOutcome, maxAttempts: Int) throws -> SendRecorded {
        guard maxAttempts >= 1 else { throw CorbiError.invalid("At least 1 attempt is needed.") }
        let now = environment.now()
        var details: [String: JSONValue] = [
            "attempt": .int(Int64(job.attempt)), "owner": .string(job.owner), "channel": .string(job.channel.rawValue),
        ]
        if let runBy = job.runBy { details["runBy"] = .string(runBy) }
        switch outcome {
        case .accepted(let id, _):
            details["outcome"] = "sent"
            details["providerMessageId"] = .string(ExternalText.display(id, limit: 256))
        case .temporary(let error, let delay):
            details["outcome"] = "temporary"
            details["code"] = .optional(error.code.map { ExternalText.display($0, limit: 64) })
            details["retryAfter"] = .double(Self.retryDelay(delay))
        case .permanent(let error):
            details["outcome"] = "permanent"
            details["code"] = .optional(error.code.map { ExternalText.display($0, limit: 64) })
        }
        do {
            return try writer.write { db in
                // Cached statements: a dispatcher records thousands of outcomes in a row.
                guard
                    var message = try OutboundMessage.fetchOne(
                        db.cachedStatement(sql: "SELECT * FROM outboundMessage WHERE id = ? AND organizationId = ?"),
                        arguments: [job.messageId, job.organizationId])
                else {
                    throw CorbiError.notFound("Outbound message #\(job.messageId) no longer exists (its contact was deleted).")
                }
                guard
                    var attempt = try OutboundAttempt.fetchOne(
                        db.cachedStatement(sql: "SELECT * FROM outboundAttempt WHERE messageId = ? AND attempt = ?"),
                        arguments: [job.messageId, job.attempt]),
                    attempt.outcome == nil, attempt.owner == job.owner, message.claimOwner == job.owner
                else {
                    throw CorbiError.invalid(
                        "Message #\(job.messageId) is no longer held by the dispatcher \(job.owner): its claim expired and was settled, so this outcome is not recorded.")
                }
                attempt.finishedAt = now
                message.claimOwner = nil
                message.claimExpiresAt = nil
                message.updatedAt = now
                switch outcome {
                case .accepted(let id, let status):
                    let providerId = try? ExternalText.providerID(id, what: "message id")
                    attempt.outcome = .sent
                    attempt.providerMessageId = providerId
                    message.status = .sent
                    message.sentAt = now
                    message.providerMessageId = providerId
                    message.providerStatus = ExternalText.displayOrNil(status, limit: 64) ?? "accepted"
                    message.error = nil
                    message.nextAttemptAt = nil
                    try db.cachedStatement(
                        sql: "UPDATE contact SET lastOutboundAt = ? WHERE id = ? AND (lastOutboundAt IS NULL OR lastOutboundAt < ?)"
                    ).execute(arguments: [now, message.contactId, now])
                case .temporary(let error, let delay):
                    let text = Self.providerErrorText(error)
                    attempt.outcome = .temporary
                    attempt.code = error.code.map { ExternalText.display($0, limit: 64) }
                    attempt.error = text
                    message.retryCount += 1
                    if message.retryCount >= maxAttempts {
                        message.status = .failed
                        message.failedAt = now
                        message.nextAttemptAt = nil
                        message.error = "Gave up after \(message.retryCount) temporary failure\(message.retryCount == 1 ? "" : "s"); the last: \(text)"
                    } else {
                        message.status = .retrying
                        message.nextAttemptAt = now.addingTimeInterval(Self.retryDelay(delay))
                        message.error = text
                    }
                case .permanent(let error):
                    let text = Self.providerErrorText(error)
                    attempt.outcome = .permanent
                    attempt.code = error.code.map { ExternalText.display($0, limit: 64) }
                    attempt.error = text
                    message.status = .failed
                    message.failedAt = now
                    message.nextAttemptAt = nil
                    message.error = text
                }
                try db.cachedStatement(
                    sql: "UPDATE outboundAttempt SET finishedAt = ?, outcome = ?, providerMessageId = ?, code = ?, error = ? WHERE id = ?"
                ).execute(arguments: [
                    attempt.finishedAt, attempt.outcome?.rawValue, attempt.providerMessageId, attempt.code, attempt.error, attempt.id,
                ])
                try db.cachedStatement(
                    sql: """
                        UPDATE outboundMessage SET status = ?, retryCount = ?, error = ?, providerMessageId = ?, providerStatus = ?,
                            sentAt = ?, failedAt = ?, nextAttemptAt = ?, claimOwner = NULL, claimExpiresAt = NULL, updatedAt = ?
                        WHERE id = ?
                        """
                ).execute(arguments: [
                    message.status.rawValue, message.retryCount, message.error, message.providerMessageId, message.providerStatus,
                    message.sentAt, message.failedAt, message.nextAttemptAt, message.updatedAt, message.id,
                ])
                var early: [DeliveryStatusEffect] = []
                if message.status == .sent { (early, message) = try applyEarlyStatuses(db, to: message) }
                details["status"] = .string(message.status.rawValue)
                try AuditLog.append(
                    db, organizationId: job.organizationId, actor: Self.dispatcherActorName,
                    entry: AuditEntry(action: "outbox.attempt", target: "outbound:\(job.messageId)", details: details),
                    traceId: job.traceId, at: now)
                return SendRecorded(message: message, attempt: attempt, earlyStatuses: early)
            }
        } catch let error as CorbiError {
            if error.isRefusal {
                details["error"] = .string(error.description)
                _ = try? writer.write { db in
                    try AuditLog.append(
                        db, organizationId: job.organizationId, actor: Self.dispatcherActorName,
                        entry: AuditEntry(action: "outbox.attempt", target: "outbound:\(job.messageId)", details: details),
                        outcome: "refused", traceId: job.traceId, at: now)
                }
            }
            throw error
        } catch let error as DatabaseError {
            throw CorbiError(error)
        }
    }

    /// Seconds until a retry: 0 to 7 days (a provider asking for longer, or a broken
    /// backoff, does not park a message forever).
    static func retryDelay(_ delay: TimeInterval) -> TimeInterval {
        delay.isNaN ? 0 : min(max(delay, 0), 7 * 24 * 3600)
    }

    /// "429: Too many requests", cleaned for display.
    static func providerErrorText(_ error: ProviderError) -> String {
        let message = ExternalText.display(error.message, limit: 500)
        guard let code = ExternalText.displayOrNil(error.code, limit: 64) else {
            return message.isEmpty ? "The provider gave no reason." : message
        }
        return message.isEmpty ? "provider error \(code)" : "\(code): \(message)"
    }
}

/// One claim transaction's work and what it found.
private struct Claim {
    let database: AppDatabase
    let db: Database
    let now: Date
    /// Messages due later than this are left for a later claim (never later than `now`).
    let dueBy: Date
    let owner: String
    let lifetime: TimeInterval
    let runBy: String?
    let makeToken: () -> String
    var batch = DispatchBatch()

    private struct ChannelKey: Hashable {
        var organizationId: Int64
        var channel: Channel
    }
    /// Per channel: the account (or why there is none), and the rate used so far.
    private var accounts: [ChannelKey: Result<ProviderCredentials, CorbiError>] = [:]
    private var rates: [ChannelKey: (used: Int, limit: Int)] = [:]
    private var waiting: [ChannelKey: (count: Int, reason: String)] = [:]
    private var organizations: [Int64: Organization] = [:]
    private var templates: [Int64: MessageTemplate?] = [:]

    init(
        database: AppDatabase, db: Database, now: Date, dueBy: Date, owner: String, lifetime: TimeInterval, runBy: String?,
        makeToken: @escaping () -> String
    ) {
        self.database = database
        self.db = db
        self.now = now
        self.dueBy = dueBy
        self.owner = owner
        self.lifetime = lifetime
        self.runBy = runBy
        self.makeToken = makeToken
    }

    static let waitingPrefix = "waiting: "

    mutating func run(organizationId: Int64?, limit: Int) throws {
        // Due order, a page at a time: messages skipped (throttled, waiting) must not keep
        // later ones of other channels from being claimed.
        var afterDue = ""
        var afterId: Int64 = 0
        // A dispatcher claims a few messages at a time (what it can start at once): a
        // page of 200 decoded rows for 4 claims was most of a send's CPU time.
        let pageSize = min(200, max(16, limit * 4))
        pages: while true {
            var sql = """
                SELECT *, coalesce(nextAttemptAt, scheduledFor) AS dueAt FROM outboundMessage
                WHERE status IN ('pending', 'retrying') AND coalesce(nextAttemptAt, scheduledFor) <= ?
                  AND (claimOwner IS NULL OR claimExpiresAt <= ?)
                  AND (coalesce(nextAttemptAt, scheduledFor), id) > (?, ?)
                """
            var arguments: StatementArguments = [dueBy, now, afterDue, afterId]
            if let organizationId {
                sql += " AND organizationId = ?"
                arguments += [organizationId]
            }
            sql += " ORDER BY coalesce(nextAttemptAt, scheduledFor), id LIMIT \(pageSize)"
            let rows = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
            if rows.isEmpty { break }
            for row in rows {
                afterDue = row["dueAt"]
                afterId = row["id"]
                // A channel over its rate skips its messages before they are decoded: a
                // backlog of thousands is read on every claim.
                if row["claimOwner"] as String? == nil, let channel = Channel(rawValue: row["channel"]),
                    let rate = rates[ChannelKey(organizationId: row["organizationId"], channel: channel)], rate.used >= rate.limit
                {
                    batch.throttled += 1
                    continue
                }
                try consider(try OutboundMessage(row: row))
                if batch.jobs.count >= limit { break pages }
            }
        }
        var found: [WaitingChannel] = []
        for (key, value) in waiting {
            found.append(
                WaitingChannel(
                    organizationId: key.organizationId, organizationDomain: try organization(key.organizationId).domain,
                    channel: key.channel, messages: value.count, reason: value.reason))
        }
        batch.waiting = found.sorted { ($0.organizationDomain, $0.channel.rawValue) < ($1.organizationDomain, $1.channel.rawValue) }
    }

    private mutating func consider(_ message: OutboundMessage) throws {
        let id = message.id!
        if message.claimOwner != nil {
            if try settleInterrupted(message) { return }
        }
        let key = ChannelKey(organizationId: message.organizationId, channel: message.channel)
        if let rate = rates[key], rate.used >= rate.limit {
            batch.throttled += 1
            return
        }
        // A provider account to send with; without one the message waits, unchecked (the
        // checks run when it can be sent), so a large backlog costs little per claim.
        let credentials: ProviderCredentials
        switch try account(key) {
        case .success(let found):
            credentials = found
        case .failure(let why):
            let note = Self.waitingPrefix + why.message
            waiting[key, default: (0, why.message)].count += 1
            try db.cachedStatement(sql: "UPDATE outboundMessage SET error = ? WHERE id = ? AND error IS NOT ?")
                .execute(arguments: [note, id, note])
            return
        }
        guard
            let contact = try Contact.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM contact WHERE id = ?"), arguments: [message.contactId])
        else { return }
        var template: MessageTemplate?
        if let templateId = message.templateId { template = try self.template(templateId) }

        // The send-time checks.
        guard contact.status == .active else {
            return try refuse(message, .contactInactive, "\(contact.label) is \(contact.status.rawValue): messages go only to active contacts.")
        }
        guard let recipient = contact.identifier(on: message.channel) else {
            return try refuse(message, .noIdentifier, "\(contact.label) has no \(message.channel.rawValue) identifier any more.")
        }
        if let suppression = try database.findSuppression(
            db, organizationId: message.organizationId, channel: message.channel, identifier: recipient)
        {
            let why = suppression.reason.map { " (\($0))" } ?? ""
            return try refuse(message, .suppressed, "\(recipient) is suppressed on \(message.channel.rawValue)\(why).")
        }
        var reference: TemplateReference?
        if let template {
            guard template.approved else {
                return try refuse(message, .templateNotApproved, "The template \(template.label) is no longer approved.")
            }
            let missing = template.variables.filter { message.variables[$0] == nil }
            guard missing.isEmpty else {
                return try refuse(
                    message, .templateChanged,
                    "The template \(template.label) changed since the message was drafted: no value for \(missing.joined(separator: ", ")).")
            }
            // Providers fill positional placeholders by position in the list: {{1}} first,
            // whatever order the text uses them in.
            let order = template.isPositional
                ? template.variables.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) } : template.variables
            reference = TemplateReference(
                name: template.name, language: template.language, isPositional: template.isPositional,
                parameters: order.map { TemplateArgument(name: template.isPositional ? nil : $0, value: message.variables[$0]!) })
        } else if message.channel.hasCustomerServiceWindow {
            guard let last = contact.lastInboundAt, now <= last.addingTimeInterval(24 * 3600) else {
                return try refuse(
                    message, .windowClosed,
                    "Free text on \(message.channel.rawValue) goes only within 24 hours of the contact's last message, and that window is closed.")
            }
        }

        // The channel's rate per minute.
        var rate = try rate(key)
        guard rate.used < rate.limit else {
            batch.throttled += 1
            return
        }
        rate.used += 1
        rates[key] = rate

        // The claim, and the attempt it opens.
        let expires = now.addingTimeInterval(lifetime)
        let number = (try Int.fetchOne(
            db.cachedStatement(sql: "SELECT max(attempt) FROM outboundAttempt WHERE messageId = ?"), arguments: [id]) ?? 0) + 1
        try db.cachedStatement(
            sql: """
                UPDATE outboundMessage SET claimOwner = ?, claimExpiresAt = ?, firstAttemptAt = coalesce(firstAttemptAt, ?),
                    lastAttemptAt = ?, updatedAt = ?,
                    error = CASE WHEN error LIKE '\(Self.waitingPrefix)%' THEN NULL ELSE error END
                WHERE id = ?
                """
        ).execute(arguments: [owner, expires, now, now, now, id])
        try db.cachedStatement(
            sql: """
                INSERT INTO outboundAttempt (organizationId, messageId, channel, attempt, owner, startedAt)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [message.organizationId, id, message.channel.rawValue, number, owner, now])
        let organization = try organization(message.organizationId)
        let token = message.channel == .email
            ? try database.unsubscribeToken(
                db, organizationId: message.organizationId, identifier: recipient, messageId: id, makeToken: makeToken)
            : nil
        batch.jobs.append(
            DispatchJob(
                messageId: id, organizationId: message.organizationId, organizationDomain: organization.domain,
                organizationName: organization.name, channel: message.channel, recipient: recipient, contactId: contact.id!,
                contactName: contact.fullName, body: message.body, subject: message.subject, mediaUrl: message.mediaUrl,
                traceId: message.traceId, template: reference, unsubscribeToken: token, credentials: credentials,
                attempt: number, retryCount: message.retryCount, owner: owner, claimExpiresAt: expires, runBy: runBy))
    }

    /// Settles a message whose claim expired with its attempt open: failed, never resent
    /// on its own. Returns false when there was no open attempt (the claim is then just
    /// dropped and the message considered afresh).
    private mutating func settleInterrupted(_ message: OutboundMessage) throws -> Bool {
        let id = message.id!
        guard
            var attempt = try OutboundAttempt.fetchOne(
                db, sql: "SELECT * FROM outboundAttempt WHERE messageId = ? AND outcome IS NULL ORDER BY attempt DESC LIMIT 1",
                arguments: [id])
        else {
            try db.execute(sql: "UPDATE outboundMessage SET claimOwner = NULL, claimExpiresAt = NULL WHERE id = ?", arguments: [id])
            return false
        }
        let error = "Interrupted: the dispatcher \(attempt.owner) stopped during attempt \(attempt.attempt), before the provider's answer was recorded. The provider may or may not have the message; it is not sent again on its own (`outbox retry` sends it again)."
        attempt.outcome = .interrupted
        attempt.finishedAt = now
        attempt.error = "The dispatcher stopped before the outcome was recorded."
        try attempt.update(db)
        try db.execute(
            sql: """
                UPDATE outboundMessage SET status = 'failed', failedAt = ?, error = ?, claimOwner = NULL, claimExpiresAt = NULL,
                    nextAttemptAt = NULL, updatedAt = ?
                WHERE id = ?
                """, arguments: [now, error, now, id])
        var details: [String: JSONValue] = [
            "attempt": .int(Int64(attempt.attempt)), "owner": .string(attempt.owner), "outcome": "interrupted",
            "channel": .string(message.channel.rawValue), "status": "failed", "settledBy": .string(owner),
        ]
        if let runBy { details["runBy"] = .string(runBy) }
        try AuditLog.append(
            db, organizationId: message.organizationId, actor: AppDatabase.dispatcherActorName,
            entry: AuditEntry(action: "outbox.attempt", target: "outbound:\(id)", details: details),
            traceId: message.traceId, at: now)
        batch.interrupted.append(
            SettledMessage(messageId: id, organizationId: message.organizationId, channel: message.channel, rule: "interrupted", error: error))
        return true
    }

    /// Fails a message a send-time check stopped, audited as a refused send.
    private mutating func refuse(_ message: OutboundMessage, _ rule: SendRule, _ sentence: String) throws {
        let id = message.id!
        let error = "\(rule.rawValue): \(sentence)"
        try db.execute(
            sql: """
                UPDATE outboundMessage SET status = 'failed', failedAt = ?, error = ?, nextAttemptAt = NULL, updatedAt = ?
                WHERE id = ?
                """, arguments: [now, error, now, id])
        var details: [String: JSONValue] = ["rule": .string(rule.rawValue), "error": .string(error), "channel": .string(message.channel.rawValue)]
        if let runBy { details["runBy"] = .string(runBy) }
        try AuditLog.append(
            db, organizationId: message.organizationId, actor: AppDatabase.dispatcherActorName,
            entry: AuditEntry(action: "outbox.send", target: "outbound:\(id)", details: details),
            outcome: "refused", traceId: message.traceId, at: now)
        batch.refused.append(
            SettledMessage(messageId: id, organizationId: message.organizationId, channel: message.channel, rule: rule.rawValue, error: error))
    }

    private mutating func account(_ key: ChannelKey) throws -> Result<ProviderCredentials, CorbiError> {
        if let known = accounts[key] { return known }
        let result: Result<ProviderCredentials, CorbiError>
        if let record = try database.accountRecord(db, organizationId: key.organizationId, channel: key.channel) {
            do {
                result = .success(try database.credentials(of: record))
            } catch {
                result = .failure(.invalid("the \(key.channel.rawValue) account's secrets cannot be opened with this key file; an admin sets the channel again."))
            }
        } else {
            result = .failure(.invalid("no \(key.channel.rawValue) account is set; an admin sets one up."))
        }
        accounts[key] = result
        return result
    }

    private mutating func rate(_ key: ChannelKey) throws -> (used: Int, limit: Int) {
        if let known = rates[key] { return known }
        let limit = try database.channelRate(db, organizationId: key.organizationId, channel: key.channel)
        let used = try Int.fetchOne(
            db,
            sql: "SELECT count(*) FROM outboundAttempt WHERE organizationId = ? AND channel = ? AND startedAt > ?",
            arguments: [key.organizationId, key.channel.rawValue, now.addingTimeInterval(-AppDatabase.rateWindow)]) ?? 0
        rates[key] = (used, limit)
        return (used, limit)
    }

    private mutating func organization(_ id: Int64) throws -> Organization {
        if let known = organizations[id] { return known }
        guard let found = try Organization.fetchOne(db, key: id) else {
            throw CorbiError.internal("Organization #\(id) of a due message is missing.")
        }
        organizations[id] = found
        return found
    }

    private mutating func template(_ id: Int64) throws -> MessageTemplate? {
        if let known = templates[id] { return known }
        let found = try MessageTemplate.fetchOne(db, key: id)
        templates[id] = found
        return found
    }
}
