import Foundation
import GRDB
import Testing

@testable import CorbiCore

@Suite struct AuditLogTests {
    /// A workspace with a few audited actions in two organizations.
    func populated() throws -> (TestWorkspace, Actor, Actor) {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let beta = try w.organization("beta.example")
        for i in 0..<3 {
            _ = try w.db.addContact(alpha.staff, ContactInput(fullName: "Alpha \(i)"))
            _ = try w.db.addContact(beta.staff, ContactInput(fullName: "Beta \(i)"))
        }
        return (w, alpha.admin, beta.admin)
    }

    /// Edits the database the way someone bypassing Corbi would.
    func tamper(_ w: TestWorkspace, _ sql: String) throws {
        try w.db.writer.write { db in
            try db.execute(sql: "DROP TRIGGER auditEvent_no_update; DROP TRIGGER auditEvent_no_delete")
            try db.execute(sql: sql)
        }
    }

    @Test func everyChangeAndRefusalIsAuditedPerOrganization() throws {
        let (w, alpha, beta) = try populated()
        let events = try w.db.auditEvents(alpha, limit: 100)
        // init, 2 members, 3 contacts
        #expect(events.count == 6)
        #expect(events.allSatisfy { $0.organizationId == alpha.organizationId })
        #expect(events.first?.action == "contacts.add")
        #expect(events.first?.actor == "staff@alpha.example")
        #expect(try w.db.auditEvents(beta, limit: 100, action: "members").count == 2)
        #expect(try w.db.verifyAudit(alpha) == AuditVerification(ok: true, events: 6, brokenAt: nil, reason: nil))
        #expect(try w.db.verifyAudit(beta).ok)
    }

    @Test func eventsCannotBeChangedThroughSQL() throws {
        let (w, _, _) = try populated()
        #expect(throws: DatabaseError.self) { try w.db.writer.write { try $0.execute(sql: "UPDATE auditEvent SET actor = 'x'") } }
        #expect(throws: DatabaseError.self) { try w.db.writer.write { try $0.execute(sql: "DELETE FROM auditEvent") } }
    }

    @Test func anEditedEventIsFound() throws {
        let (w, alpha, beta) = try populated()
        let target = try w.db.auditEvents(alpha, limit: 100).reversed()[2]
        try tamper(w, "UPDATE auditEvent SET details = '{\"fullName\":\"Mallory\"}' WHERE id = \(target.id!)")
        let result = try w.db.verifyAudit(alpha)
        #expect(result.ok == false)
        #expect(result.brokenAt == target.id)
        #expect(try w.db.verifyAudit(beta).ok)
    }

    @Test func aRemovedEventIsFound() throws {
        let (w, alpha, _) = try populated()
        let ordered = Array(try w.db.auditEvents(alpha, limit: 100).reversed())
        try tamper(w, "DELETE FROM auditEvent WHERE id = \(ordered[3].id!)")
        let result = try w.db.verifyAudit(alpha)
        #expect(result.ok == false)
        #expect(result.brokenAt == ordered[4].id)
    }

    @Test func cuttingOffTheNewestEventIsFound() throws {
        let (w, alpha, _) = try populated()
        let newest = try w.db.auditEvents(alpha, limit: 1)[0]
        try tamper(w, "DELETE FROM auditEvent WHERE id = \(newest.id!)")
        let result = try w.db.verifyAudit(alpha)
        #expect(result.ok == false)
        #expect(result.brokenAt == newest.id)
    }

    @Test func reorderedEventsAreFound() throws {
        let (w, alpha, _) = try populated()
        let ordered = Array(try w.db.auditEvents(alpha, limit: 100).reversed())
        let a = ordered[1].id!, b = ordered[2].id!
        try tamper(w, "UPDATE auditEvent SET id = -1 WHERE id = \(a); UPDATE auditEvent SET id = \(a) WHERE id = \(b); UPDATE auditEvent SET id = \(b) WHERE id = -1")
        let result = try w.db.verifyAudit(alpha)
        #expect(result.ok == false)
        #expect(result.brokenAt == a)
    }
}
