import CorbiCore
import Foundation

/// An identity conflict: `{"id", "channel", "identifier", "owner": {"id", "name"},
/// "attempted": {"id", "name"}, "actor", "createdAt", "resolvedAt", "resolvedBy"}`; `owner`
/// is null once the owner was deleted, `attempted` null for a contact being added (or
/// deleted since); times ISO 8601 in the organization's zone.
struct ConflictJSON: Encodable {
    struct Party: Encodable {
        var id: Int64
        var name: String
    }
    var id: Int64
    var channel: String
    var identifier: String
    @Nullable var owner: Party?
    @Nullable var attempted: Party?
    var actor: String
    var createdAt: String
    @Nullable var resolvedAt: String?
    @Nullable var resolvedBy: String?

    init(_ entry: IdentityConflictEntry, zone: TimeZone) {
        let c = entry.conflict
        id = c.id ?? 0
        channel = c.channel.rawValue
        identifier = c.value
        owner = Self.party(entry.owner)
        attempted = Self.party(entry.attempted)
        actor = c.actor
        createdAt = DateFormatting.iso8601(c.createdAt, in: zone)
        resolvedAt = c.resolvedAt.map { DateFormatting.iso8601($0, in: zone) }
        resolvedBy = c.resolvedBy
    }

    static func party(_ p: ConflictParty) -> Party? {
        if case .contact(let id, let name) = p { return Party(id: id, name: name) }
        return nil
    }

    /// `Anna Müller (#3)`, or `none` for no contact.
    static func describe(_ p: ConflictParty, none: String) -> String {
        switch p {
        case .contact(let id, let name): "\(name) (#\(id))"
        case .gone: "(deleted)"
        case .none: none
        }
    }
}

/// `{"conflicts": [...]}`, newest first.
struct ConflictListJSON: Encodable {
    var conflicts: [ConflictJSON]
}

/// `contacts merge`: `{"merged", "keep", "other", "movedIdentifiers": [{"channel", "value"}],
/// "droppedIdentifiers": [{"channel", "value", "keptValue"}], "addedTags", "notesAppended",
/// "status", "inbound", "outbound", "unsentOutbound", "bookings", "clashes": [{"moving",
/// "existing"}], "resolvedConflicts", "repointedConflicts", "contact", "warnings"}`.
/// `contact` is KEEP as merged (as it would be, in a preview); `bookings` are OTHER's
/// bookings (after a merge, as they are now: KEEP's, with a higher sequence).
struct ContactMergeJSON: Encodable {
    struct Identifier: Encodable {
        var channel: String
        var value: String
        @Nullable var keptValue: String?
    }
    struct Clash: Encodable {
        var moving: BookingJSON
        var existing: BookingJSON
    }
    var merged: Bool
    var keep: ContactJSON
    var other: ContactJSON
    var movedIdentifiers: [Identifier]
    var droppedIdentifiers: [Identifier]
    var addedTags: [String]
    var notesAppended: Bool
    var status: String
    var inbound: Int
    var outbound: Int
    var unsentOutbound: Int
    var bookings: [BookingJSON]
    var clashes: [Clash]
    var resolvedConflicts: [Int64]
    var repointedConflicts: Int
    var contact: ContactJSON
    var warnings: [String]

    /// A preview: nothing merged.
    init(plan: ContactMergePlan, zone: TimeZone) {
        func identifiers(_ list: [MergedIdentifier]) -> [Identifier] {
            list.map { Identifier(channel: $0.channel.rawValue, value: $0.value, keptValue: $0.keptValue) }
        }
        merged = false
        keep = ContactJSON(plan.keep, zone: zone)
        other = ContactJSON(plan.other, zone: zone)
        movedIdentifiers = identifiers(plan.movedIdentifiers)
        droppedIdentifiers = identifiers(plan.droppedIdentifiers)
        addedTags = plan.addedTags
        notesAppended = plan.notesAppended
        status = plan.status.rawValue
        inbound = plan.inbound
        outbound = plan.outbound
        unsentOutbound = plan.unsentOutbound
        bookings = plan.bookings.map { BookingJSON($0, zone: zone) }
        clashes = plan.clashes.map { Clash(moving: BookingJSON($0.moving, zone: zone), existing: BookingJSON($0.existing, zone: zone)) }
        resolvedConflicts = plan.resolvedConflicts
        repointedConflicts = plan.repointedConflicts
        contact = ContactJSON(plan.merged, zone: zone)
        warnings = []
    }

    /// A merge done.
    init(merge: ContactMerge, zone: TimeZone, warnings: [String]) {
        self.init(plan: merge.plan, zone: zone)
        merged = true
        bookings = merge.movedBookings.map { BookingJSON($0, zone: zone) }
        contact = ContactJSON(merge.contact, zone: zone)
        self.warnings = warnings
    }
}
