import Foundation
import GRDB

/// What adding a suppression did.
public struct SuppressionAdded: Sendable, Equatable {
    public var suppression: Suppression
    /// Pending and retrying messages to the identifier on the channel, cancelled in the
    /// same transaction so that nothing already drafted reaches the person.
    public var cancelledMessages: Int
}

extension AppDatabase {
    /// Suppresses an identifier on a channel (staff and admins). The identifier is
    /// normalized like a contact's; a duplicate is refused (65).
    public func addSuppression(_ actor: Actor, channel: String, identifier: String, reason: String? = nil) throws -> SuppressionAdded {
        try perform(actor, "suppressions.add", requires: .write, target: "suppression:\(channel):\(identifier)") { db, entry in
            let channel = try Channel.parse(channel)
            let identifier = try channel.normalizeIdentifier(identifier, callingCode: actor.organization.callingCode)
            entry.target = "suppression:\(channel.rawValue):\(identifier)"
            let reason = MessagingText.nonBlank(reason)
            if try findSuppression(db, actor: actor, channel: channel, identifier: identifier) != nil {
                throw CorbiError.invalid("\(identifier) is already suppressed on \(channel.rawValue).")
            }
            var suppression = Suppression(
                organizationId: actor.organizationId, channel: channel, identifier: identifier, reason: reason,
                createdBy: actor.userId, createdAt: environment.now())
            try suppression.insert(db)
            let cancelled = try cancelMessages(
                db, organizationId: actor.organizationId, channel: channel, identifier: identifier, because: "suppressed")
            entry.details = ["reason": .optional(reason), "cancelledMessages": .int(Int64(cancelled))]
            return SuppressionAdded(suppression: suppression, cancelledMessages: cancelled)
        }
    }

    /// Lifts a suppression. Messaging someone who opted out is the costliest mistake, so
    /// this takes an admin.
    public func removeSuppression(_ actor: Actor, channel: String, identifier: String) throws -> Suppression {
        try perform(actor, "suppressions.remove", requires: .administer, target: "suppression:\(channel):\(identifier)") { db, entry in
            let channel = try Channel.parse(channel)
            let identifier = try channel.normalizeIdentifier(identifier, callingCode: actor.organization.callingCode)
            entry.target = "suppression:\(channel.rawValue):\(identifier)"
            guard let suppression = try findSuppression(db, actor: actor, channel: channel, identifier: identifier) else {
                throw CorbiError.notFound("\(identifier) is not suppressed on \(channel.rawValue).")
            }
            entry.details = ["reason": .optional(suppression.reason)]
            try suppression.delete(db)
            return suppression
        }
    }

    /// The organization's suppressions, newest first, optionally of one channel.
    public func suppressions(_ actor: Actor, channel: String? = nil) throws -> [Suppression] {
        let channel = try channel.map(Channel.parse)
        return try read(actor) { db in
            var request = Suppression.filter(Column("organizationId") == actor.organizationId)
            if let channel { request = request.filter(Column("channel") == channel.rawValue) }
            return try request.order(Column("createdAt").desc, Column("id").desc).fetchAll(db)
        }
    }

    func findSuppression(_ db: Database, actor: Actor, channel: Channel, identifier: String) throws -> Suppression? {
        try findSuppression(db, organizationId: actor.organizationId, channel: channel, identifier: identifier)
    }

    func findSuppression(_ db: Database, organizationId: Int64, channel: Channel, identifier: String) throws -> Suppression? {
        // A cached statement: every due message is checked here when it is claimed.
        try Suppression.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM suppression WHERE organizationId = ? AND channel = ? AND identifier = ?"),
            arguments: [organizationId, channel.rawValue, identifier])
    }

    /// Cancels the pending and retrying messages to `identifier` on `channel`, with
    /// `because` as their error; returns how many. A message a dispatcher holds is left
    /// alone: its provider may have it already, and its outcome will say so (a retry is
    /// then stopped by the send-time checks).
    func cancelMessages(_ db: Database, organizationId: Int64, channel: Channel, identifier: String, because: String) throws -> Int {
        let now = environment.now()
        try db.execute(
            sql: """
                UPDATE outboundMessage SET status = 'cancelled', error = ?, cancelledAt = ?, updatedAt = ?
                WHERE organizationId = ? AND channel = ? AND status IN ('pending', 'retrying') AND claimOwner IS NULL
                  AND contactId IN (SELECT id FROM contact WHERE organizationId = ? AND \(channel.contactColumn) = ?)
                """,
            arguments: [
                because, now, now, organizationId, channel.rawValue, organizationId,
                channel.databaseValue(ofIdentifier: identifier),
            ])
        return db.changesCount
    }

    /// Suppresses `identifier` on `channel` for someone who asked to stop (an opt-out
    /// word, an unsubscribe link), unless it already is, and cancels what waits for them.
    /// Returns the suppression, whether it is new, and how many messages were cancelled.
    func suppressOnRequest(
        _ db: Database, actor: Actor, channel: Channel, identifier: String, reason: String
    ) throws -> (suppression: Suppression, created: Bool, cancelled: Int) {
        var created = false
        var suppression: Suppression
        if let existing = try findSuppression(db, actor: actor, channel: channel, identifier: identifier) {
            suppression = existing
        } else {
            suppression = Suppression(
                organizationId: actor.organizationId, channel: channel, identifier: identifier, reason: reason,
                createdBy: actor.userId, createdAt: environment.now())
            try suppression.insert(db)
            created = true
        }
        let cancelled = try cancelMessages(
            db, organizationId: actor.organizationId, channel: channel, identifier: identifier, because: "opt-out")
        return (suppression, created, cancelled)
    }
}
