import Foundation
import GRDB

/// What recording an inbound message did.
public struct InboundRecorded: Sendable, Equatable {
    public var message: InboundMessage
    /// The contact it was matched to, after enrichment; nil for an unknown sender.
    public var contact: Contact?
    /// Identifiers added to the contact (channel name to value).
    public var enriched: [String: String]
    /// Identifiers the contact lacks that another contact owns: not taken, written as
    /// identity conflicts for a person to settle.
    public var conflicts: [IdentityConflict] = []
    /// What an opt-out or opt-in word did; nil for any other message.
    public var keyword: KeywordApplied? = nil
}

/// What an opt-out or opt-in word did.
public struct KeywordApplied: Sendable, Equatable {
    /// The word, upper-cased (`STOP`).
    public var word: String
    public var intent: InboundIntent
    /// Opt-out: whether a suppression was added (false: there was one). Opt-in: whether
    /// an opt-out suppression was lifted (false: none, or one staff added, which stays).
    public var changed: Bool
    /// Pending and retrying messages to the sender cancelled by an opt-out.
    public var cancelledMessages: Int
}

/// An inbound message with its sender's name (nil: unknown sender, or deleted contact).
public struct InboundEntry: Sendable, Equatable {
    public var message: InboundMessage
    public var contactName: String?
}

/// An inbound message as the shared path stores it, whatever brought it (a webhook, or a
/// person typing it in).
struct InboundInput {
    var channel: Channel
    /// Normalized as contacts store it.
    var identifier: String
    /// The contact a person named, used when nobody owns the identifier.
    var contactHint: Contact?
    var payload: JSONValue
    var text: String?
    var subject: String?
    var senderName: String?
    var mediaUrl: String?
    var mediaId: String?
    var providerMessageId: String?
    var receivedAt: Date
    /// Whether the payload's `email` and `phone` fields fill in missing identifiers (a
    /// payload typed in by a person; providers' payloads have no such fields).
    var enrichFromPayload: Bool
}

extension AppDatabase {
    /// Records a message a contact sent (staff and admins). The sender is matched by
    /// `identifier` on `channel`, else by `contactRef`; the rest is what a webhook's
    /// message does (see ``ingestInbound(_:channel:events:updateId:)``): `lastInboundAt`
    /// moves forward, identifiers the contact lacks are filled in from the channel and
    /// from the payload's `email` and `phone` fields (one another contact owns becomes an
    /// identity conflict), an unknown sender is kept with its identifier, and a message
    /// that is only an opt-out or opt-in word acts as one.
    public func recordInbound(
        _ actor: Actor, channel: String, identifier: String, payload: JSONValue = [:], contactRef: String? = nil,
        receivedAt: Date? = nil
    ) throws -> InboundRecorded {
        try perform(actor, "inbound.record", requires: .write, target: "inbound:\(channel):\(identifier)") { db, entry in
            let channel = try Channel.parse(channel)
            let identifier = try channel.normalizeIdentifier(identifier, callingCode: actor.organization.callingCode)
            _ = try ExternalText.payloadText(payload)
            var hint: Contact?
            if let contactRef, try contactOwning(db, organizationId: actor.organizationId, channel: channel, identifier: identifier) == nil {
                hint = try resolveContact(db, actor: actor, ref: contactRef)
            }
            var text: String?
            if case .object(let fields) = payload, case .string(let t)? = fields["text"] { text = t }
            let recorded = try storeInbound(
                db, actor: actor,
                InboundInput(
                    channel: channel, identifier: identifier, contactHint: hint, payload: payload, text: text,
                    receivedAt: min(receivedAt ?? environment.now(), environment.now()), enrichFromPayload: true))
            entry.target = "inbound:\(recorded.message.id!)"
            entry.details = Self.inboundAuditDetails(recorded)
            return recorded
        }
    }

    /// Inbound messages, newest first: all of the organization's, or one contact's.
    public func inboundMessages(_ actor: Actor, contact: String? = nil, limit: Int? = nil) throws -> [InboundEntry] {
        try Validation.limit(limit)
        return try read(actor) { db in
            var sql = """
                SELECT inboundMessage.*, contact.fullName AS contactName FROM inboundMessage
                LEFT JOIN contact ON contact.id = inboundMessage.contactId
                WHERE inboundMessage.organizationId = ?
                """
            var arguments: StatementArguments = [actor.organizationId]
            if let contact {
                sql += " AND inboundMessage.contactId = ?"
                arguments += [try resolveContact(db, actor: actor, ref: contact).id!]
            }
            sql += " ORDER BY inboundMessage.receivedAt DESC, inboundMessage.id DESC"
            if let limit {
                sql += " LIMIT ?"
                arguments += [limit]
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                InboundEntry(message: try InboundMessage(row: row), contactName: row["contactName"])
            }
        }
    }

    // MARK: - The shared path

    /// Stores one inbound message in the caller's transaction: matches the sender,
    /// enriches the contact, moves `lastInboundAt`, and applies an opt-out or opt-in word.
    func storeInbound(_ db: Database, actor: Actor, _ input: InboundInput) throws -> InboundRecorded {
        let now = environment.now()
        let payloadText = try ExternalText.payloadText(input.payload)
        var contact = try contactOwning(db, organizationId: actor.organizationId, channel: input.channel, identifier: input.identifier)
            ?? input.contactHint
        var enriched: [String: String] = [:]
        var conflicts: [IdentityConflict] = []
        if var found = contact {
            var wanted: [(Channel, String)] = [(input.channel, input.identifier)]
            if input.enrichFromPayload, case .object(let fields) = input.payload {
                let callingCode = actor.organization.callingCode
                if case .string(let email)? = fields["email"], let e = try? Channel.email.normalizeIdentifier(email, callingCode: callingCode) {
                    wanted.append((.email, e))
                }
                if case .string(let phone)? = fields["phone"], let p = try? Channel.whatsapp.normalizeIdentifier(phone, callingCode: callingCode) {
                    wanted.append((.whatsapp, p))
                }
            }
            for (channel, value) in wanted where found.identifier(on: channel) == nil && enriched[channel.rawValue] == nil {
                // Never take an identifier another contact owns: that is for a person to
                // settle, so it is written down as a conflict.
                if let owner = try contactOwning(db, organizationId: actor.organizationId, channel: channel, identifier: value) {
                    conflicts.append(try recordInboundConflict(db, actor: actor, channel: channel, value: value, owner: owner, attempted: found))
                    continue
                }
                found.setIdentifier(value, on: channel)
                enriched[channel.rawValue] = value
            }
            if found.lastInboundAt.map({ $0 < input.receivedAt }) ?? true { found.lastInboundAt = input.receivedAt }
            found.refreshSearchText()
            found.updatedAt = now
            try found.update(db)
            contact = found
        }

        let keyword = input.channel == .email
            ? OptOut.keyword(inEmailSubject: input.subject, body: input.text)
            : OptOut.keyword(in: input.text)
        var message = InboundMessage(
            organizationId: actor.organizationId, contactId: contact?.id, channel: input.channel, payload: .null,
            mediaUrl: input.mediaUrl, receivedAt: input.receivedAt)
        message.payload = payloadText
        message.providerMessageId = input.providerMessageId
        message.senderIdentifier = input.identifier
        message.senderName = input.senderName
        message.text = input.text
        message.mediaId = input.mediaId
        message.intent = keyword?.intent
        try message.insert(db)

        var applied: KeywordApplied?
        if let keyword {
            applied = try applyKeyword(db, actor: actor, keyword, channel: input.channel, identifier: input.identifier, messageId: message.id!)
        }
        return InboundRecorded(message: message, contact: contact, enriched: enriched, conflicts: conflicts, keyword: applied)
    }

    /// An opt-out suppresses the sender on the channel and cancels what waits for them;
    /// an opt-in lifts a suppression an opt-out wrote. Each is audited on its own.
    private func applyKeyword(
        _ db: Database, actor: Actor, _ keyword: (word: String, intent: InboundIntent), channel: Channel, identifier: String,
        messageId: Int64
    ) throws -> KeywordApplied {
        let target = "suppression:\(channel.rawValue):\(identifier)"
        let applied: KeywordApplied
        switch keyword.intent {
        case .optOut:
            let result = try suppressOnRequest(db, actor: actor, channel: channel, identifier: identifier, reason: OptOut.reason(word: keyword.word))
            applied = KeywordApplied(word: keyword.word, intent: .optOut, changed: result.created, cancelledMessages: result.cancelled)
            try AuditLog.append(
                db, organizationId: actor.organizationId, actor: actor.name,
                entry: AuditEntry(
                    action: "suppressions.optOut", target: target,
                    details: [
                        "word": .string(keyword.word), "inboundId": .int(messageId), "added": .bool(result.created),
                        "reason": .optional(result.suppression.reason), "cancelledMessages": .int(Int64(result.cancelled)),
                    ]),
                traceId: environment.makeID(), at: environment.now())
        case .optIn:
            var lifted = false
            var reason: String?
            if let suppression = try findSuppression(db, actor: actor, channel: channel, identifier: identifier) {
                reason = suppression.reason
                if OptOut.isOptOutReason(suppression.reason) {
                    try suppression.delete(db)
                    lifted = true
                }
            }
            applied = KeywordApplied(word: keyword.word, intent: .optIn, changed: lifted, cancelledMessages: 0)
            try AuditLog.append(
                db, organizationId: actor.organizationId, actor: actor.name,
                entry: AuditEntry(
                    action: "suppressions.optIn", target: target,
                    details: [
                        "word": .string(keyword.word), "inboundId": .int(messageId), "lifted": .bool(lifted),
                        "reason": .optional(reason),
                    ]),
                traceId: environment.makeID(), at: environment.now())
        }
        return applied
    }

    /// Writes an identity conflict met while enriching, once per unresolved pair.
    private func recordInboundConflict(
        _ db: Database, actor: Actor, channel: Channel, value: String, owner: Contact, attempted: Contact
    ) throws -> IdentityConflict {
        if let existing = try IdentityConflict.fetchOne(
            db,
            sql: """
                SELECT * FROM identityConflict
                WHERE organizationId = ? AND channel = ? AND value = ? AND ownerContactId = ? AND attemptedContactId = ?
                  AND resolvedAt IS NULL
                """, arguments: [actor.organizationId, channel.rawValue, value, owner.id, attempted.id])
        {
            return existing
        }
        var conflict = IdentityConflict(
            organizationId: actor.organizationId, actor: actor.name, channel: channel, value: value,
            ownerContactId: owner.id, attemptedContactId: attempted.id, createdAt: environment.now())
        try conflict.insert(db)
        return conflict
    }

    static func inboundAuditDetails(_ recorded: InboundRecorded) -> [String: JSONValue] {
        var details: [String: JSONValue] = [
            "channel": .string(recorded.message.channel.rawValue), "contactId": .optional(recorded.contact?.id),
            "sender": .optional(recorded.message.senderIdentifier),
            "enriched": .object(recorded.enriched.mapValues(JSONValue.string)),
        ]
        if let id = recorded.message.providerMessageId { details["providerMessageId"] = .string(id) }
        if !recorded.conflicts.isEmpty {
            details["conflicts"] = .array(recorded.conflicts.map { .int($0.id ?? 0) })
        }
        if let keyword = recorded.keyword { details["intent"] = .string(keyword.intent.rawValue) }
        return details
    }

    func contactOwning(_ db: Database, organizationId: Int64, channel: Channel, identifier: String) throws -> Contact? {
        // A cached statement: every webhook message looks its sender up here.
        try Contact.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM contact WHERE organizationId = ? AND \(channel.contactColumn) = ?"),
            arguments: [organizationId, channel.databaseValue(ofIdentifier: identifier)])
    }
}

extension Contact {
    /// Sets the contact's identifier on `channel` (normalized already).
    mutating func setIdentifier(_ value: String, on channel: Channel) {
        switch channel {
        case .email: email = value
        case .whatsapp: phoneWhatsapp = value
        case .telegram: telegramChatId = Int64(value)
        case .instagram: instagramScopedId = value
        }
    }
}
