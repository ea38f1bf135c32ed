@testable import CorbiCore
import Foundation

/// A clock tests can move.
final class BookingTestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var counter = 0

    init(_ now: Date) { current = now }

    var now: Date {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }

    func nextID() -> String {
        lock.withLock {
            counter += 1
            return "id-\(counter)"
        }
    }
}

/// A database file in a fresh temporary folder with one organization, an admin, a staff
/// member, a viewer and two contacts; the clock stands at `now`.
struct BookingFixture {
    let folder: URL
    let clock: BookingTestClock
    let db: AppDatabase
    let admin: Actor
    let staff: Actor
    let viewer: Actor
    let anna: Contact
    let ben: Contact

    /// 2026-11-24 10:00 UTC, a Tuesday.
    static let defaultNow = Date(timeIntervalSince1970: 1_795_514_400)

    init(timezone: String = "Europe/Berlin", now: Date = BookingFixture.defaultNow, domain: String = "clinic.example") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-bookings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let clock = BookingTestClock(now)
        self.clock = clock
        db = try AppDatabase(
            path: folder.appendingPathComponent("corbi.sqlite").path,
            environment: CorbiEnvironment(now: { clock.now }, makeID: { clock.nextID() }))
        _ = try db.createOrganization(name: "Clinic", domain: domain, adminEmail: "admin@\(domain)", timezone: timezone)
        admin = try db.resolveActor(user: "admin@\(domain)", organization: domain)
        _ = try db.addMember(admin, email: "staff@\(domain)", role: .staff)
        _ = try db.addMember(admin, email: "viewer@\(domain)", role: .viewer)
        staff = try db.resolveActor(user: "staff@\(domain)", organization: domain)
        viewer = try db.resolveActor(user: "viewer@\(domain)", organization: domain)
        anna = try db.addContact(staff, ContactInput(fullName: "Anna Schmidt", email: "anna@example.com"))
        ben = try db.addContact(staff, ContactInput(fullName: "Ben Meyer", email: "ben@example.com"))
    }

    /// The calendar folder of this fixture.
    var calendar: VdirCalendar { VdirCalendar(directory: folder.appendingPathComponent("calendar")) }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// The exit code of what `body` throws, or nil if it does not throw.
func bookingExitCode(_ body: () throws -> Void) -> Int32? {
    do {
        try body()
        return nil
    } catch let error as CorbiError {
        return error.exitCode
    } catch {
        return -1
    }
}

/// The message of the `CorbiError` `body` throws ("" if none).
func bookingErrorMessage(_ body: () throws -> Void) -> String {
    do {
        try body()
        return ""
    } catch {
        return "\(error)"
    }
}
