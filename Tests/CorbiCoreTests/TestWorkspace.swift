import CorbiTestSupport
import Foundation
import GRDB

@testable import CorbiCore

/// The core tests' database (`CorbiTestSupport.TestDatabase`): a file in a fresh folder
/// on a fixed clock, with organizations added per test.
final class TestWorkspace: @unchecked Sendable {
    let base: TestDatabase
    var folder: URL { base.folder.url }
    var db: AppDatabase { base.db }
    var clock: TestClock { base.clock }

    init(now: Date = Date(timeIntervalSince1970: 1_795_000_000), auditKey: AuditKey? = nil) throws {
        base = try TestDatabase(now: now, auditKey: auditKey)
    }

    /// The same database file opened again, with another audit key (or none).
    func reopened(auditKey: AuditKey?) throws -> AppDatabase {
        try AppDatabase(path: base.path, environment: clock.environment, auditKey: auditKey)
    }

    /// An organization with admin, staff and viewer members.
    func organization(_ domain: String, callingCode: Int? = 49, timezone: String = "Europe/Berlin") throws -> (admin: Actor, staff: Actor, viewer: Actor) {
        let members = try base.organization(domain, timezone: timezone, callingCode: callingCode)
        return (members.admin, members.staff, members.viewer)
    }

    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try base.count(sql, arguments)
    }
}
