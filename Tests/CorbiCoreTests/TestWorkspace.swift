@testable import CorbiCore
import Foundation
import GRDB

/// A database file in a fresh temporary folder, a fixed clock, and two organizations with
/// an admin, a staff member and a viewer each.
final class TestWorkspace: @unchecked Sendable {
    let folder: URL
    let db: AppDatabase
    let clock: TestClock

    init(now: Date = Date(timeIntervalSince1970: 1_795_000_000), auditKey: AuditKey? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        clock = TestClock(now)
        let clock = self.clock
        let counter = Counter()
        db = try AppDatabase(
            path: folder.appendingPathComponent("corbi.sqlite").path,
            environment: CorbiEnvironment(now: { clock.now }, makeID: { "id-\(counter.next())" }), auditKey: auditKey)
        self.counter = counter
    }

    private let counter: Counter

    /// The same database file opened again, with another audit key (or none).
    func reopened(auditKey: AuditKey?) throws -> AppDatabase {
        let clock = self.clock, counter = self.counter
        return try AppDatabase(
            path: folder.appendingPathComponent("corbi.sqlite").path,
            environment: CorbiEnvironment(now: { clock.now }, makeID: { "id-\(counter.next())" }), auditKey: auditKey)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// An organization with admin, staff and viewer members.
    func organization(_ domain: String, callingCode: Int? = 49, timezone: String = "Europe/Berlin") throws -> (admin: Actor, staff: Actor, viewer: Actor) {
        let result = try db.createOrganization(
            name: domain.capitalized, domain: domain, adminEmail: "admin@\(domain)", timezone: timezone, callingCode: callingCode)
        let admin = try db.resolveActor(user: "admin@\(domain)", organization: domain)
        _ = try db.addMember(admin, email: "staff@\(domain)", role: .staff)
        _ = try db.addMember(admin, email: "viewer@\(domain)", role: .viewer)
        _ = result
        return (
            admin,
            try db.resolveActor(user: "staff@\(domain)", organization: domain),
            try db.resolveActor(user: "viewer@\(domain)", organization: domain)
        )
    }

    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try db.writer.read { try Int.fetchOne($0, sql: sql, arguments: arguments) ?? 0 }
    }
}

final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date
    init(_ date: Date) { value = date }
    var now: Date {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}
