import Foundation
import GRDB

/// An identifier of the contact merged away.
public struct MergedIdentifier: Equatable, Sendable {
    public var channel: Channel
    public var value: String
    /// For a dropped identifier: the one the kept contact has on that channel.
    public var keptValue: String?
}

/// A booking of the contact merged away that would overlap a live booking once moved.
public struct MergeClash: Equatable, Sendable {
    /// The booking that would move.
    public var moving: BookingDetail
    /// The live booking it would overlap: the kept contact's, or another one in the same
    /// location (booked over it as allowed; moving re-checks the location).
    public var existing: BookingDetail
}

/// What merging OTHER into KEEP will do; ``AppDatabase/mergeContacts(_:keep:other:)``
/// does exactly this, in one transaction, or refuses while ``clashes`` is not empty.
public struct ContactMergePlan: Equatable, Sendable {
    public var keep: Contact
    public var other: Contact
    /// OTHER's identifiers on channels where KEEP has none: they move to KEEP.
    public var movedIdentifiers: [MergedIdentifier]
    /// OTHER's identifiers on channels where KEEP has one: they are dropped.
    public var droppedIdentifiers: [MergedIdentifier]
    /// OTHER's tags KEEP lacks (compared without case).
    public var addedTags: [String]
    /// Whether OTHER's notes are appended to KEEP's.
    public var notesAppended: Bool
    /// KEEP's status after the merge: OTHER's when KEEP is active and OTHER is not
    /// (an opt-out or a block on either contact holds for the person).
    public var status: ContactStatus
    public var inbound: Int
    public var outbound: Int
    /// Of those, messages not sent yet (pending or retrying): they will go to KEEP's
    /// identifier on their channel.
    public var unsentOutbound: Int
    /// OTHER's bookings, all of which move to KEEP.
    public var bookings: [BookingDetail]
    public var clashes: [MergeClash]
    /// Unresolved conflicts between the two contacts, marked resolved by the merge.
    public var resolvedConflicts: [Int64]
    /// Unresolved conflicts of OTHER with a third contact, which will name KEEP instead.
    public var repointedConflicts: Int
    /// KEEP as it will be.
    public var merged: Contact

    /// Whether the merge can go ahead.
    public var canMerge: Bool { clashes.isEmpty }
}

/// A merge done.
public struct ContactMerge: Equatable, Sendable {
    public var plan: ContactMergePlan
    /// KEEP after the merge.
    public var contact: Contact
    /// The moved bookings as they are now: their calendar files must be rewritten (each
    /// has a higher sequence and is marked unsynced).
    public var movedBookings: [BookingDetail]
}

extension AppDatabase {
    /// What merging `other` into `keep` would do (staff and admins): moved and dropped
    /// identifiers, tags, notes, messages, bookings and the overlaps that would refuse it.
    public func contactMergePreview(_ actor: Actor, keep: String, other: String) throws -> ContactMergePlan {
        do {
            return try read(actor) { db in
                try actor.current(db).require(.write, to: Self.describe("contacts.merge"))
                return try planMerge(db, actor: actor, keep: keep, other: other)
            }
        } catch let error as CorbiError where error.isRefusal {
            try? auditRefusal(actor, entry: AuditEntry(action: "contacts.merge", target: "contact:\(keep)", details: ["other": .string(other)]), error: error)
            throw error
        }
    }

    /// Merges `other` into `keep` (staff and admins), in one transaction: OTHER's
    /// identifiers move where KEEP has none (the rest are dropped), tags are united,
    /// notes appended, inbound and outbound messages and bookings move to KEEP, their
    /// conflicts are marked resolved, OTHER is deleted. Audited with what moved and what
    /// was dropped. Refused (65, nothing changed) when a moved booking would overlap a
    /// live booking, listing them. The moved bookings come back for their calendar files.
    public func mergeContacts(_ actor: Actor, keep: String, other: String) throws -> ContactMerge {
        try perform(actor, "contacts.merge", requires: .write, target: "contact:\(keep)", details: ["other": .string(other)]) { db, entry in
            let plan = try planMerge(db, actor: actor, keep: keep, other: other)
            let keepId = plan.keep.id!, otherId = plan.other.id!
            entry.target = "contact:\(keepId)"
            entry.details = Self.mergeDetails(plan)
            guard plan.canMerge else { throw Self.clashError(plan, zone: actor.organization.timeZone) }
            let now = environment.now()
            let org = actor.organizationId

            try db.execute(
                sql: "UPDATE inboundMessage SET contactId = ? WHERE contactId = ? AND organizationId = ?", arguments: [keepId, otherId, org])
            try db.execute(
                sql: "UPDATE outboundMessage SET contactId = ?, updatedAt = ? WHERE contactId = ? AND organizationId = ?",
                arguments: [keepId, now, otherId, org])
            // One by one, bookings that may not overlap first: the overlap trigger checks
            // each against the contact's bookings as they stand at that moment.
            for detail in plan.bookings.sorted(by: { ($0.booking.allowOverlap ? 1 : 0, $0.booking.id!) < ($1.booking.allowOverlap ? 1 : 0, $1.booking.id!) }) {
                try db.execute(
                    sql: "UPDATE booking SET contactId = ?, sequence = sequence + 1, calendarSynced = 0, updatedAt = ? WHERE id = ?",
                    arguments: [keepId, now, detail.booking.id!])
            }
            if !plan.resolvedConflicts.isEmpty {
                try db.execute(
                    sql: "UPDATE identityConflict SET resolvedAt = ?, resolvedBy = ? WHERE id IN (\(plan.resolvedConflicts.map { String($0) }.joined(separator: ",")))",
                    arguments: [now, actor.name])
            }
            for column in ["ownerContactId", "attemptedContactId"] {
                try db.execute(
                    sql: "UPDATE identityConflict SET \(column) = ? WHERE \(column) = ? AND organizationId = ? AND resolvedAt IS NULL",
                    arguments: [keepId, otherId, org])
            }
            // OTHER goes first, freeing its identifiers for KEEP; nothing cascades any more.
            try plan.other.delete(db)
            var merged = plan.merged
            merged.updatedAt = now
            try merged.update(db)
            let moved = try Self.mergeBookingDetails(db, where: "booking.id IN (\(plan.bookings.map { String($0.booking.id!) }.joined(separator: ",")))", arguments: [])
            return ContactMerge(plan: plan, contact: merged, movedBookings: moved)
        }
    }

    private func planMerge(_ db: Database, actor: Actor, keep keepRef: String, other otherRef: String) throws -> ContactMergePlan {
        let keep = try resolveContact(db, actor: actor, ref: keepRef)
        let other = try resolveContact(db, actor: actor, ref: otherRef)
        guard keep.id != other.id else {
            throw CorbiError.invalid("Both references name \(keep.label); a contact cannot be merged into itself.")
        }
        var merged = keep
        var moved: [MergedIdentifier] = []
        var dropped: [MergedIdentifier] = []
        for channel in Channel.allCases {
            guard let value = other.identifier(on: channel) else { continue }
            if let kept = keep.identifier(on: channel) {
                dropped.append(MergedIdentifier(channel: channel, value: value, keptValue: kept))
                continue
            }
            moved.append(MergedIdentifier(channel: channel, value: value, keptValue: nil))
            switch channel {
            case .email: merged.email = other.email
            case .whatsapp: merged.phoneWhatsapp = other.phoneWhatsapp
            case .telegram: merged.telegramChatId = other.telegramChatId
            case .instagram: merged.instagramScopedId = other.instagramScopedId
            }
        }
        merged.tags = ContactInput.normalizeTags(keep.tags + other.tags)
        let keptTags = Set(keep.tags.map { $0.lowercased() })
        let addedTags = merged.tags.filter { !keptTags.contains($0.lowercased()) }
        var notesAppended = false
        if let otherNotes = other.notes, !otherNotes.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, otherNotes != keep.notes {
            merged.notes = keep.notes.map { $0 + "\n\n" + otherNotes } ?? otherNotes
            notesAppended = true
            // Cutting notes to fit would lose what someone wrote: a person shortens them.
            if let notes = merged.notes, notes.count > Validation.maximumNotesLength {
                throw CorbiError.invalid(
                    "Together the notes of \(keep.label) and \(other.label) are \(notes.count) characters, more than the \(Validation.maximumNotesLength) a contact may have; shorten either first. Nothing was changed.")
            }
        }
        if keep.status == .active && other.status != .active { merged.status = other.status }
        merged.lastInboundAt = [keep.lastInboundAt, other.lastInboundAt].compactMap { $0 }.max()
        merged.lastOutboundAt = [keep.lastOutboundAt, other.lastOutboundAt].compactMap { $0 }.max()
        merged.refreshSearchText()

        let otherId = other.id!, keepId = keep.id!, org = actor.organizationId
        let inbound = try Int.fetchOne(
            db, sql: "SELECT count(*) FROM inboundMessage WHERE contactId = ? AND organizationId = ?", arguments: [otherId, org]) ?? 0
        let outboundRow = try Row.fetchOne(
            db,
            sql: "SELECT count(*) AS total, count(*) FILTER (WHERE status IN ('pending', 'retrying')) AS unsent FROM outboundMessage WHERE contactId = ? AND organizationId = ?",
            arguments: [otherId, org])
        let bookings = try Self.mergeBookingDetails(db, where: "booking.contactId = ? AND booking.organizationId = ?", arguments: [otherId, org])
        let resolved = try Int64.fetchAll(
            db,
            sql: """
                SELECT id FROM identityConflict WHERE organizationId = ? AND resolvedAt IS NULL
                AND ((ownerContactId = ? AND attemptedContactId = ?) OR (ownerContactId = ? AND attemptedContactId = ?)) ORDER BY id
                """, arguments: [org, keepId, otherId, otherId, keepId])
        let repointed = try Int.fetchOne(
            db,
            sql: """
                SELECT count(*) FROM identityConflict WHERE organizationId = ? AND resolvedAt IS NULL
                AND (ownerContactId = ? OR attemptedContactId = ?) AND coalesce(ownerContactId, 0) <> ? AND coalesce(attemptedContactId, 0) <> ?
                """, arguments: [org, otherId, otherId, keepId, keepId]) ?? 0
        return ContactMergePlan(
            keep: keep, other: other, movedIdentifiers: moved, droppedIdentifiers: dropped, addedTags: addedTags,
            notesAppended: notesAppended, status: merged.status, inbound: inbound, outbound: outboundRow?["total"] ?? 0,
            unsentOutbound: outboundRow?["unsent"] ?? 0, bookings: bookings,
            clashes: try mergeClashes(db, keepId: keepId, otherId: otherId, org: org), resolvedConflicts: resolved,
            repointedConflicts: repointed, merged: merged)
    }

    /// The overlaps the booking trigger would refuse once OTHER's live bookings belong to
    /// KEEP, checked the way it checks them: a moving booking that may not overlap
    /// (allowOverlap = 0) against KEEP's live bookings, OTHER's bookings moved before it,
    /// and any live booking in the same location.
    private func mergeClashes(_ db: Database, keepId: Int64, otherId: Int64, org: Int64) throws -> [MergeClash] {
        let pairs = try Row.fetchAll(
            db,
            sql: """
                SELECT m.id AS moving, b.id AS existing FROM booking m JOIN booking b
                  ON b.organizationId = m.organizationId AND b.id <> m.id AND b.status <> 'cancelled'
                 AND b.start < m."end" AND m.start < b."end"
                 AND (b.contactId = ?
                      OR (b.contactId = ? AND b.allowOverlap = 0 AND b.id < m.id)
                      OR (m.location IS NOT NULL AND b.location IS NOT NULL AND lower(b.location) = lower(m.location)))
                WHERE m.contactId = ? AND m.organizationId = ? AND m.status <> 'cancelled' AND m.allowOverlap = 0
                ORDER BY m.start, m.id, b.start, b.id
                """, arguments: [keepId, otherId, otherId, org])
        guard !pairs.isEmpty else { return [] }
        let ids = Set(pairs.flatMap { [$0["moving"] as Int64, $0["existing"] as Int64] })
        let details = try Self.mergeBookingDetails(db, where: "booking.id IN (\(ids.map { String($0) }.joined(separator: ",")))", arguments: [])
        let byId = Dictionary(uniqueKeysWithValues: details.map { ($0.booking.id!, $0) })
        return pairs.compactMap { row in
            guard let moving = byId[row["moving"]], let existing = byId[row["existing"]] else { return nil }
            return MergeClash(moving: moving, existing: existing)
        }
    }

    private static func mergeBookingDetails(_ db: Database, where clause: String, arguments: StatementArguments) throws -> [BookingDetail] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT booking.*, contact.fullName AS contactName FROM booking JOIN contact ON contact.id = booking.contactId
                WHERE \(clause) ORDER BY booking.start, booking.id
                """, arguments: arguments
        ).map { BookingDetail(booking: try Booking(row: $0), contactName: $0["contactName"]) }
    }

    /// The refusal of a plan with clashes, naming each pair of bookings.
    public static func clashError(_ plan: ContactMergePlan, zone: TimeZone) -> CorbiError {
        func describe(_ d: BookingDetail) -> String {
            "#\(d.booking.id!) (\(d.booking.title), \(d.contactName)\(d.booking.location.map { ", \($0)" } ?? "")) "
                + DateFormatting.range(d.booking.start, d.booking.end, in: zone)
        }
        let list = plan.clashes.map { "\(describe($0.moving)) would overlap \(describe($0.existing))" }
        return CorbiError.invalid(
            "Merging \(plan.other.label) into \(plan.keep.label) would make bookings overlap: " + list.joined(separator: "; ")
                + ". Cancel or reschedule one booking of each pair first. Nothing was changed.")
    }

    private static func mergeDetails(_ plan: ContactMergePlan) -> [String: JSONValue] {
        func identifiers(_ list: [MergedIdentifier]) -> JSONValue {
            .object(Dictionary(uniqueKeysWithValues: list.map { ($0.channel.rawValue, JSONValue.string($0.value)) }))
        }
        var details: [String: JSONValue] = [
            "other": .object(auditDetails(plan.other).merging(["id": .int(plan.other.id!), "notes": .optional(plan.other.notes)]) { $1 }),
            "moved": [
                "identifiers": identifiers(plan.movedIdentifiers), "tags": .array(plan.addedTags.map(JSONValue.string)),
                "notes": .bool(plan.notesAppended), "inbound": .int(Int64(plan.inbound)), "outbound": .int(Int64(plan.outbound)),
                "bookings": .array(plan.bookings.map { .int($0.booking.id!) }),
            ],
            "dropped": ["identifiers": identifiers(plan.droppedIdentifiers)],
            "resolvedConflicts": .array(plan.resolvedConflicts.map(JSONValue.int)),
        ]
        if plan.status != plan.keep.status {
            details["status"] = ["from": .string(plan.keep.status.rawValue), "to": .string(plan.status.rawValue)]
        }
        if !plan.clashes.isEmpty {
            details["clashes"] = .array(plan.clashes.map { .array([.int($0.moving.booking.id!), .int($0.existing.booking.id!)]) })
        }
        return details
    }
}
