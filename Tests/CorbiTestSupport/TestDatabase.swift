import CorbiCore
import Foundation
import GRDB

/// The members of one test organization: an admin, a staff member and a viewer.
public struct TestOrganization: Sendable {
    public var admin: Actor
    public var staff: Actor
    public var viewer: Actor

    public var organization: Organization { admin.organization }
    public var domain: String { admin.organization.domain }
}

/// A database file in a fresh temporary folder on a test clock: the one fixture every
/// suite builds its own records on.
public final class TestDatabase: @unchecked Sendable {
    public let folder: TemporaryFolder
    public let clock: TestClock
    public let path: String
    public let db: AppDatabase
    public let auditKey: AuditKey?

    public init(now: Date, idPrefix: String = "id-", prefix: String = "corbi-tests", auditKey: AuditKey? = nil) throws {
        folder = try TemporaryFolder(prefix)
        clock = TestClock(now, idPrefix: idPrefix)
        path = folder.path("corbi.sqlite")
        self.auditKey = auditKey
        db = try AppDatabase(path: path, environment: clock.environment, auditKey: auditKey)
    }

    /// Another connection pool on the same file, as a second process would open it.
    public func openAgain(auditKey: AuditKey? = nil) throws -> AppDatabase {
        try AppDatabase(path: path, environment: clock.environment, auditKey: auditKey ?? self.auditKey)
    }

    /// Creates an organization with `admin@`, `staff@` and `viewer@` its domain.
    public func organization(
        _ domain: String, name: String? = nil, timezone: String = "Europe/Berlin", callingCode: Int? = 49
    ) throws -> TestOrganization {
        _ = try db.createOrganization(
            name: name ?? domain.capitalized, domain: domain, adminEmail: "admin@\(domain)", timezone: timezone,
            callingCode: callingCode)
        let admin = try db.resolveActor(user: "admin@\(domain)", organization: domain)
        _ = try db.addMember(admin, email: "staff@\(domain)", role: .staff)
        _ = try db.addMember(admin, email: "viewer@\(domain)", role: .viewer)
        return TestOrganization(
            admin: admin, staff: try db.resolveActor(user: "staff@\(domain)", organization: domain),
            viewer: try db.resolveActor(user: "viewer@\(domain)", organization: domain))
    }

    /// A number SQL counts, read through a connection of its own (the core's writer is
    /// private to the core).
    public func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        let reader = try DatabaseQueue(path: path, configuration: configuration)
        return try reader.read { try Int.fetchOne($0, sql: sql, arguments: arguments) ?? 0 }
    }

    /// The newest audit event of `action` (a prefix: `contacts` matches `contacts.add`).
    public func lastEvent(_ action: String, as actor: Actor) throws -> AuditEvent? {
        try db.auditEvents(actor, limit: 1, action: action).first
    }
}

/// The `CorbiError` `body` throws (another error as an internal one), nil if none.
public func corbiError(_ body: () throws -> Void) -> CorbiError? {
    do {
        try body()
        return nil
    } catch let error as CorbiError {
        return error
    } catch {
        return .internal("\(error)")
    }
}
