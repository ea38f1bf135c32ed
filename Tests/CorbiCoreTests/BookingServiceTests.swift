import Foundation
import GRDB
import Testing

@testable import CorbiCore

@Suite struct BookingServiceTests {
    func book(
        _ f: BookingFixture, _ contact: String, _ start: String, duration: String? = nil, location: String? = nil,
        allowOverlap: Bool = false, allowPast: Bool = false, confirm: Bool = false, actor: Actor? = nil
    ) throws -> Booking {
        try f.db.book(
            actor ?? f.staff,
            BookingInput(
                contact: contact, start: start, duration: duration, location: location, confirm: confirm,
                allowOverlap: allowOverlap, allowPast: allowPast),
            calendar: nil
        ).booking
    }

    @Test func booksInTheOrganizationZoneAndStoresUTC() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        let b = try book(f, "anna", "2026-12-01 14:00", duration: "1h30m")
        #expect(b.start == Date(timeIntervalSince1970: 1_796_130_000))  // 13:00 UTC
        #expect(b.duration == 5400)
        #expect(b.status == .pending)
        #expect(b.sequence == 0)
        #expect(b.externalCalendarId.hasSuffix("@clinic.example"))
        let detail = try f.db.booking(f.staff, id: String(b.id!))
        let zone = f.staff.organization.timeZone
        #expect(DateFormatting.iso8601(detail.booking.start, in: zone) == "2026-12-01T14:00:00+01:00")
        #expect(DateFormatting.iso8601(detail.booking.end, in: zone) == "2026-12-01T15:30:00+01:00")
        #expect(detail.contactName == "Anna Schmidt")
        #expect(try book(f, "ben", "2026-12-01 14:00", confirm: true).status == .confirmed)
    }

    @Test func upcomingMeansWhatWillStillHappen() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        let past = try book(f, "anna", "2026-11-20 10:00", allowPast: true)
        let kept = try book(f, "anna", "2026-12-01 10:00")
        let cancelled = try book(f, "ben", "2026-12-02 10:00")
        _ = try f.db.cancelBooking(f.staff, id: String(cancelled.id!), calendar: nil)
        let upcoming = try f.db.bookings(f.staff, BookingFilter(upcoming: true)).map(\.booking.id)
        #expect(upcoming == [kept.id])
        // Asking for cancelled ones by status still finds them.
        let asked = try f.db.bookings(f.staff, BookingFilter(upcoming: true, status: "cancelled")).map(\.booking.id)
        #expect(asked == [cancelled.id])
        #expect(try f.db.bookings(f.staff, BookingFilter()).map(\.booking.id) == [past.id, kept.id, cancelled.id])
    }

    @Test func overlapsOfAContactAreRefusedButBackToBackIsFine() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        let first = try book(f, "anna", "2026-12-01 14:00", duration: "1h")
        let message = bookingErrorMessage { _ = try book(f, "anna", "2026-12-01 14:30") }
        #expect(message.contains("#\(first.id!)"))
        #expect(message.contains("Anna Schmidt already has"))
        #expect(bookingExitCode { _ = try book(f, "anna", "2026-12-01 13:45") } == 65)
        #expect(bookingExitCode { _ = try book(f, "anna", "2026-12-01 14:59") } == 65)
        // Half-open intervals: touching at either end is not an overlap.
        _ = try book(f, "anna", "2026-12-01 15:00")
        _ = try book(f, "anna", "2026-12-01 13:30")
        // Another contact at the same time is fine.
        _ = try book(f, "ben", "2026-12-01 14:00")
        // The refusals were audited.
        let refused = try f.db.auditEvents(f.admin, limit: 50, action: "bookings.book").filter { $0.outcome == "refused" }
        #expect(refused.count == 3)
    }

    @Test func locationsAreComparedWithoutCase() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        let first = try book(f, "anna", "2026-12-01 14:00", location: "Room 1")
        let message = bookingErrorMessage { _ = try book(f, "ben", "2026-12-01 14:15", location: " room 1 ") }
        #expect(message.contains("is taken by booking #\(first.id!)"))
        _ = try book(f, "ben", "2026-12-01 14:15", location: "Room 2")
    }

    @Test func allowOverlapIsAuditedAndConfirmingTheOverlappedBookingStillWorks() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        let first = try book(f, "anna", "2026-12-01 14:00")
        let second = try f.db.book(
            f.staff, BookingInput(contact: "anna", start: "2026-12-01 14:10", allowOverlap: true), calendar: nil)
        #expect(second.notes.contains { $0.contains("#\(first.id!)") })
        let event = try #require(try f.db.auditEvents(f.admin, limit: 1, action: "bookings.book").first)
        #expect(event.outcome == "ok")
        #expect(event.detailsValue.bookingObject?["allowOverlap"] == .bool(true))
        #expect(event.detailsValue.bookingObject?["overlaps"] == .array([.int(first.id!)]))
        // The overlap was allowed, so confirming either side must not trip over it.
        _ = try f.db.confirmBooking(f.staff, id: String(first.id!), calendar: nil)
        _ = try f.db.confirmBooking(f.staff, id: String(second.booking.id!), calendar: nil)
    }

    @Test func cancelledBookingsFreeTheirSlot() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        let first = try book(f, "anna", "2026-12-01 14:00", location: "Room 1")
        let cancelled = try f.db.cancelBooking(f.staff, id: "#\(first.id!)", calendar: nil).booking
        #expect(cancelled.status == .cancelled)
        #expect(cancelled.sequence == 1)
        let again = try book(f, "anna", "2026-12-01 14:00", location: "room 1")
        #expect(again.id != first.id)
        #expect(bookingExitCode { _ = try f.db.cancelBooking(f.staff, id: String(first.id!), calendar: nil) } == 65)
        #expect(bookingExitCode { _ = try f.db.confirmBooking(f.staff, id: String(first.id!), calendar: nil) } == 65)
        #expect(bookingExitCode { _ = try f.db.rescheduleBooking(f.staff, id: String(first.id!), RescheduleInput(start: "2026-12-02 10:00"), calendar: nil) } == 65)
    }

    @Test func confirmOnlyFromPending() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        let b = try book(f, "anna", "2026-12-01 14:00")
        let confirmed = try f.db.confirmBooking(f.staff, id: String(b.id!), calendar: nil).booking
        #expect(confirmed.status == .confirmed)
        #expect(confirmed.sequence == 1)
        let message = bookingErrorMessage { _ = try f.db.confirmBooking(f.staff, id: String(b.id!), calendar: nil) }
        #expect(message.contains("is confirmed, not pending"))
        #expect(try f.db.booking(f.staff, id: String(b.id!)).booking.sequence == 1)
    }

    @Test func rescheduleKeepsTheLengthAndChecksTheNewSlot() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        let b = try book(f, "anna", "2026-12-01 14:00", duration: "45m")
        let other = try book(f, "anna", "2026-12-02 10:00")
        let moved = try f.db.rescheduleBooking(f.staff, id: String(b.id!), RescheduleInput(start: "2026-12-01 16:00"), calendar: nil).booking
        #expect(moved.duration == 45 * 60)
        #expect(moved.sequence == 1)
        #expect(DateFormatting.iso8601(moved.start, in: f.staff.organization.timeZone) == "2026-12-01T16:00:00+01:00")
        // Moving onto itself (overlapping its own old slot) is fine; onto another booking is not.
        _ = try f.db.rescheduleBooking(f.staff, id: String(b.id!), RescheduleInput(start: "2026-12-01 16:15"), calendar: nil)
        let message = bookingErrorMessage {
            _ = try f.db.rescheduleBooking(f.staff, id: String(b.id!), RescheduleInput(start: "2026-12-02 09:30"), calendar: nil)
        }
        #expect(message.contains("#\(other.id!)"))
        #expect(try f.db.booking(f.staff, id: String(b.id!)).booking.sequence == 2)
    }

    @Test func anUnquotedFullNameBeforeTheTimeIsTheContact() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        let b = try book(f, "Ben", "Meyer tomorrow 9:30")
        #expect(b.contactId == f.ben.id)
        #expect(DateFormatting.iso8601(b.start, in: f.staff.organization.timeZone) == "2026-11-25T09:30:00+01:00")
        // Words that are neither name nor time are still refused as a time.
        #expect(bookingErrorMessage { _ = try book(f, "Ben", "whenever") }.contains("'whenever' is not a time"))
        // A time that cannot be booked is reported as such, not taken for a name.
        #expect(bookingErrorMessage { _ = try book(f, "Ben", "2027-03-28 02:30") }.contains("does not exist"))
        #expect(bookingErrorMessage { _ = try book(f, "Ben", "tomorrow 25:00") }.contains("is not a time"))
    }

    @Test func pastStartsNeedAllowPast() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        let message = bookingErrorMessage { _ = try book(f, "anna", "today 9:00") }  // 09:00 Berlin is 08:00 UTC, before 10:00 UTC
        #expect(message.contains("in the past"))
        #expect(bookingExitCode { _ = try book(f, "anna", "today 9:00") } == 65)
        _ = try book(f, "anna", "today 9:00", allowPast: true)
        _ = try book(f, "anna", "today 11:30")  // 10:30 UTC, ahead
    }

    @Test func endMustFollowStart() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        let input = BookingInput(contact: "anna", start: "2026-12-01 14:00", end: "13:00")
        #expect(bookingErrorMessage { _ = try f.db.book(f.staff, input, calendar: nil) }.contains("must be after the start"))
        let good = BookingInput(contact: "anna", start: "2026-12-01 14:00", end: "15:15")
        #expect(try f.db.book(f.staff, good, calendar: nil).booking.duration == 75 * 60)
    }

    @Test func viewersAreRefusedAndOtherOrganizationsSeeNothing() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        #expect(bookingExitCode { _ = try book(f, "anna", "2026-12-01 14:00", actor: f.viewer) } == 77)
        let b = try book(f, "anna", "2026-12-01 14:00")
        #expect(bookingExitCode { _ = try f.db.cancelBooking(f.viewer, id: String(b.id!), calendar: nil) } == 77)
        #expect(try f.db.bookings(f.viewer, BookingFilter()).count == 1)

        _ = try f.db.createOrganization(name: "Other", domain: "other.example", adminEmail: "boss@other.example")
        let other = try f.db.resolveActor(user: "boss@other.example", organization: "other.example")
        #expect(bookingExitCode { _ = try f.db.booking(other, id: String(b.id!)) } == 66)
        #expect(bookingExitCode { _ = try f.db.cancelBooking(other, id: String(b.id!), calendar: nil) } == 66)
        #expect(try f.db.bookings(other, BookingFilter()).isEmpty)
        #expect(bookingExitCode { _ = try f.db.booking(f.staff, id: "abc") } == 65)
        #expect(bookingExitCode { _ = try f.db.booking(f.staff, id: "999") } == 66)
    }

    @Test func listFilters() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        let today = try book(f, "anna", "today 15:00")
        let friday = try book(f, "ben", "fri 10:00", confirm: true)
        let later = try book(f, "anna", "2026-12-15 10:00")
        _ = try f.db.cancelBooking(f.staff, id: String(later.id!), calendar: nil)
        func ids(_ filter: BookingFilter) throws -> [Int64] { try f.db.bookings(f.staff, filter).map { $0.booking.id! } }
        #expect(try ids(BookingFilter()) == [today.id!, friday.id!, later.id!])
        #expect(try ids(BookingFilter(today: true)) == [today.id!])
        #expect(try ids(BookingFilter(week: true)) == [today.id!, friday.id!])
        #expect(try ids(BookingFilter(from: "wed", to: "fri")) == [friday.id!])
        #expect(try ids(BookingFilter(contact: "ben")) == [friday.id!])
        #expect(try ids(BookingFilter(status: "confirmed")) == [friday.id!])
        #expect(try ids(BookingFilter(status: "live")) == [today.id!, friday.id!])
        #expect(bookingExitCode { _ = try ids(BookingFilter(status: "done")) } == 65)
        #expect(try ids(BookingFilter(from: "fri", to: "wed")) == [friday.id!])
        #expect(bookingExitCode { _ = try ids(BookingFilter(from: "2026-11-27", to: "2026-11-25")) } == 65)
        #expect(bookingExitCode { _ = try ids(BookingFilter(contact: "nobody")) } == 66)
    }

    @Test func theTriggerStillGuardsTheRuleBehindTheService() throws {
        let f = try BookingFixture()
        defer { f.remove() }
        let b = try book(f, "anna", "2026-12-01 14:00")
        // A write that skips the service's check is refused by the database itself.
        #expect {
            try f.db.writer.write { db in
                var copy = b
                copy.id = nil
                copy.externalCalendarId = "direct"
                try copy.insert(db)
            }
        } throws: { error in
            (error as? DatabaseError)?.message == "booking overlaps a live booking"
        }
    }
}

extension JSONValue {
    var bookingObject: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }
}
