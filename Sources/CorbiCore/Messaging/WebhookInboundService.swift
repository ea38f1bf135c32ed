import Foundation
import GRDB

/// A contact made from an unknown sender's message.
public struct ContactFromInbound: Sendable, Equatable {
    public var contact: Contact
    /// That sender's earlier messages on the channel, now the contact's (the one named included).
    public var linkedMessages: Int
}

extension AppDatabase {
    /// Applies everything one webhook request carries, all or nothing, in one transaction
    /// (staff and admins, or the `webhook:CHANNEL` service): messages are stored (a
    /// provider message id once per organization and channel; a repeat is reported as a
    /// duplicate), delivery statuses move outbound messages forward, unrecognized parts
    /// are stored raw. `updateId` (Telegram's `update_id`) makes a repeated request do
    /// nothing at all. One bad event (an identifier that is not one, a payload nested
    /// absurdly deep) refuses the whole request (65) and stores nothing.
    public func ingestInbound(
        _ actor: Actor, channel: Channel, events: [InboundEvent], updateId: String? = nil
    ) throws -> InboundIngest {
        try perform(actor, "inbound.ingest", requires: .write, target: "channel:\(channel.rawValue)") { db, entry in
            let now = environment.now()
            var result = InboundIngest(duplicateUpdate: false, messages: [], statuses: [], unrecognized: [])
            if let updateId {
                let id = try ExternalText.providerID(updateId, what: "update id")
                entry.details["updateId"] = .string(id)
                let seen = try Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT 1 FROM webhookReceipt WHERE organizationId = ? AND channel = ? AND updateId = ?"),
                    arguments: [actor.organizationId, channel.rawValue, id]) ?? false
                if seen {
                    result.duplicateUpdate = true
                    entry.details["duplicateUpdate"] = true
                    return result
                }
                try db.execute(
                    sql: "INSERT INTO webhookReceipt (organizationId, channel, updateId, receivedAt) VALUES (?, ?, ?, ?)",
                    arguments: [actor.organizationId, channel.rawValue, id, now])
            }
            var stored: [JSONValue] = []
            var duplicates: [JSONValue] = []
            var optOuts: [JSONValue] = []
            for (index, event) in events.enumerated() {
                do {
                    switch event {
                    case .message(let message):
                        let ingested = try ingestMessage(db, actor: actor, channel: channel, message)
                        if ingested.duplicate {
                            duplicates.append(.int(ingested.message.id!))
                        } else {
                            stored.append(.int(ingested.message.id!))
                            if let keyword = ingested.recorded?.keyword {
                                optOuts.append(.string("\(keyword.intent.rawValue):\(ingested.message.senderIdentifier ?? "")"))
                            }
                        }
                        result.messages.append(ingested)
                    case .status(let status):
                        result.statuses.append(
                            try applyDeliveryStatus(db, organizationId: actor.organizationId, channel: channel, status))
                    case .unrecognized(let payload):
                        var message = InboundMessage(
                            organizationId: actor.organizationId, contactId: nil, channel: channel, payload: .null, receivedAt: now)
                        message.payload = try ExternalText.payloadText(payload)
                        try message.insert(db)
                        result.unrecognized.append(message)
                    }
                } catch let error as CorbiError where events.count > 1 {
                    // Which event was bad, so a relay can find it in the request.
                    switch error {
                    case .invalid(let message, let hints): throw CorbiError.invalid("Event \(index + 1) of \(events.count): \(message)", hints: hints)
                    case .notFound(let message, let hints): throw CorbiError.notFound("Event \(index + 1) of \(events.count): \(message)", hints: hints)
                    default: throw error
                    }
                }
            }
            func count(_ effect: (DeliveryStatusEffect) -> Bool) -> JSONValue { .int(Int64(result.statuses.filter(effect).count)) }
            entry.details.merge([
                "messages": .array(stored), "duplicates": .array(duplicates),
                "statusesApplied": count { if case .applied = $0 { true } else { false } },
                "statusesUnchanged": count { if case .unchanged = $0 { true } else { false } },
                "statusesKept": count { $0 == .kept },
                "unrecognized": .int(Int64(result.unrecognized.count)),
            ]) { _, new in new }
            if !optOuts.isEmpty { entry.details["keywords"] = .array(optOuts) }
            return result
        }
    }

    /// Messages from senders who are no contact (yet), newest first.
    public func unknownSenderMessages(_ actor: Actor, limit: Int? = nil) throws -> [InboundEntry] {
        try Validation.limit(limit)
        return try read(actor) { db in
            var sql = """
                SELECT * FROM inboundMessage
                WHERE organizationId = ? AND contactId IS NULL AND senderIdentifier IS NOT NULL
                ORDER BY receivedAt DESC, id DESC
                """
            var arguments: StatementArguments = [actor.organizationId]
            if let limit {
                sql += " LIMIT ?"
                arguments += [limit]
            }
            return try InboundMessage.fetchAll(db, sql: sql, arguments: arguments).map { InboundEntry(message: $0, contactName: nil) }
        }
    }

    /// Makes a contact of an unknown sender (staff and admins): named `name`, else the
    /// sender's profile name, with the sender's identifier on the message's channel; that
    /// sender's earlier unknown messages become the contact's. 65 when another contact
    /// owns the identifier by now, or the message already has a contact; 66 when there is
    /// no such message in the organization.
    public func addContact(_ actor: Actor, fromInbound id: Int64, name: String? = nil) throws -> ContactFromInbound {
        try perform(actor, "contacts.add", requires: .write, target: "inbound:\(id)") { db, entry in
            guard
                let message = try InboundMessage.filter(Column("id") == id && Column("organizationId") == actor.organizationId)
                    .fetchOne(db)
            else {
                throw CorbiError.notFound("No inbound message #\(id).")
            }
            if let contactId = message.contactId {
                let owner = try Contact.fetchOne(db, key: contactId)
                throw CorbiError.invalid("Inbound message #\(id) is from \(owner?.label ?? "#\(contactId)") already.")
            }
            guard let identifier = message.senderIdentifier else {
                throw CorbiError.invalid("Inbound message #\(id) does not say who sent it: add the contact by hand.")
            }
            if let owner = try contactOwning(db, organizationId: actor.organizationId, channel: message.channel, identifier: identifier) {
                throw CorbiError.invalid(
                    "The \(message.channel.rawValue) identifier \(identifier) already belongs to \(owner.label). Nothing was changed.")
            }
            let fullName: String
            if let given = MessagingText.nonBlank(name) {
                fullName = ExternalText.display(given, limit: 200)
            } else if let profile = ExternalText.displayOrNil(message.senderName, limit: 200) {
                fullName = profile
            } else {
                throw CorbiError.invalid("Inbound message #\(id) has no sender name: give the contact a name.", hints: [.name])
            }
            let now = environment.now()
            var contact = Contact(organizationId: actor.organizationId, fullName: fullName, createdAt: now, updatedAt: now)
            contact.setIdentifier(identifier, on: message.channel)
            contact.lastInboundAt = try Date.fetchOne(
                db,
                sql: """
                    SELECT max(receivedAt) FROM inboundMessage
                    WHERE organizationId = ? AND channel = ? AND senderIdentifier = ? AND contactId IS NULL
                    """, arguments: [actor.organizationId, message.channel.rawValue, identifier])
            contact.refreshSearchText()
            try contact.insert(db)
            try db.execute(
                sql: """
                    UPDATE inboundMessage SET contactId = ?
                    WHERE organizationId = ? AND channel = ? AND senderIdentifier = ? AND contactId IS NULL
                    """, arguments: [contact.id, actor.organizationId, message.channel.rawValue, identifier])
            let linked = db.changesCount
            entry.target = "contact:\(contact.id!)"
            entry.details = Self.auditDetails(contact).merging(["fromInbound": .int(id), "linkedMessages": .int(Int64(linked))]) { _, new in new }
            return ContactFromInbound(contact: contact, linkedMessages: linked)
        }
    }

    // MARK: - Shared pieces

    private func ingestMessage(_ db: Database, actor: Actor, channel: Channel, _ event: InboundMessageEvent) throws -> InboundIngested {
        let providerId = try event.providerMessageId.map { try ExternalText.providerID($0, what: "message id") }
        if let providerId,
            let existing = try InboundMessage.fetchOne(
                db.cachedStatement(
                    sql: "SELECT * FROM inboundMessage WHERE organizationId = ? AND channel = ? AND providerMessageId = ?"),
                arguments: [actor.organizationId, channel.rawValue, providerId])
        {
            return InboundIngested(message: existing, duplicate: true, recorded: nil)
        }
        let identifier = try Self.webhookSender(event.sender, channel: channel)
        let now = environment.now()
        let recorded = try storeInbound(
            db, actor: actor,
            InboundInput(
                channel: channel, identifier: identifier, contactHint: nil, payload: event.payload, text: event.text,
                subject: event.subject, senderName: event.senderName, mediaUrl: event.mediaUrl,
                mediaId: try event.mediaId.map { try ExternalText.providerID($0, what: "media id") },
                providerMessageId: providerId, receivedAt: min(event.sentAt ?? now, now), enrichFromPayload: false))
        return InboundIngested(message: recorded.message, duplicate: false, recorded: recorded)
    }

    /// A sender as a provider writes it, normalized as contacts store identifiers. The
    /// WhatsApp Cloud API writes numbers as bare international digits (`491512345678`):
    /// they are international, never national numbers of the organization's country.
    /// `+` and 7 to 15 digits, not starting with 0: what the schema accepts as a phone.
    static func isInternationalDigits(_ text: String) -> Bool {
        let digits = text.dropFirst()
        return text.hasPrefix("+") && (7...15).contains(digits.count) && digits.first != "0"
            && digits.allSatisfy { ("0"..."9").contains($0) }
    }

    static func webhookSender(_ sender: String, channel: Channel) throws -> String {
        var text = sender.trimmed
        if channel == .whatsapp, !text.isEmpty, text.allSatisfy({ ("0"..."9").contains($0) }) { text = "+" + text }
        do {
            // Instagram's scoped ids are taken as given elsewhere; from a payload they must
            // at least be printable.
            if channel == .instagram { text = try ExternalText.providerID(text, what: "sender id") }
            do {
                return try channel.normalizeIdentifier(text, callingCode: nil)
            } catch where channel == .whatsapp && Self.isInternationalDigits(text) {
                // WhatsApp only sends real numbers: one Corbi's tables do not know (a new
                // calling code) is kept as sent rather than refusing the whole request.
                return text
            }
        } catch {
            throw CorbiError.invalid(
                "The sender '\(ExternalText.display(sender, limit: 60))' is not a \(channel.rawValue) identifier.")
        }
    }
}
