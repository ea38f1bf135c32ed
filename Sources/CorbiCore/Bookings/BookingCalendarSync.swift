import Foundation
import GRDB

/// Bookings pushed to the calendar: after each committed change the organization's
/// unsynced bookings are written to its vdir folder and marked synced.
extension AppDatabase {
    /// Writes the calendar file of every unsynced booking of the organization and marks
    /// it synced. Runs in a write transaction so that two processes never write older
    /// versions over newer ones; a failure leaves the booking unsynced for the next try.
    /// Returns warnings for people (empty when all is well).
    @discardableResult
    public func syncCalendar(_ actor: Actor, calendar: VdirCalendar) -> [String] {
        // Most commands find nothing to do: check without taking the write lock.
        if let waiting = try? unsyncedBookingCount(actor), waiting == 0 { return [] }
        do {
            return try writer.write { db -> [String] in
                let pending = try fetchDetails(
                    db, where: "booking.organizationId = ? AND booking.calendarSynced = 0", arguments: [actor.organizationId])
                var failed: [Int64] = []
                var reason = ""
                for detail in pending {
                    do {
                        try calendar.write(
                            detail, zone: actor.organization.timeZone, stamp: environment.now(),
                            calendarName: actor.organization.name)
                        try db.execute(
                            sql: "UPDATE booking SET calendarSynced = 1 WHERE id = ? AND sequence = ?",
                            arguments: [detail.booking.id!, detail.booking.sequence])
                    } catch {
                        failed.append(detail.booking.id!)
                        if reason.isEmpty { reason = "\(error)" }
                    }
                }
                guard !failed.isEmpty else { return [] }
                let which = failed.count == 1 ? "booking #\(failed[0])" : "\(failed.count) bookings (" + failed.prefix(5).map { "#\($0)" }.joined(separator: ", ") + (failed.count > 5 ? ", ..." : "") + ")"
                return ["The calendar file of \(which) could not be written: \(reason) The booking is saved and marked unsynced; the next booking command retries."]
            }
        } catch {
            let reason = (error as? DatabaseError).map { CorbiError($0).description } ?? "\(error)"
            return ["The calendar was not updated: \(reason) The next booking command retries."]
        }
    }

    /// After a change committed: writes the calendar and gathers what to tell people.
    func finish(_ actor: Actor, _ detail: BookingDetail, notes: [String], calendar: VdirCalendar?) -> BookingOutcome {
        var detail = detail
        var warnings: [String] = []
        if let calendar {
            warnings = syncCalendar(actor, calendar: calendar)
            if let synced = try? writer.read({ db in
                try Bool.fetchOne(db, sql: "SELECT calendarSynced FROM booking WHERE id = ?", arguments: [detail.booking.id!])
            }) ?? nil {
                detail.booking.calendarSynced = synced
            }
        }
        return BookingOutcome(detail: detail, notes: notes, calendarWarnings: warnings)
    }
}
