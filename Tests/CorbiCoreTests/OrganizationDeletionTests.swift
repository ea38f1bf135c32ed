import Foundation
import GRDB
import Testing

@testable import CorbiCore

@Suite struct OrganizationDeletionTests {
    @Test func deletingOneOrganizationLeavesTheOtherByteForByteIntact() throws {
        let f = try RecordsFixture()
        let alphaId = f.alpha.admin.organizationId, betaId = f.beta.admin.organizationId
        let betaBefore = try f.rows(of: betaId)
        let usersBefore = try f.w.count("SELECT count(*) FROM user")
        let alphaBefore = try f.rows(of: alphaId)
        let alphaHead = try f.w.db.auditHead(f.alpha.admin)
        let alphaCalendarIds = (alphaBefore["booking"] ?? []).map { $0["externalCalendarId"]!.storage }

        let deletion = try f.w.db.deleteOrganization(f.alpha.admin, confirmingDomain: "ALPHA.example ")

        // Nothing of alpha is left, in any table.
        for (table, rows) in try f.rows(of: alphaId) where table != "organizationDeletion" {
            #expect(rows.isEmpty, "\(table) still holds alpha's rows")
        }
        // Beta, row for row and value for value, and its trail.
        #expect(try f.rows(of: betaId) == betaBefore)
        #expect(try f.w.db.verifyAudit(f.beta.admin).ok)
        #expect(try f.w.count("SELECT count(*) FROM user") == usersBefore)

        // The record: counts as they were, the deleted chain's last link, the calendar ids.
        let record = deletion.record
        #expect(record.domain == "alpha.example")
        #expect(record.deletedBy == "admin@alpha.example")
        #expect(record.deletedAt == f.w.clock.now)
        #expect(record.admins == ["admin@alpha.example"])
        for (type, table) in AppDatabase.deletionCounts {
            #expect(record.counts[type] == alphaBefore[table]?.count, "\(type)")
        }
        #expect(record.counts["outbound"] == 1 && record.counts["outboundAttempt"] == 2 && record.counts["providerAccount"] == 1)
        #expect(record.auditEvents == alphaHead.events)
        #expect(record.auditLastEventId == alphaHead.lastEventId)
        #expect(record.auditLastHash == alphaHead.hash)
        #expect(record.auditIntact)
        #expect(deletion.calendarIds.map { DatabaseValue.Storage.string($0) } == alphaCalendarIds)
        #expect(!deletion.calendarIds.isEmpty)
    }

    @Test func onlyAnAdminOfTheOrganizationDeletesItAndOnlyWhenTheDomainIsConfirmed() throws {
        let f = try RecordsFixture()
        let alphaId = f.alpha.admin.organizationId
        #expect(bookingExitCode { _ = try f.w.db.deleteOrganization(f.alpha.staff, confirmingDomain: "alpha.example") } == 77)
        #expect(bookingExitCode { _ = try f.w.db.deleteOrganization(f.alpha.viewer, confirmingDomain: "alpha.example") } == 77)
        #expect(bookingExitCode { _ = try f.w.db.deleteOrganization(f.alpha.admin, confirmingDomain: "beta.example") } == 65)
        // The admin of beta cannot reach alpha at all: an actor is always of one organization.
        #expect(bookingExitCode { _ = try f.w.db.deleteOrganization(f.beta.admin, confirmingDomain: "alpha.example") } == 65)
        #expect(try f.w.count("SELECT count(*) FROM organization WHERE id = ?", [alphaId]) == 1)
        #expect(try f.w.count("SELECT count(*) FROM organizationDeletion") == 0)
        let refusals = try f.w.db.auditEvents(f.alpha.admin, limit: 10, action: "org.delete")
        #expect(refusals.count == 3)
        #expect(refusals.allSatisfy { $0.outcome == "refused" })
        #expect(try f.w.db.verifyAudit(f.alpha.admin).ok)
    }

    @Test func aDeletionIsSeenByWhoDeletedItAndTheAdminsItHadOnly() throws {
        let f = try RecordsFixture()
        _ = try f.w.db.addMember(f.alpha.admin, email: "second@alpha.example", role: .admin)
        // The staff member of alpha also runs beta.
        _ = try f.w.db.addMember(f.beta.admin, email: "staff@alpha.example", role: .admin)
        let deletion = try f.w.db.deleteOrganization(f.alpha.admin, confirmingDomain: "alpha.example")
        #expect(deletion.record.admins == ["admin@alpha.example", "second@alpha.example"])

        func seen(_ email: String) throws -> [String] {
            try f.w.db.organizationDeletions(visibleTo: f.w.db.resolveUser(email)).map(\.domain)
        }
        #expect(try seen("admin@alpha.example") == ["alpha.example"])
        #expect(try seen("second@alpha.example") == ["alpha.example"])
        #expect(try seen("staff@alpha.example").isEmpty)
        #expect(try seen("admin@beta.example").isEmpty)

        // Beta goes too, deleted by its admin: each sees their own.
        let betaAdmin = try f.w.db.resolveActor(user: "admin@beta.example", organization: "beta.example")
        _ = try f.w.db.deleteOrganization(betaAdmin, confirmingDomain: "beta.example")
        #expect(try seen("admin@beta.example") == ["beta.example"])
        #expect(try seen("staff@alpha.example") == ["beta.example"])
        #expect(try seen("admin@alpha.example") == ["alpha.example"])
    }

    @Test func deletionRecordsCannotBeChangedOrRemoved() throws {
        let f = try RecordsFixture()
        _ = try f.w.db.deleteOrganization(f.alpha.admin, confirmingDomain: "alpha.example")
        #expect(throws: DatabaseError.self) { try f.w.db.writer.write { try $0.execute(sql: "UPDATE organizationDeletion SET deletedBy = 'x'") } }
        #expect(throws: DatabaseError.self) { try f.w.db.writer.write { try $0.execute(sql: "DELETE FROM organizationDeletion") } }
    }

    @Test func aBrokenTrailIsNotedNotARefusal() throws {
        let f = try RecordsFixture()
        try f.w.db.writer.write { db in
            try db.execute(sql: "DROP TRIGGER auditEvent_no_update")
            try db.execute(sql: "UPDATE auditEvent SET actor = 'mallory' WHERE id = (SELECT min(id) FROM auditEvent WHERE organizationId = ?)", arguments: [f.alpha.admin.organizationId])
        }
        let record = try f.w.db.deleteOrganization(f.alpha.admin, confirmingDomain: "alpha.example").record
        #expect(!record.auditIntact)
        #expect(record.auditProblem?.contains("edited") == true)
    }
}
