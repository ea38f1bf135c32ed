import Foundation

/// Checks one organization's events as they come, oldest first, without holding them:
/// the same walk for the database and for the events of an export file.
///
/// Each event must link to the one before it (the first starts the chain), and its hash
/// must recompute: keyed events (`hmac:`) with the key, others with SHA-256. Keyed events
/// are a suffix of the trail: an unkeyed event after a keyed one was written or
/// re-chained without the key. Given a key, a trail with no keyed event at all is not
/// trusted either: it is what someone re-chaining the whole trail without the key leaves.
public struct AuditChainCheck: Sendable {
    public let key: AuditKey?
    /// A head kept elsewhere that must still be part of the trail.
    public let savedHead: AuditHead?

    private var count = 0
    private var previous: (id: Int64, hash: String)?
    private var keyed = 0
    private var unkeyed: AuditEventRange?
    private var unchecked: AuditEventRange?
    private var savedHeadSeen = false
    private var broken: (id: Int64?, reason: String)?

    public init(key: AuditKey?, savedHead: AuditHead? = nil) {
        self.key = key
        self.savedHead = savedHead
    }

    /// Takes the next event; false once the chain is broken (later events change nothing).
    public mutating func add(_ event: AuditEvent) -> Bool {
        guard broken == nil else { return false }
        count += 1
        guard let id = event.id else {
            broken = (nil, "event number \(count) has no id")
            return false
        }
        if event.prevHash != previous?.hash {
            broken = (id, previous.map { "event \(id) does not follow event \($0.id): an event between them was removed, or they were reordered" }
                ?? "event \(id) should start the chain: an earlier event was removed or reordered")
            return false
        }
        if AuditKey.isKeyed(event.hash) {
            keyed += 1
            if let key {
                guard AuditLog.hash(of: event, key: key) == event.hash else {
                    broken = (id, "event \(id) does not verify with the audit key: it was edited, or re-chained without the key")
                    return false
                }
            } else {
                Self.extend(&unchecked, with: id)
            }
        } else {
            if keyed > 0 {
                broken = (id, "event \(id) is not keyed but follows keyed events: it was written or re-chained without the audit key")
                return false
            }
            guard AuditLog.hash(of: event) == event.hash else {
                broken = (id, "event \(id) was edited after it was written")
                return false
            }
            if key != nil { Self.extend(&unkeyed, with: id) }
        }
        if let savedHead, savedHead.lastEventId == id {
            savedHeadSeen = true
            if event.hash != savedHead.hash {
                broken = (id, "event \(id) differs from the saved head: the trail was rewritten up to it")
                return false
            }
            if count != savedHead.events {
                broken = (id, "the saved head counted \(savedHead.events) events up to event \(id), the trail has \(count): events before it were removed or added")
                return false
            }
        }
        previous = (id, event.hash)
        return true
    }

    /// The verdict. `storedHead` is the head the trail itself keeps (the database's head
    /// table, or an export's `auditHead` line): the walk must end on it with its count.
    /// With `headRequired`, a missing head is a break (a database always has one).
    public func finish(storedHead: AuditHead?, headRequired: Bool) -> AuditVerification {
        func result(ok: Bool, brokenAt: Int64?, reason: String?) -> AuditVerification {
            AuditVerification(
                ok: ok, events: count, brokenAt: brokenAt, reason: reason, keyed: keyed, unkeyed: unkeyed, unchecked: unchecked)
        }
        if let broken { return result(ok: false, brokenAt: broken.id, reason: broken.reason) }
        guard let previous else {
            // An organization is created with its first event, and events are never deleted
            // while it exists: an empty trail was emptied.
            return result(
                ok: false, brokenAt: storedHead?.lastEventId,
                reason: "the trail has no events, but an organization always has at least its first: its events were deleted")
        }
        if let storedHead {
            if storedHead.lastEventId != previous.id || storedHead.hash != previous.hash {
                return result(
                    ok: false, brokenAt: storedHead.lastEventId,
                    reason: "the newest event \(storedHead.lastEventId) is missing or changed: events were cut off the end")
            }
            if storedHead.events != count {
                return result(
                    ok: false, brokenAt: previous.id,
                    reason: "the head counts \(storedHead.events) events but the trail has \(count): events were removed or added")
            }
        } else if headRequired {
            return result(ok: false, brokenAt: previous.id, reason: "the chain head is missing")
        }
        if let savedHead, !savedHeadSeen {
            return result(
                ok: false, brokenAt: savedHead.lastEventId,
                reason: "event \(savedHead.lastEventId) of the saved head is not in the trail: the trail was cut back or rewritten")
        }
        if key != nil && keyed == 0 {
            return result(
                ok: false, brokenAt: previous.id,
                reason: "none of the \(count) events is chained with the audit key: the trail was written before the key was in use and nothing was recorded since, or it was re-chained without the key")
        }
        return result(ok: true, brokenAt: nil, reason: nil)
    }

    /// The verdict for input that broke off before an event could be read.
    func failed(at id: Int64?, reason: String) -> AuditVerification {
        AuditVerification(
            ok: false, events: count, brokenAt: id, reason: reason, keyed: keyed, unkeyed: unkeyed, unchecked: unchecked)
    }

    private static func extend(_ range: inout AuditEventRange?, with id: Int64) {
        if range == nil { range = AuditEventRange(first: id, last: id, count: 1) } else { range!.extend(to: id) }
    }
}
