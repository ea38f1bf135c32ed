import Foundation
import GRDB
import Testing

@testable import CorbiCore

@Suite struct DraftServiceTests {
    /// A workspace with Anna (WhatsApp and email, no Telegram) and an approved reminder.
    static func workspace() throws -> TemplateTestWorkspace {
        let w = try TemplateTestWorkspace()
        try w.contact("Anna Schmidt", phone: "0151 2345678", email: "anna@example.com")
        try w.approvedTemplate("reminder", body: "Hi {{first_name}}, see you at {{time}} – {{org_name}} <3")
        return w
    }

    @Test func rendersExactlyAndSchedulesAPendingMessage() throws {
        let w = try Self.workspace()
        let draft = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "reminder", arguments: ["time=10:00 & later"]))
        #expect(draft.saved)
        #expect(draft.message.body == "Hi Anna, see you at 10:00 & later – Bright Smile <3")
        #expect(draft.message.status == .pending)
        #expect(draft.message.channel == .whatsapp)
        #expect(draft.message.scheduledFor == TemplateTestWorkspace.start)
        #expect(draft.message.variables == ["first_name": "Anna", "time": "10:00 & later", "org_name": "Bright Smile"])
        #expect(!draft.throttled)

        #expect(DateFormatting.iso8601(draft.message.scheduledFor, in: w.staff.organization.timeZone) == "2026-06-01T10:00:00+02:00")

        let event = try w.lastEvent("draft.create")
        #expect(event?.outcome == "ok")
        #expect(event?.target == "outbound:\(draft.message.id!)")
    }

    @Test func withoutAChannelTheContactsOnlyReachableChannelIsChosen() throws {
        let w = try Self.workspace()
        try w.approvedTemplate("reminder", channel: "telegram", body: "Hallo {{first_name}}, {{time}}")
        try w.contact("Ben Telegram", telegram: "4242")
        let draft = try w.db.draft(w.staff, DraftRequest(contact: "ben", template: "reminder", arguments: ["time=9"]))
        #expect(draft.message.channel == .telegram)
        #expect(draft.message.body == "Hallo Ben, 9")
        // Anna is on whatsapp only: the whatsapp template.
        #expect(try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "reminder", arguments: ["time=9"])).message.channel == .whatsapp)
        // Reachable on both channels: still a choice to make.
        try w.contact("Cleo Both", phone: "0151 9999999", telegram: "77")
        #expect { try w.db.draft(w.staff, DraftRequest(contact: "cleo", template: "reminder", arguments: ["time=9"])) } throws: {
            "\($0)".contains("matches several templates")
        }
    }

    @Test func argumentsBeatContext() throws {
        let w = try Self.workspace()
        let draft = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "reminder", arguments: ["first_name=Annie", "time=9"]))
        #expect(draft.message.body == "Hi Annie, see you at 9 – Bright Smile <3")
    }

    @Test func everyMissingVariableIsListedInOneError() throws {
        let w = try Self.workspace()
        try w.approvedTemplate("visit", body: "{{first_name}}: {{booking_date}} {{booking_time}} {{room}}")
        let error = templateTestError { _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "visit")) }
        #expect(
            error
                == .invalid(
                    "Missing variables for visit (whatsapp, en): booking_date, booking_time, room; give them as name=value or name a booking.",
                    hints: [.booking]))
        #expect(try w.lastEvent("draft.create")?.outcome == "refused")
        #expect(try w.count("SELECT count(*) FROM outboundMessage") == 0)
    }

    @Test func unknownAndBareArgumentsAreRefused() throws {
        let w = try Self.workspace()
        #expect(templateTestError { _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "reminder", arguments: ["time=1", "tme=2"])) }?.exitCode == 65)
        #expect(templateTestError { _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "reminder", arguments: ["10:00"])) }?.exitCode == 65)
    }

    @Test func positionalTemplatesTakeBareValues() throws {
        let w = try Self.workspace()
        try w.approvedTemplate("invoice", body: "Invoice {{1}} for {{2}}")
        let draft = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "invoice", arguments: ["A-17", "2=99 €"]))
        #expect(draft.message.body == "Invoice A-17 for 99 €")
    }

    @Test(arguments: ["blocked", "unsubscribed", "bounced"])
    func onlyActiveContactsAreMessaged(_ status: String) throws {
        let w = try Self.workspace()
        try w.contact("Bob Stone", phone: "0151 999999", status: status)
        let error = templateTestError { _ = try w.db.draft(w.staff, DraftRequest(contact: "bob", template: "reminder", arguments: ["time=1"])) }
        #expect(error == .invalid("Bob Stone (#2) is \(status): messages go only to active contacts."))
        #expect(try w.count("SELECT count(*) FROM outboundMessage") == 0)
    }

    @Test func aSuppressedNumberIsRefused() throws {
        let w = try Self.workspace()
        // Written differently from the contact's number: both normalize to +491512345678.
        _ = try w.db.addSuppression(w.staff, channel: "whatsapp", identifier: "+49 (0)151 234 5678", reason: "opt-out")
        let error = templateTestError { _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "reminder", arguments: ["time=1"])) }
        #expect(error == .invalid("+491512345678 is suppressed on whatsapp (opt-out): no message goes to a suppressed identifier."))
        // Email is another channel: not suppressed.
        try w.approvedTemplate("note", channel: "email", body: "Hi {{first_name}}", subject: "Note")
        #expect(try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "note")).saved)
    }

    @Test func aChannelTheContactLacksIsRefused() throws {
        let w = try Self.workspace()
        try w.approvedTemplate("ping", channel: "telegram", body: "Hi {{first_name}}")
        let error = templateTestError { _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "ping")) }
        #expect(error == .invalid("Anna Schmidt (#1) has no telegram identifier: cannot message them on telegram."))
    }

    @Test func unapprovedAndOtherChannelTemplatesAreRefused() throws {
        let w = try Self.workspace()
        _ = try w.db.addTemplate(w.staff, TemplateInput(name: "offer", channel: "whatsapp", language: "en", body: "Offer"))
        let unapproved = templateTestError { _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "offer")) }
        #expect(unapproved?.exitCode == 65)
        #expect(unapproved?.description.contains("is not approved") == true)
        let otherChannel = templateTestError {
            _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "reminder", channel: "email", arguments: ["time=1"]))
        }
        #expect(otherChannel?.exitCode == 65)
        #expect(otherChannel?.description.contains("is for whatsapp, not email") == true)
        #expect(templateTestError { _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "nope")) }?.exitCode == 66)
    }

    @Test func anEditedTemplateCannotBeDraftedUntilApprovedAgain() throws {
        let w = try Self.workspace()
        _ = try w.db.updateTemplate(w.staff, TemplateSelector(name: "reminder"), body: "Hi {{first_name}}!", subject: nil)
        let error = templateTestError { _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "reminder")) }
        #expect(error?.description.contains("is not approved") == true)
        _ = try w.db.approveTemplate(w.admin, TemplateSelector(name: "reminder"))
        #expect(try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "reminder")).message.body == "Hi Anna!")
    }

    @Test func viewersCannotDraft() throws {
        let w = try Self.workspace()
        let error = templateTestError { _ = try w.db.draft(w.viewer, DraftRequest(contact: "anna", template: "reminder", arguments: ["time=1"])) }
        #expect(error?.exitCode == 77)
        #expect(templateTestError { _ = try w.db.previewDraft(w.viewer, DraftRequest(contact: "anna", template: "reminder", arguments: ["time=1"])) }?.exitCode == 77)
        #expect(try w.lastEvent("draft.create")?.outcome == "refused")
    }

    @Test func aDryRunSavesNothing() throws {
        let w = try Self.workspace()
        let events = try w.count("SELECT count(*) FROM auditEvent")
        let preview = try w.db.previewDraft(w.staff, DraftRequest(contact: "anna", template: "reminder", arguments: ["time=10:00"]))
        #expect(!preview.saved && preview.message.id == nil)
        #expect(preview.message.body == "Hi Anna, see you at 10:00 – Bright Smile <3")
        #expect(try w.count("SELECT count(*) FROM outboundMessage") == 0)
        #expect(try w.count("SELECT count(*) FROM auditEvent") == events)
        // The same rules apply.
        #expect(templateTestError { _ = try w.db.previewDraft(w.staff, DraftRequest(contact: "anna", template: "reminder")) }?.exitCode == 65)
    }

    @Test func freeTextOnWhatsAppOnlyWithin24HoursOfTheLastInbound() throws {
        let w = try Self.workspace()
        let request = DraftRequest(contact: "anna", text: "Thanks, see you!", channel: "whatsapp")
        #expect(templateTestError { _ = try w.db.draft(w.staff, request) }?.description.contains("has never written") == true)

        let recorded = try w.db.recordInbound(w.staff, channel: "whatsapp", identifier: "+491512345678", payload: ["text": "Hello?"])
        #expect(recorded.contact?.lastInboundAt == TemplateTestWorkspace.start)
        w.clock.advance(23 * 3600)
        #expect(try w.db.draft(w.staff, request).message.body == "Thanks, see you!")
        // Scheduled past the window: refused even though it is drafted inside it.
        var late = request
        late.at = "+2h"
        #expect(templateTestError { _ = try w.db.draft(w.staff, late) }?.exitCode == 65)
        w.clock.advance(2 * 3600)
        let error = templateTestError { _ = try w.db.draft(w.staff, request) }
        #expect(error?.exitCode == 65)
        #expect(error?.description.contains("within 24 hours") == true)
        // Email has no such window.
        #expect(try w.db.draft(w.staff, DraftRequest(contact: "anna", text: "Hi", subject: "Hello", channel: "email")).saved)
    }

    @Test func freeTextNeedsAChannelAndNoTemplate() throws {
        let w = try Self.workspace()
        #expect(templateTestError { _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", text: "Hi")) }?.exitCode == 64)
        #expect(templateTestError { _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", text: "  ", channel: "email")) }?.exitCode == 65)
        #expect(templateTestError { _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", text: "Hi", channel: "fax")) }?.exitCode == 65)
    }

    @Test func theRateMovesDraftsToTheNextFreeMinute() throws {
        let w = try Self.workspace()
        _ = try w.db.setChannelRate(w.admin, channel: "whatsapp", perMinute: 2)
        #expect(templateTestError { _ = try w.db.setChannelRate(w.staff, channel: "whatsapp", perMinute: 5) }?.exitCode == 77)
        let request = DraftRequest(contact: "anna", template: "reminder", arguments: ["time=1"], at: "2026-06-01 12:00")
        let drafts = try (0..<5).map { _ in try w.db.draft(w.staff, request) }
        let zone = w.staff.organization.timeZone
        #expect(drafts.map { DateFormatting.iso8601($0.message.scheduledFor, in: zone) } == [
            "2026-06-01T12:00:00+02:00", "2026-06-01T12:00:00+02:00", "2026-06-01T12:01:00+02:00",
            "2026-06-01T12:01:00+02:00", "2026-06-01T12:02:00+02:00",
        ])
        #expect(drafts.map(\.throttled) == [false, false, true, true, true])
        #expect(drafts[2].ratePerMinute == 2)
        // A cancelled message frees its slot.
        _ = try w.db.cancelMessage(w.staff, id: drafts[0].message.id!)
        #expect(try w.db.draft(w.staff, request).message.scheduledFor == drafts[0].message.scheduledFor)
        // Other channels have their own (default) rate.
        let email = try w.db.draft(w.staff, DraftRequest(contact: "anna", text: "x", subject: "s", channel: "email", at: "2026-06-01 12:00"))
        #expect(!email.throttled && email.ratePerMinute == 60)
    }

    @Test func atTimesAreReadInTheOrganizationsZone() throws {
        let w = try Self.workspace()
        let zone = w.staff.organization.timeZone
        func at(_ text: String) throws -> String {
            let d = try w.db.previewDraft(w.staff, DraftRequest(contact: "anna", template: "reminder", arguments: ["time=1"], at: text))
            return DateFormatting.iso8601(d.message.scheduledFor, in: zone)
        }
        #expect(try at("2026-06-02 09:30") == "2026-06-02T09:30:00+02:00")
        #expect(try at("2026-06-02T09:30") == "2026-06-02T09:30:00+02:00")
        #expect(try at("tomorrow 08:15") == "2026-06-02T08:15:00+02:00")
        #expect(try at("17:45") == "2026-06-01T17:45:00+02:00")
        #expect(try at("+90m") == "2026-06-01T11:30:00+02:00")
        #expect(try at("2026-06-02T09:30:00Z") == "2026-06-02T11:30:00+02:00")
        #expect(templateTestError { _ = try at("2026-05-01 09:00") }?.description.contains("in the past") == true)
        #expect(templateTestError { _ = try at("2026-02-30 09:00") }?.exitCode == 65)
        #expect(templateTestError { _ = try at("soon") }?.exitCode == 65)
        // The same grammar as bookings: relative words, weekdays and 12-hour clocks.
        #expect(try at("in 2h") == "2026-06-01T12:00:00+02:00")
        #expect(try at("tue 3pm") == "2026-06-02T15:00:00+02:00")
        // A wall time that does not exist is refused with the nearest valid times, never moved.
        let gap = templateTestError { _ = try at("2027-03-28 02:30") }
        #expect(gap?.exitCode == 65)
        #expect(gap?.description.contains("does not exist") == true)
        #expect(gap?.description.contains("2027-03-28 01:59 +01:00") == true)
        #expect(templateTestError { _ = try at("+99999999999m") }?.exitCode == 65)
    }

    @Test func bookingVariablesComeFromTheBookingInTheOrganizationsZone() throws {
        let w = try Self.workspace()
        try w.approvedTemplate("visit", body: "{{first_name}}: {{booking_date}} at {{booking_time}}, {{booking_location}}")
        let start = ISO8601DateFormatter().date(from: "2026-06-03T07:30:00Z")!
        let bookingId = try w.db.writer.write { db -> Int64 in
            try db.execute(
                sql: """
                    INSERT INTO booking (organizationId, contactId, title, start, "end", status, location, externalCalendarId, createdAt, updatedAt)
                    VALUES (?, 1, 'Check-up', ?, ?, 'confirmed', 'Room 2', 'cal-1', ?, ?)
                    """,
                arguments: [w.staff.organizationId, start, start.addingTimeInterval(1800), start, start])
            return db.lastInsertedRowID
        }
        let draft = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "visit", booking: String(bookingId)))
        #expect(draft.message.body == "Anna: 2026-06-03 at 09:30, Room 2")

        try w.contact("Carl Berg", phone: "0151 7777777")
        let other = templateTestError { _ = try w.db.draft(w.staff, DraftRequest(contact: "carl", template: "visit", booking: String(bookingId))) }
        #expect(other?.exitCode == 65)
        #expect(templateTestError { _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "visit", booking: "999")) }?.exitCode == 66)
        try w.db.writer.write { db in try db.execute(sql: "UPDATE booking SET status = 'cancelled'") }
        #expect(templateTestError { _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "visit", booking: String(bookingId))) }?.description.contains("cancelled") == true)
    }

    @Test func outboxListsShowsAndCancelsPendingOnly() throws {
        let w = try Self.workspace()
        try w.contact("Bob Stone", phone: "0151 999999")
        let a = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "reminder", arguments: ["time=1"]))
        let b = try w.db.draft(w.staff, DraftRequest(contact: "bob", template: "reminder", arguments: ["time=2"], at: "+1h"))
        #expect(try w.db.outbox(w.viewer).map(\.message.id) == [b.message.id, a.message.id])
        #expect(try w.db.outbox(w.viewer, contact: "bob").map(\.contactName) == ["Bob Stone"])
        #expect(templateTestError { _ = try w.db.outbox(w.viewer, status: "lost") }?.exitCode == 65)

        #expect(templateTestError { _ = try w.db.cancelMessage(w.viewer, id: a.message.id!) }?.exitCode == 77)
        let cancelled = try w.db.cancelMessage(w.staff, id: a.message.id!)
        #expect(cancelled.message.status == .cancelled)
        #expect(try w.db.outbox(w.staff, status: "pending").map(\.message.id) == [b.message.id])
        #expect(templateTestError { _ = try w.db.cancelMessage(w.staff, id: a.message.id!) }?.exitCode == 65)
        try w.db.writer.write { db in try db.execute(sql: "UPDATE outboundMessage SET status = 'sent' WHERE id = ?", arguments: [b.message.id!]) }
        #expect(templateTestError { _ = try w.db.cancelMessage(w.staff, id: b.message.id!) }?.description.contains("is sent") == true)
        #expect(templateTestError { _ = try w.db.outboxMessage(w.staff, id: 999) }?.exitCode == 66)
    }

    @Test func suppressionsAreNormalizedUniqueAndCancelPendingMessages() throws {
        let w = try Self.workspace()
        let pending = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "reminder", arguments: ["time=1"], at: "+1h"))
        let added = try w.db.addSuppression(w.staff, channel: "whatsapp", identifier: "0151-2345678")
        #expect(added.suppression.identifier == "+491512345678")
        #expect(added.cancelledMessages == 1)
        #expect(try w.db.outboxMessage(w.staff, id: pending.message.id!).message.status == .cancelled)
        #expect(templateTestError { _ = try w.db.addSuppression(w.staff, channel: "whatsapp", identifier: "+491512345678") }?.exitCode == 65)
        #expect(templateTestError { _ = try w.db.addSuppression(w.staff, channel: "email", identifier: "not-an-email") }?.exitCode == 65)
        #expect(templateTestError { _ = try w.db.addSuppression(w.viewer, channel: "email", identifier: "a@b.example") }?.exitCode == 77)
        _ = try w.db.addSuppression(w.staff, channel: "email", identifier: " Anna@Example.COM ")
        #expect(try w.db.suppressions(w.viewer).map(\.identifier).sorted() == ["+491512345678", "anna@example.com"])

        #expect(templateTestError { _ = try w.db.removeSuppression(w.staff, channel: "email", identifier: "anna@example.com") }?.exitCode == 77)
        _ = try w.db.removeSuppression(w.admin, channel: "email", identifier: "ANNA@example.com")
        #expect(try w.db.suppressions(w.viewer, channel: "email").isEmpty)
        #expect(templateTestError { _ = try w.db.removeSuppression(w.admin, channel: "email", identifier: "anna@example.com") }?.exitCode == 66)
    }

    @Test func inboundMessagesEnrichIdentifiersWithoutTakingOthers() throws {
        let w = try Self.workspace()
        try w.contact("Bob Stone", phone: "0151 999999", email: "bob@example.com")
        let r = try w.db.recordInbound(
            w.staff, channel: "telegram", identifier: "4242", payload: ["text": "hi", "email": "bob@example.com", "phone": "0151 8888888"],
            contactRef: "anna")
        #expect(r.contact?.telegramChatId == 4242)
        // Anna has an email already; the phone is new to nobody but Anna already has one too.
        #expect(r.enriched == ["telegram": "4242"])
        let again = try w.db.recordInbound(w.staff, channel: "telegram", identifier: "4242")
        #expect(again.contact?.id == r.contact?.id)
        let unknown = try w.db.recordInbound(w.staff, channel: "email", identifier: "stranger@example.com")
        #expect(unknown.contact == nil)
        #expect(try w.count("SELECT count(*) FROM inboundMessage") == 3)
    }
}
