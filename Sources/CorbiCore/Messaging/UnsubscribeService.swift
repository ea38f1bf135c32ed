import Foundation
import GRDB

/// What following a one-click unsubscribe link did.
public struct Unsubscribed: Sendable, Equatable {
    public var organization: Organization
    public var channel: Channel
    public var identifier: String
    /// False when the address was suppressed already (a second click, say).
    public var added: Bool
    /// Pending and retrying messages to the address cancelled now.
    public var cancelledMessages: Int
}

/// The tokens of one-click unsubscribe links (RFC 8058).
public enum UnsubscribeToken {
    /// A new token: 32 random bytes, base64url without padding (43 characters).
    public static func make<G: RandomNumberGenerator>(using generator: inout G) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<4 {
            withUnsafeBytes(of: generator.next().littleEndian) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A new token from the system's random source.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return make(using: &generator)
    }

    /// Whether `text` could be a token (so a random path never reaches the database).
    static func isWellFormed(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 128
            && text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }
    }
}

extension AppDatabase {
    /// Follows a one-click unsubscribe link (the `POST /unsubscribe/TOKEN` endpoint):
    /// suppresses the address the link was sent to, with the reason `opt-out: unsubscribe
    /// link`, and cancels what waits for it. Needs no actor (the link is the capability);
    /// audited as `unsubscribe`. Idempotent; an unknown token is 66 (404).
    public func unsubscribe(token: String) throws -> Unsubscribed {
        let token = token.trimmed
        guard UnsubscribeToken.isWellFormed(token) else { throw CorbiError.notFound("No such unsubscribe link.") }
        let found: (Organization, Channel, String)? = try {
            do {
                return try writer.read { db in
                    guard
                        let row = try Row.fetchOne(
                            db, sql: "SELECT organizationId, channel, identifier FROM unsubscribeToken WHERE token = ?",
                            arguments: [token]),
                        let organization = try Organization.fetchOne(db, key: row["organizationId"] as Int64),
                        let channel = Channel(rawValue: row["channel"])
                    else { return nil }
                    return (organization, channel, row["identifier"])
                }
            } catch let error as DatabaseError {
                throw CorbiError(error)
            }
        }()
        guard let (organization, channel, identifier) = found else { throw CorbiError.notFound("No such unsubscribe link.") }
        let actor = Actor.service("unsubscribe", organization: organization)
        return try perform(
            actor, "suppressions.unsubscribe", requires: .write, target: "suppression:\(channel.rawValue):\(identifier)"
        ) { db, entry in
            let result = try suppressOnRequest(
                db, actor: actor, channel: channel, identifier: identifier, reason: OptOut.reason(word: "unsubscribe link"))
            try db.execute(
                sql: "UPDATE unsubscribeToken SET usedAt = coalesce(usedAt, ?) WHERE token = ?",
                arguments: [environment.now(), token])
            entry.details = ["added": .bool(result.created), "cancelledMessages": .int(Int64(result.cancelled))]
            return Unsubscribed(
                organization: organization, channel: channel, identifier: identifier, added: result.created,
                cancelledMessages: result.cancelled)
        }
    }

    /// The unsubscribe token of an email message, made on its first attempt and kept for
    /// its retries, in the caller's transaction.
    func unsubscribeToken(
        _ db: Database, organizationId: Int64, identifier: String, messageId: Int64, makeToken: () -> String
    ) throws -> String {
        if let existing = try String.fetchOne(
            db, sql: "SELECT token FROM unsubscribeToken WHERE messageId = ? AND identifier = ? LIMIT 1",
            arguments: [messageId, identifier])
        {
            return existing
        }
        let token = makeToken()
        guard UnsubscribeToken.isWellFormed(token) else {
            throw CorbiError.internal("An unsubscribe token must be 1 to 128 letters, digits, - and _.")
        }
        try db.execute(
            sql: """
                INSERT INTO unsubscribeToken (token, organizationId, channel, identifier, messageId, createdAt)
                VALUES (?, ?, 'email', ?, ?, ?)
                """, arguments: [token, organizationId, identifier, messageId, environment.now()])
        return token
    }
}
