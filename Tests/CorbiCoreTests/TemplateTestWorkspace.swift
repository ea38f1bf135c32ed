import Foundation
import GRDB
import Testing

@testable import CorbiCore

/// A clock that stands still until a test moves it, and numbered ids.
final class TemplateTestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var counter = 0

    init(_ start: Date) { current = start }

    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
    func nextID() -> String {
        lock.withLock {
            counter += 1
            return "trace-\(counter)"
        }
    }
}

/// A fresh database file with one organization (Europe/Berlin, calling code 49), an
/// admin, a staff member and a viewer, on a clock at 2026-06-01 08:00 UTC (10:00 Berlin).
struct TemplateTestWorkspace {
    static let start = ISO8601DateFormatter().date(from: "2026-06-01T08:00:00Z")!

    let db: AppDatabase
    let clock: TemplateTestClock
    let admin: Actor
    let staff: Actor
    let viewer: Actor

    init() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-template-tests-\(UUID().uuidString)")
        let clock = TemplateTestClock(Self.start)
        let environment = CorbiEnvironment(now: { clock.now }, makeID: { clock.nextID() })
        db = try AppDatabase(path: folder.appendingPathComponent("corbi.sqlite").path, environment: environment)
        self.clock = clock
        _ = try db.createOrganization(
            name: "Bright Smile", domain: "bright.example", adminEmail: "admin@bright.example", timezone: "Europe/Berlin",
            callingCode: 49)
        admin = try db.resolveActor(user: "admin@bright.example", organization: "bright.example")
        _ = try db.addMember(admin, email: "staff@bright.example", role: .staff)
        _ = try db.addMember(admin, email: "viewer@bright.example", role: .viewer)
        staff = try db.resolveActor(user: "staff@bright.example", organization: "bright.example")
        viewer = try db.resolveActor(user: "viewer@bright.example", organization: "bright.example")
    }

    @discardableResult
    func contact(_ name: String, phone: String? = nil, email: String? = nil, telegram: String? = nil, status: String = "active") throws -> Contact {
        try db.addContact(admin, ContactInput(fullName: name, email: email, phone: phone, telegram: telegram, status: status))
    }

    @discardableResult
    func approvedTemplate(_ name: String, channel: String = "whatsapp", language: String = "en", body: String, subject: String? = nil) throws -> MessageTemplate {
        let t = try db.addTemplate(staff, TemplateInput(name: name, channel: channel, language: language, body: body, subject: subject))
        return try db.approveTemplate(admin, TemplateSelector(name: "#\(t.id!)")).template
    }

    func count(_ sql: String) throws -> Int {
        try db.writer.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    /// The newest audit event of `action`.
    func lastEvent(_ action: String) throws -> AuditEvent? {
        try db.auditEvents(admin, limit: 1, action: action).first
    }
}

/// Runs `body` and returns the `CorbiError` it threw (nil if none).
func templateTestError(_ body: () throws -> Void) -> CorbiError? {
    do {
        try body()
        return nil
    } catch let error as CorbiError {
        return error
    } catch {
        return .internal("\(error)")
    }
}
