import Foundation
import GRDB

/// What adding a suppression did.
public struct SuppressionAdded: Sendable, Equatable {
    public var suppression: Suppression
    /// Pending messages to the identifier on the channel, cancelled in the same
    /// transaction so that nothing already drafted reaches the person.
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
            try db.execute(
                sql: """
                    UPDATE outboundMessage SET status = 'cancelled', error = 'suppressed', updatedAt = ?
                    WHERE organizationId = ? AND channel = ? AND status IN ('pending', 'retrying')
                      AND contactId IN (SELECT id FROM contact WHERE organizationId = ? AND \(channel.contactColumn) = ?)
                    """,
                arguments: [environment.now(), actor.organizationId, channel.rawValue, actor.organizationId, channel.databaseValue(ofIdentifier: identifier)])
            let cancelled = db.changesCount
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
        try Suppression.filter(
            Column("organizationId") == actor.organizationId && Column("channel") == channel.rawValue
                && Column("identifier") == identifier
        ).fetchOne(db)
    }
}
