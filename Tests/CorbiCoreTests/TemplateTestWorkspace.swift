import CorbiTestSupport
import Foundation
import GRDB
import Testing

@testable import CorbiCore

/// The template and draft tests' clock (one clock for every suite).
typealias TemplateTestClock = TestClock

/// A fresh database file with one organization (Europe/Berlin, calling code 49), an
/// admin, a staff member and a viewer, on a clock at 2026-06-01 08:00 UTC (10:00 Berlin).
struct TemplateTestWorkspace {
    static let start = ISO8601DateFormatter().date(from: "2026-06-01T08:00:00Z")!

    let base: TestDatabase
    var db: AppDatabase { base.db }
    var clock: TestClock { base.clock }
    let admin: Actor
    let staff: Actor
    let viewer: Actor

    init() throws {
        base = try TestDatabase(now: Self.start, idPrefix: "trace-", prefix: "corbi-template-tests")
        let members = try base.organization("bright.example", name: "Bright Smile")
        (admin, staff, viewer) = (members.admin, members.staff, members.viewer)
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
        try base.count(sql)
    }

    /// The newest audit event of `action`.
    func lastEvent(_ action: String) throws -> AuditEvent? {
        try db.auditEvents(admin, limit: 1, action: action).first
    }
}

/// Runs `body` and returns the `CorbiError` it threw (nil if none).
func templateTestError(_ body: () throws -> Void) -> CorbiError? {
    corbiError(body)
}
