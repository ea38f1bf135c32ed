import CorbiTestSupport
@testable import CorbiCore
import Foundation

/// The booking tests' clock (one clock for every suite).
typealias BookingTestClock = TestClock

/// A database file in a fresh temporary folder with one organization, an admin, a staff
/// member, a viewer and two contacts; the clock stands at `now`.
struct BookingFixture {
    let base: TestDatabase
    var folder: URL { base.folder.url }
    var clock: TestClock { base.clock }
    var db: AppDatabase { base.db }
    let admin: Actor
    let staff: Actor
    let viewer: Actor
    let anna: Contact
    let ben: Contact

    /// 2026-11-24 10:00 UTC, a Tuesday.
    static let defaultNow = Date(timeIntervalSince1970: 1_795_514_400)

    init(timezone: String = "Europe/Berlin", now: Date = BookingFixture.defaultNow, domain: String = "clinic.example") throws {
        base = try TestDatabase(now: now, prefix: "corbi-bookings")
        let members = try base.organization(domain, name: "Clinic", timezone: timezone, callingCode: nil)
        (admin, staff, viewer) = (members.admin, members.staff, members.viewer)
        anna = try base.db.addContact(staff, ContactInput(fullName: "Anna Schmidt", email: "anna@example.com"))
        ben = try base.db.addContact(staff, ContactInput(fullName: "Ben Meyer", email: "ben@example.com"))
    }

    /// The calendar folder of this fixture.
    var calendar: VdirCalendar { VdirCalendar(directory: folder.appendingPathComponent("calendar")) }

    /// Nothing to do: the folder goes with the fixture (kept for the tests that call it).
    func remove() {}
}

/// The exit code of what `body` throws, or nil if it does not throw.
func bookingExitCode(_ body: () throws -> Void) -> Int32? {
    corbiError(body)?.exitCode
}

/// The message of the `CorbiError` `body` throws ("" if none).
func bookingErrorMessage(_ body: () throws -> Void) -> String {
    corbiError(body)?.description ?? ""
}
