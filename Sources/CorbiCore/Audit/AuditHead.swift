import Foundation

/// The newest link of an organization's chain and how many events lead to it. Kept
/// somewhere else (a password manager, a ticket, a printout), it lets `verify` tell a
/// trail rewritten from an earlier point, or cut back, from the one that was.
public struct AuditHead: Codable, Equatable, Sendable {
    public var organizationId: Int64
    public var lastEventId: Int64
    public var hash: String
    /// Events in the chain up to and including `lastEventId`.
    public var events: Int

    public init(organizationId: Int64, lastEventId: Int64, hash: String, events: Int) {
        self.organizationId = organizationId
        self.lastEventId = lastEventId
        self.hash = hash
        self.events = events
    }

    /// One line to copy and give back: `corbi-audit-head:ORG:EVENTS:LAST_ID:HASH`.
    public var token: String { "corbi-audit-head:\(organizationId):\(events):\(lastEventId):\(hash)" }

    /// Reads a ``token`` back (65 if it is not one).
    public init(token: String) throws {
        let parts = token.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[0] == "corbi-audit-head", let org = Int64(parts[1]), let events = Int(parts[2]),
            let last = Int64(parts[3]), events > 0, !parts[4].isEmpty
        else {
            throw CorbiError.invalid("'\(token)' is not an audit head (corbi-audit-head:ORG:EVENTS:LAST_ID:HASH).")
        }
        self.init(organizationId: org, lastEventId: last, hash: parts[4], events: events)
    }
}
