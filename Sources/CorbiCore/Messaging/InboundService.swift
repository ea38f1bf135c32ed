import Foundation
import GRDB

/// What recording an inbound message did.
public struct InboundRecorded: Sendable, Equatable {
    public var message: InboundMessage
    /// The contact it was matched to, after enrichment; nil for an unknown sender.
    public var contact: Contact?
    /// Identifiers added to the contact (channel name to value).
    public var enriched: [String: String]
}

/// An inbound message with its sender's name (nil: unknown sender, or deleted contact).
public struct InboundEntry: Sendable, Equatable {
    public var message: InboundMessage
    public var contactName: String?
}

extension AppDatabase {
    /// Records a message a contact sent (staff and admins, or a provider webhook acting as
    /// one). The sender is matched by `identifier` on `channel`, else by `contactRef`;
    /// the contact's `lastInboundAt` moves forward, and identifiers it lacks are filled in
    /// from the channel and from the payload's `email` and `phone` fields when no other
    /// contact owns them. An unknown sender is kept with no contact.
    public func recordInbound(
        _ actor: Actor, channel: String, identifier: String, payload: JSONValue = [:], contactRef: String? = nil,
        receivedAt: Date? = nil
    ) throws -> InboundRecorded {
        try perform(actor, "inbound.record", requires: .write, target: "inbound:\(channel):\(identifier)") { db, entry in
            let channel = try Channel.parse(channel)
            let callingCode = actor.organization.callingCode
            let identifier = try channel.normalizeIdentifier(identifier, callingCode: callingCode)
            let receivedAt = receivedAt ?? environment.now()
            var contact = try contactOwning(db, actor: actor, channel: channel, identifier: identifier)
            if contact == nil, let contactRef {
                contact = try resolveContact(db, actor: actor, ref: contactRef)
            }
            var enriched: [String: String] = [:]
            if var found = contact {
                var wanted: [(Channel, String)] = [(channel, identifier)]
                if case .object(let fields) = payload {
                    if case .string(let email)? = fields["email"], let e = try? Channel.email.normalizeIdentifier(email, callingCode: callingCode) {
                        wanted.append((.email, e))
                    }
                    if case .string(let phone)? = fields["phone"], let p = try? Channel.whatsapp.normalizeIdentifier(phone, callingCode: callingCode) {
                        wanted.append((.whatsapp, p))
                    }
                }
                for (c, value) in wanted where found.identifier(on: c) == nil && enriched[c.rawValue] == nil {
                    // Never take an identifier another contact owns: that is an identity
                    // conflict for a person to settle, not for a webhook.
                    if try contactOwning(db, actor: actor, channel: c, identifier: value) != nil { continue }
                    switch c {
                    case .email: found.email = value
                    case .whatsapp: found.phoneWhatsapp = value
                    case .telegram: found.telegramChatId = Int64(value)
                    case .instagram: found.instagramScopedId = value
                    }
                    enriched[c.rawValue] = value
                }
                if found.lastInboundAt.map({ $0 < receivedAt }) ?? true { found.lastInboundAt = receivedAt }
                found.refreshSearchText()
                found.updatedAt = environment.now()
                try found.update(db)
                contact = found
            }
            var message = InboundMessage(
                organizationId: actor.organizationId, contactId: contact?.id, channel: channel, payload: payload,
                receivedAt: receivedAt)
            try message.insert(db)
            entry.target = "inbound:\(message.id!)"
            entry.details = [
                "channel": .string(channel.rawValue), "contactId": .optional(contact?.id),
                "enriched": .object(enriched.mapValues(JSONValue.string)),
            ]
            return InboundRecorded(message: message, contact: contact, enriched: enriched)
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

    private func contactOwning(_ db: Database, actor: Actor, channel: Channel, identifier: String) throws -> Contact? {
        try Contact.fetchOne(
            db, sql: "SELECT * FROM contact WHERE organizationId = ? AND \(channel.contactColumn) = ?",
            arguments: [actor.organizationId, channel.databaseValue(ofIdentifier: identifier)])
    }
}
