import Foundation
import GRDB
import Testing

@testable import CorbiCore

@Suite struct ContactMergeTests {
    /// Anna (kept) and Ben (merged away, a second record of the same person), with a
    /// conflict between them, messages, bookings and synced calendar files.
    struct Setup {
        let f: BookingFixture
        let ben: Contact
        let cleo: Contact
        let annaBooking: Booking
        let benBooking: Booking
        let benCancelled: Booking
    }

    func setup() throws -> Setup {
        let f = try BookingFixture()
        let db = f.db
        let ben = try db.updateContact(
            f.staff, ref: "#\(f.ben.id!)", ContactInput(phone: "+49 151 2222222", tags: ["VIP", "recall"], notes: "Prefers mornings"))
        _ = try db.updateContact(f.staff, ref: "#\(f.anna.id!)", ContactInput(tags: ["vip"], notes: "Allergic to latex"))
        // Ben asks for Anna's email: the conflict a merge settles.
        #expect(bookingExitCode { _ = try db.updateContact(f.staff, ref: "#\(ben.id!)", ContactInput(email: "anna@example.com")) } == 65)
        // Cleo asks for Ben's phone: a conflict with a third contact.
        let cleo = try db.addContact(f.staff, ContactInput(fullName: "Cleo Park"))
        #expect(bookingExitCode { _ = try db.updateContact(f.staff, ref: "#\(cleo.id!)", ContactInput(phone: "+49 151 2222222")) } == 65)
        let annaBooking = try db.book(f.staff, BookingInput(contact: "#\(f.anna.id!)", start: "2026-12-01 10:00"), calendar: f.calendar).booking
        let benBooking = try db.book(f.staff, BookingInput(contact: "#\(ben.id!)", start: "2026-12-02 10:00", location: "Room 1"), calendar: f.calendar).booking
        let benCancelled = try db.book(f.staff, BookingInput(contact: "#\(ben.id!)", start: "2026-12-01 10:00"), calendar: f.calendar).booking
        _ = try db.cancelBooking(f.staff, id: "\(benCancelled.id!)", calendar: f.calendar)
        _ = try db.recordInbound(f.staff, channel: "whatsapp", identifier: "+491512222222", payload: ["text": "hi"])
        _ = try db.draft(f.staff, DraftRequest(contact: "#\(ben.id!)", text: "See you", channel: "whatsapp"))
        return Setup(f: f, ben: ben, cleo: cleo, annaBooking: annaBooking, benBooking: benBooking, benCancelled: benCancelled)
    }

    @Test func thePreviewSaysWhatMovesAndWhatIsDropped() throws {
        let s = try setup()
        let plan = try s.f.db.contactMergePreview(s.f.staff, keep: "Anna", other: "Ben")
        #expect(plan.keep.id == s.f.anna.id && plan.other.id == s.ben.id)
        #expect(plan.movedIdentifiers == [MergedIdentifier(channel: .whatsapp, value: "+491512222222", keptValue: nil)])
        #expect(plan.droppedIdentifiers == [MergedIdentifier(channel: .email, value: "ben@example.com", keptValue: "anna@example.com")])
        #expect(plan.addedTags == ["recall"])
        #expect(plan.notesAppended)
        #expect(plan.merged.notes == "Allergic to latex\n\nPrefers mornings")
        #expect(plan.inbound == 1 && plan.outbound == 1 && plan.unsentOutbound == 1)
        #expect(plan.bookings.map(\.booking.id) == [s.benCancelled.id, s.benBooking.id])
        #expect(plan.canMerge)
        #expect(plan.resolvedConflicts.count == 1)
        #expect(plan.repointedConflicts == 1)
        // A preview changes nothing.
        #expect(try s.f.db.contact(s.f.staff, ref: "#\(s.ben.id!)").fullName == "Ben Meyer")
    }

    @Test func bookingsMessagesConflictsAndCalendarFilesFollowTheMerge() throws {
        let s = try setup()
        let f = s.f
        let annaId = f.anna.id!, benId = s.ben.id!
        let result = try f.db.mergeContacts(f.staff, keep: "#\(annaId)", other: "ben@example.com")

        let anna = result.contact
        #expect(anna.email == "anna@example.com")
        #expect(anna.phoneWhatsapp == "+491512222222")
        #expect(anna.tags == ["vip", "recall"])
        #expect(anna.notes == "Allergic to latex\n\nPrefers mornings")
        #expect(try f.db.contact(f.staff, ref: "#\(annaId)") == anna)
        #expect(bookingExitCode { _ = try f.db.contact(f.staff, ref: "#\(benId)") } == 66)
        // Found by Ben's moved phone now.
        #expect(try f.db.contact(f.staff, ref: "+49 151 2222222").id == annaId)

        let count = { (sql: String) in try f.db.writer.read { try Int.fetchOne($0, sql: sql, arguments: [benId]) ?? -1 } }
        #expect(try count("SELECT count(*) FROM inboundMessage WHERE contactId = ?") == 0)
        #expect(try count("SELECT count(*) FROM outboundMessage WHERE contactId = ?") == 0)
        #expect(try count("SELECT count(*) FROM booking WHERE contactId = ?") == 0)
        #expect(try f.db.inboundMessages(f.staff, contact: "#\(annaId)").count == 1)
        #expect(try f.db.outbox(f.staff, contact: "#\(annaId)").count == 1)

        // Moved bookings: KEEP's now, a higher sequence, waiting for their calendar file.
        #expect(result.movedBookings.map(\.booking.id) == [s.benCancelled.id, s.benBooking.id])
        for detail in result.movedBookings {
            #expect(detail.booking.contactId == annaId)
            #expect(detail.contactName == "Anna Schmidt")
            #expect(!detail.booking.calendarSynced)
        }
        let moved = try #require(result.movedBookings.first { $0.booking.id == s.benBooking.id })
        #expect(moved.booking.sequence == s.benBooking.sequence + 1)
        #expect(f.db.syncCalendar(f.staff, calendar: f.calendar).isEmpty)
        let ics = try String(contentsOf: f.calendar.fileURL(uid: moved.booking.externalCalendarId), encoding: .utf8)
        #expect(ics.contains("SEQUENCE:\(moved.booking.sequence)"))
        #expect(ics.contains("Anna Schmidt"))
        #expect(!ics.contains("Ben Meyer"))

        // The conflict between them is resolved; Cleo's now names Anna.
        let conflicts = try f.db.identityConflicts(f.staff)
        let pair = try #require(conflicts.first { $0.conflict.channel == .email })
        #expect(pair.conflict.resolvedAt == f.clock.now)
        #expect(pair.conflict.resolvedBy == "staff@clinic.example")
        #expect(pair.owner == .contact(id: annaId, name: "Anna Schmidt"))
        #expect(pair.attempted == .none)  // Ben, deleted by the merge
        let third = try #require(conflicts.first { $0.conflict.channel == .whatsapp })
        #expect(!third.conflict.isResolved)
        #expect(third.owner == .contact(id: annaId, name: "Anna Schmidt"))
        #expect(third.attempted == .contact(id: s.cleo.id!, name: "Cleo Park"))

        // Audited with what moved and what was dropped.
        let event = try f.db.auditEvents(f.staff, limit: 1, action: "contacts.merge")[0]
        #expect(event.outcome == "ok")
        #expect(event.target == "contact:\(annaId)")
        guard case .object(let details) = event.detailsValue,
            case .object(let movedDetails)? = details["moved"], case .object(let dropped)? = details["dropped"]
        else { Issue.record("details: \(event.details)"); return }
        #expect(movedDetails["identifiers"] == ["whatsapp": "+491512222222"])
        #expect(movedDetails["bookings"] == .array([.int(s.benCancelled.id!), .int(s.benBooking.id!)]))
        #expect(dropped["identifiers"] == ["email": "ben@example.com"])
        #expect(try f.db.verifyAudit(f.admin).ok)
    }

    @Test func aMergeThatWouldOverlapBookingsIsRefusedAndChangesNothing() throws {
        let s = try setup()
        let f = s.f
        let clash = try f.db.book(f.staff, BookingInput(contact: "#\(s.ben.id!)", start: "2026-12-01 10:15"), calendar: nil).booking
        let plan = try f.db.contactMergePreview(f.staff, keep: "Anna", other: "Ben")
        #expect(!plan.canMerge)
        #expect(plan.clashes.map { [$0.moving.booking.id!, $0.existing.booking.id!] } == [[clash.id!, s.annaBooking.id!]])

        let tables = ["contact", "booking", "inboundMessage", "outboundMessage", "identityConflict"]
        func snapshot() throws -> [String: [Row]] {
            try f.db.writer.read { db in
                try Dictionary(uniqueKeysWithValues: tables.map { ($0, try Row.fetchAll(db, sql: "SELECT * FROM \($0) ORDER BY id")) })
            }
        }
        let before = try snapshot()
        let message = bookingErrorMessage { _ = try f.db.mergeContacts(f.staff, keep: "Anna", other: "Ben") }
        #expect(bookingExitCode { _ = try f.db.mergeContacts(f.staff, keep: "Anna", other: "Ben") } == 65)
        #expect(message.contains("#\(clash.id!)") && message.contains("#\(s.annaBooking.id!)"))
        #expect(message.contains("Nothing was changed"))
        #expect(try snapshot() == before)
        let refused = try f.db.auditEvents(f.staff, limit: 1)[0]
        #expect(refused.action == "contacts.merge" && refused.outcome == "refused")

        // Once the clash is cancelled, the merge goes through (the cancelled one moves too).
        _ = try f.db.cancelBooking(f.staff, id: "\(clash.id!)", calendar: nil)
        #expect(try f.db.mergeContacts(f.staff, keep: "Anna", other: "Ben").movedBookings.count == 3)
    }

    @Test func aRoomDoubleBookedAsAllowedIsNamedNotLeftToTheTrigger() throws {
        let f = try BookingFixture()
        let room = try f.db.book(f.staff, BookingInput(contact: "#\(f.ben.id!)", start: "2026-12-01 10:00", location: "Room 1"), calendar: nil).booking
        let over = try f.db.book(
            f.staff, BookingInput(contact: "#\(f.anna.id!)", start: "2026-12-01 10:00", location: "room 1", allowOverlap: true), calendar: nil
        ).booking
        let plan = try f.db.contactMergePreview(f.staff, keep: "Anna", other: "Ben")
        #expect(plan.clashes.map { [$0.moving.booking.id!, $0.existing.booking.id!] } == [[room.id!, over.id!]])
        #expect(bookingExitCode { _ = try f.db.mergeContacts(f.staff, keep: "Anna", other: "Ben") } == 65)
    }

    @Test func notesTooLongTogetherAreNotCut() throws {
        let f = try BookingFixture()
        let half = String(repeating: "n", count: Validation.maximumNotesLength / 2 + 1)
        _ = try f.db.updateContact(f.staff, ref: "Anna", ContactInput(notes: half))
        _ = try f.db.updateContact(f.staff, ref: "Ben", ContactInput(notes: half + "b"))
        #expect(bookingErrorMessage { _ = try f.db.mergeContacts(f.staff, keep: "Anna", other: "Ben") }.contains("shorten"))
        #expect(try f.db.contacts(f.staff).total == 2)
    }

    @Test func anOptOutOfEitherContactHolds() throws {
        let f = try BookingFixture()
        _ = try f.db.updateContact(f.staff, ref: "Ben", ContactInput(status: "unsubscribed"))
        #expect(try f.db.mergeContacts(f.staff, keep: "Anna", other: "Ben").contact.status == .unsubscribed)
    }

    @Test func whoMayMergeAndWhat() throws {
        let f = try BookingFixture()
        #expect(bookingExitCode { _ = try f.db.contactMergePreview(f.viewer, keep: "Anna", other: "Ben") } == 77)
        #expect(bookingExitCode { _ = try f.db.mergeContacts(f.viewer, keep: "Anna", other: "Ben") } == 77)
        #expect(bookingExitCode { _ = try f.db.mergeContacts(f.staff, keep: "Anna", other: "anna@example.com") } == 65)
        // Another organization's contact is not found.
        _ = try f.db.createOrganization(name: "Other", domain: "other.example", adminEmail: "admin@other.example")
        let other = try f.db.resolveActor(user: "admin@other.example", organization: "other.example")
        let stranger = try f.db.addContact(other, ContactInput(fullName: "Stranger"))
        #expect(bookingExitCode { _ = try f.db.mergeContacts(f.staff, keep: "Anna", other: "#\(stranger.id!)") } == 66)
        #expect(try f.db.contacts(f.staff).total == 2)
    }

    @Test func conflictsAreListedNewestFirstWithTheirContactsAndGoneOnes() throws {
        let f = try BookingFixture()
        #expect(bookingExitCode { _ = try f.db.addContact(f.staff, ContactInput(fullName: "Impostor", email: "anna@example.com")) } == 65)
        #expect(bookingExitCode { _ = try f.db.updateContact(f.staff, ref: "Ben", ContactInput(email: "anna@example.com")) } == 65)
        var list = try f.db.identityConflicts(f.viewer)
        #expect(list.count == 2)
        #expect(list[0].conflict.id! > list[1].conflict.id!)
        #expect(list[0].attempted == .contact(id: f.ben.id!, name: "Ben Meyer"))
        #expect(list[1].attempted == .none)
        #expect(list.allSatisfy { $0.owner == .contact(id: f.anna.id!, name: "Anna Schmidt") && !$0.conflict.isResolved })
        // Settled by hand: different people after all.
        #expect(bookingExitCode { _ = try f.db.resolveIdentityConflict(f.viewer, id: list[0].conflict.id!) } == 77)
        let settled = try f.db.resolveIdentityConflict(f.staff, id: list[0].conflict.id!)
        #expect(settled.conflict.resolvedBy == "staff@clinic.example" && settled.attempted == list[0].attempted)
        #expect(bookingExitCode { _ = try f.db.resolveIdentityConflict(f.staff, id: list[0].conflict.id!) } == 65)
        #expect(bookingExitCode { _ = try f.db.resolveIdentityConflict(f.staff, id: 999) } == 66)
        #expect(try f.db.identityConflicts(f.viewer, unresolvedOnly: true).map(\.conflict.id) == [list[1].conflict.id])
        _ = try f.db.deleteContact(f.staff, ref: "Anna")
        list = try f.db.identityConflicts(f.viewer)
        #expect(list.allSatisfy { $0.owner == .gone })
        #expect(try f.db.identityConflicts(f.viewer, limit: 1).count == 1)
    }
}
