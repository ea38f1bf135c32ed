import Foundation
import GRDB
import Testing

@testable import CorbiCore

@Suite struct OrganizationServiceTests {
    @Test func migrationsCreateTheWholeDomain() throws {
        let w = try TestWorkspace()
        let tables = try w.db.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        for table in ["organization", "user", "membership", "contact", "identityConflict", "messageTemplate", "outboundMessage", "inboundMessage", "suppression", "booking", "auditEvent"] {
            #expect(tables.contains(table), "missing table \(table)")
        }
        // WAL and foreign keys are on for every connection.
        let pragmas = try w.db.writer.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(pragmas.0 == "wal")
        #expect(pragmas.1 == 1)
        // Reopening an existing file migrates nothing twice.
        _ = try AppDatabase(path: w.folder.appendingPathComponent("corbi.sqlite").path)
    }

    @Test func constraintsHoldAgainstABuggyCaller() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let org = alpha.admin.organizationId
        let statements = [
            "INSERT INTO membership (userId, organizationId, role, createdAt) VALUES (\(alpha.staff.userId), \(org), 'admin', 'now')",
            "INSERT INTO membership (userId, organizationId, role, createdAt) VALUES (99, \(org), 'owner', 'now')",
            "INSERT INTO contact (organizationId, fullName, phoneWhatsapp, createdAt, updatedAt) VALUES (\(org), 'X', '030 123', 'now', 'now')",
            "INSERT INTO contact (organizationId, fullName, email, createdAt, updatedAt) VALUES (\(org), 'X', 'Upper@Example.com', 'now', 'now')",
            "INSERT INTO contact (organizationId, fullName, status, createdAt, updatedAt) VALUES (\(org), 'X', 'gone', 'now', 'now')",
            "INSERT INTO messageTemplate (organizationId, name, channel, language, body, createdAt, updatedAt) VALUES (\(org), 'Bad-Name', 'whatsapp', 'en', 'hi', 'now', 'now')",
            "INSERT INTO messageTemplate (organizationId, name, channel, language, body, createdAt, updatedAt) VALUES (\(org), 'mail', 'email', 'en', 'hi', 'now', 'now')",
            "INSERT INTO organization (name, domain, timezone, createdAt) VALUES ('Dup', 'ALPHA.example', 'UTC', 'now')",
        ]
        for sql in statements {
            #expect(throws: DatabaseError.self, "\(sql)") { try w.db.writer.write { try $0.execute(sql: sql) } }
        }
    }

    @Test func initRefusesBadValuesAndDuplicates() throws {
        let w = try TestWorkspace()
        _ = try w.organization("alpha.example")
        #expect { try w.db.createOrganization(name: "A", domain: "Alpha.Example", adminEmail: "x@y.example") } throws: { ($0 as? CorbiError)?.exitCode == 65 }
        #expect { try w.db.createOrganization(name: "B", domain: "b.example", adminEmail: "x@y.example", timezone: "Mars/Base") } throws: { "\($0)".contains("time zone") }
        #expect { try w.db.createOrganization(name: "B", domain: "b example", adminEmail: "x@y.example") } throws: { "\($0)".contains("domain") }
        #expect { try w.db.createOrganization(name: "B", domain: "b.example", adminEmail: "nope") } throws: { "\($0)".contains("email") }
        #expect(try w.count("SELECT count(*) FROM organization") == 1)
    }

    @Test func actorIsResolvedOrTheChoicesAreListed() throws {
        let w = try TestWorkspace()
        #expect { try w.db.resolveActor(user: nil, organization: nil) } throws: { ($0 as? CorbiError)?.hints == [.initialize] }
        _ = try w.db.createOrganization(name: "Alpha", domain: "alpha.example", adminEmail: "ann@alpha.example")
        let ann = try w.db.resolveActor(user: nil, organization: nil)
        #expect(ann.name == "ann@alpha.example" && ann.role == .admin)
        _ = try w.db.createOrganization(name: "Beta", domain: "beta.example", adminEmail: "ann@alpha.example")
        #expect {
            try w.db.resolveActor(user: nil, organization: nil)
        } throws: { error in
            (error as? CorbiError)?.exitCode == 64 && "\(error)".contains("alpha.example") && "\(error)".contains("beta.example")
        }
        #expect(try w.db.resolveActor(user: "ANN@alpha.example", organization: "beta.example").organization.domain == "beta.example")
        let beta = try w.db.resolveActor(user: nil, organization: "beta.example")
        #expect(try w.db.resolveActor(user: nil, organization: String(beta.organizationId)).organization.domain == "beta.example")
        _ = try w.db.addMember(beta, email: "sam@beta.example", role: .staff)
        #expect { try w.db.resolveActor(user: nil, organization: "beta.example") } throws: { "\($0)".contains("sam@beta.example") }
        #expect { try w.db.resolveActor(user: "sam@beta.example", organization: "alpha.example") } throws: { ($0 as? CorbiError)?.exitCode == 66 }
    }

    @Test func onlyAdminsManageMembersAndOneAdminStays() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        #expect { try w.db.addMember(alpha.staff, email: "new@alpha.example", role: .staff) } throws: { ($0 as? CorbiError)?.exitCode == 77 }
        #expect { try w.db.removeMember(alpha.staff, email: "viewer@alpha.example") } throws: { ($0 as? CorbiError)?.exitCode == 77 }
        #expect { try w.db.removeMember(alpha.admin, email: "admin@alpha.example") } throws: { "\($0)".contains("at least one admin") }
        #expect { try w.db.addMember(alpha.admin, email: "admin@alpha.example", role: .staff) } throws: { "\($0)".contains("at least one admin") }
        let promoted = try w.db.addMember(alpha.admin, email: "staff@alpha.example", role: .admin)
        #expect(promoted.role == .admin)
        _ = try w.db.removeMember(alpha.admin, email: "viewer@alpha.example")
        #expect(try w.db.members(alpha.admin).map(\.email) == ["admin@alpha.example", "staff@alpha.example"])
        #expect { try w.db.removeMember(alpha.admin, email: "viewer@alpha.example") } throws: { ($0 as? CorbiError)?.exitCode == 66 }
    }

    /// Issue 17, item 6: users are shared across organizations. A's admin "adding" a member
    /// of B with a name must not rename them in B, and A's members list never shows a name
    /// B's admin set.
    @Test func anAdminCannotRenameAMemberOfAnotherOrganization() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let beta = try w.organization("beta.example")
        _ = try w.db.addMember(beta.admin, email: "sam@beta.example", role: .staff, name: "Sam Berger")
        let betaEventsBefore = try w.count("SELECT count(*) FROM auditEvent WHERE organizationId = ?", [beta.admin.organizationId])

        // The attack: A's admin adds B's member with a name of A's choosing.
        _ = try w.db.addMember(alpha.admin, email: "sam@beta.example", role: .viewer, name: "Renamed By Alpha")
        func name(_ actor: Actor, _ email: String) throws -> String? {
            try w.db.members(actor).first { $0.email == email }?.name
        }
        #expect(try name(beta.admin, "sam@beta.example") == "Sam Berger")
        #expect(try name(alpha.admin, "sam@beta.example") == "Renamed By Alpha")
        // B's trail has nothing new: nothing of B changed.
        #expect(try w.count("SELECT count(*) FROM auditEvent WHERE organizationId = ?", [beta.admin.organizationId]) == betaEventsBefore)

        // A member added to A without a name never shows the name B gave them.
        _ = try w.db.addMember(beta.admin, email: "kim@beta.example", role: .staff, name: "Kim Secret-Surname")
        _ = try w.db.addMember(alpha.admin, email: "kim@beta.example", role: .staff)
        #expect(try name(alpha.admin, "kim@beta.example") == nil)
        #expect(try name(beta.admin, "kim@beta.example") == "Kim Secret-Surname")
        // Nor after B renames them later, nor does A's rename reach B.
        _ = try w.db.addMember(beta.admin, email: "kim@beta.example", role: .staff, name: "Kim Other")
        _ = try w.db.addMember(alpha.admin, email: "kim@beta.example", role: .staff, name: "Kim A")
        #expect(try name(alpha.admin, "kim@beta.example") == "Kim A")
        #expect(try name(beta.admin, "kim@beta.example") == "Kim Other")
        // Nor does the name an organization was created with reach another one.
        _ = try w.db.createOrganization(name: "Gamma", domain: "gamma.example", adminEmail: "lee@gamma.example", adminName: "Lee Gamma")
        _ = try w.db.addMember(beta.admin, email: "lee@gamma.example", role: .viewer)
        #expect(try name(beta.admin, "lee@gamma.example") == nil)
        let gamma = try w.db.resolveActor(user: "lee@gamma.example", organization: "gamma.example")
        #expect(try name(gamma, "lee@gamma.example") == "Lee Gamma")
        // The rename is audited in the organization whose membership changed.
        let last = try #require(try w.db.auditEvents(alpha.admin, limit: 1).first)
        guard case .object(let details) = last.detailsValue else { Issue.record("details are not an object"); return }
        #expect(last.action == "members.add" && details["name"] == .string("Kim A"))
    }

    @Test func aRemovedOrDemotedMemberLosesTheRightsOfAnActorResolvedEarlier() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        // Both actors were resolved before the changes, as an open shell holds them.
        let staffBefore = alpha.staff
        let secondAdmin = try w.db.addMember(alpha.admin, email: "boss@alpha.example", role: .admin)
        _ = secondAdmin
        let bossBefore = try w.db.resolveActor(user: "boss@alpha.example", organization: "alpha.example")

        _ = try w.db.addMember(alpha.admin, email: "staff@alpha.example", role: .viewer)
        #expect { try w.db.addContact(staffBefore, ContactInput(fullName: "Eve")) } throws: { ($0 as? CorbiError)?.exitCode == 77 }

        _ = try w.db.removeMember(alpha.admin, email: "boss@alpha.example")
        #expect { try w.db.addMember(bossBefore, email: "boss@alpha.example", role: .admin) } throws: { ($0 as? CorbiError)?.exitCode == 77 }
        #expect { try w.db.removeMember(bossBefore, email: "admin@alpha.example") } throws: { ($0 as? CorbiError)?.exitCode == 77 }
        #expect { try w.db.members(bossBefore) } throws: { ($0 as? CorbiError)?.exitCode == 77 }
        #expect(try w.db.members(alpha.admin).map(\.email).contains("admin@alpha.example"))
        #expect(try w.count("SELECT count(*) FROM contact") == 0)
    }

    @Test func twoWritersAtOnceDoNotSeeLockedErrors() async throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let path = w.folder.appendingPathComponent("corbi.sqlite").path
        // Two independent pools on one file behave like two terminals.
        let other = try AppDatabase(path: path)
        let staff = alpha.staff
        let db = w.db
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { for i in 0..<40 { _ = try db.addContact(staff, ContactInput(fullName: "One \(i)")) } }
            group.addTask { for i in 0..<40 { _ = try other.addContact(staff, ContactInput(fullName: "Two \(i)")) } }
            try await group.waitForAll()
        }
        #expect(try w.count("SELECT count(*) FROM contact") == 80)
        #expect(try w.db.verifyAudit(alpha.admin).ok)
    }
}
