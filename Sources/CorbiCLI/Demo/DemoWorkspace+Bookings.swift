import CorbiCore
import CorbiWorkspace
import Foundation

extension DemoWorkspace {
    /// A week of bookings of the demo organization on the days it is open (Monday to
    /// Friday, within opening hours), from today on in its time zone, spread over its
    /// first contacts (none if it has no contacts). The calendar files are written by the
    /// first booking command run in the demo.
    static func seedBookings(_ db: AppDatabase, admin: Actor, staff: Actor) throws {
        let contacts = try db.contacts(staff, limit: 5).contacts
        guard !contacts.isEmpty else { return }
        let zone = staff.organization.timeZone
        let now = db.environment.now()
        // (day from today, local time, contact index, title, location, duration, then)
        let plan: [(Int, String, Int, String, String, String, String?)] = [
            (0, "09:00", 0, "Check-up", "Room 1", "30m", "confirm"),
            (0, "11:30", 1, "Cleaning", "Room 2", "45m", nil),
            (1, "10:00", 2, "Consultation", "Room 1", "30m", "confirm"),
            (1, "14:00", 0, "Follow-up", "Room 1", "30m", nil),
            (2, "09:30", 3, "Whitening", "Room 2", "1h", "confirm"),
            (3, "15:00", 1, "Check-up", "Room 1", "30m", "cancel"),
            (4, "08:30", 4, "Cleaning", "Room 2", "45m", nil),
            (5, "10:00", 2, "Follow-up", "Room 1", "30m", nil),
        ]
        // The clinic is closed at weekends (Saturday mornings are for hygiene only).
        let today = TimeInput.day(of: now, in: zone)
        let openDays = (0..<14).map { TimeInput.day($0, after: today) }.filter { day in
            let weekday = DateFormatting.fields(TimeInput.interval(of: day, in: zone).lowerBound, in: zone).weekday
            return (1...5).contains(weekday)
        }
        for (day, time, index, title, location, duration, then) in plan {
            let date = DateFormatting.day(openDays[day])
            let contact = contacts[index % contacts.count]
            let input = BookingInput(
                contact: String(contact.id!), start: "\(date) \(time)", duration: duration, title: title,
                location: location, confirm: then == "confirm", allowPast: true)
            // A demo without one booking (a clash on a small contact list) is still a demo.
            guard let outcome = try? db.book(staff, input, calendar: nil) else { continue }
            if then == "cancel" {
                _ = try? db.cancelBooking(staff, id: String(outcome.booking.id!), calendar: nil)
            }
        }
    }
}
