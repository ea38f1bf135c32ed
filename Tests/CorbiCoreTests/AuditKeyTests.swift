import Foundation
import GRDB
import Testing

@testable import CorbiCore

@Suite struct AuditKeyTests {
    static let key = try! AuditKey(bytes: Data((0..<32).map { UInt8($0) }))
    static let otherKey = try! AuditKey(bytes: Data((0..<32).map { UInt8(255 - $0) }))

    /// A workspace written with `key`: one organization and a few actions.
    func workspace(key: AuditKey?) throws -> (TestWorkspace, Actor) {
        let w = try TestWorkspace(auditKey: key)
        let org = try w.organization("alpha.example")
        for i in 0..<3 { _ = try w.db.addContact(org.staff, ContactInput(fullName: "Contact \(i)")) }
        return (w, org.admin)
    }

    /// What someone who can write the database file does: edit an event, then recompute
    /// the hashes of every event from `from` on (plain SHA-256, or HMAC under a key they
    /// guess) and the head, so that the chain links again.
    func editAndRechain(
        _ w: TestWorkspace, _ org: Int64, edit: String, from: Int64? = nil, key: AuditKey? = nil, keepPrefix: Bool = false
    ) throws {
        try w.db.writer.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS auditEvent_no_update; DROP TRIGGER IF EXISTS auditEvent_no_delete")
            try db.execute(sql: edit)
            let events = try AuditEvent.fetchAll(db, sql: "SELECT * FROM auditEvent WHERE organizationId = ? ORDER BY id", arguments: [org])
            var previous: String?
            for var event in events {
                if let from, event.id! < from {
                    previous = event.hash
                    continue
                }
                event.prevHash = previous
                var hash = AuditLog.hash(of: event, key: key)
                if keepPrefix && key == nil { hash = AuditKey.hashPrefix + hash }
                try db.execute(sql: "UPDATE auditEvent SET prevHash = ?, hash = ? WHERE id = ?", arguments: [previous, hash, event.id!])
                previous = hash
            }
            try db.execute(
                sql: "UPDATE auditHead SET lastEventId = ?, lastHash = ?, events = ? WHERE organizationId = ?",
                arguments: [events.last!.id!, previous, events.count, org])
        }
    }

    func firstContactEvent(_ w: TestWorkspace, _ actor: Actor) throws -> AuditEvent {
        try #require(try w.db.auditEvents(actor, limit: 100, action: "contacts.add").last)
    }

    @Test func aKeyedTrailVerifiesWithItsKeyAndSaysWhatItCouldNotCheckWithoutIt() throws {
        let (w, admin) = try workspace(key: Self.key)
        let events = try w.db.auditEvents(admin, limit: 100)
        #expect(events.allSatisfy { $0.hash.hasPrefix("hmac:") && $0.hash.count == 5 + 64 })
        let keyed = try w.db.verifyAudit(admin)
        #expect(keyed == AuditVerification(ok: true, events: events.count, brokenAt: nil, reason: nil, keyed: events.count))

        let withoutKey = try w.reopened(auditKey: nil)
        let unchecked = try withoutKey.verifyAudit(admin)
        #expect(unchecked.ok)
        #expect(unchecked.unchecked == AuditEventRange(first: events.last!.id!, last: events.first!.id!, count: events.count))

        let wrongKey = try w.reopened(auditKey: Self.otherKey)
        let wrong = try wrongKey.verifyAudit(admin)
        #expect(!wrong.ok)
        #expect(wrong.brokenAt == events.last!.id)
    }

    @Test func anAttackerWhoEditsAnEventAndRechainsEverythingWithSHA256IsCaughtWithTheKey() throws {
        let (w, admin) = try workspace(key: Self.key)
        let org = admin.organizationId
        let target = try firstContactEvent(w, admin)
        try editAndRechain(w, org, edit: "UPDATE auditEvent SET actor = 'nobody@alpha.example' WHERE id = \(target.id!)")
        // The chain links and every plain hash recomputes: without the key it looks whole.
        #expect(try w.reopened(auditKey: nil).verifyAudit(admin).ok)
        let result = try w.db.verifyAudit(admin)
        #expect(!result.ok)
        #expect(result.reason?.contains("none of the") == true)
    }

    @Test func rechainingFromTheEditedEventOnlyIsCaughtWithOrWithoutTheKey() throws {
        let (w, admin) = try workspace(key: Self.key)
        let target = try firstContactEvent(w, admin)
        try editAndRechain(
            w, admin.organizationId, edit: "UPDATE auditEvent SET actor = 'nobody@alpha.example' WHERE id = \(target.id!)",
            from: target.id!)
        for db in [w.db, try w.reopened(auditKey: nil)] {
            let result = try db.verifyAudit(admin)
            #expect(!result.ok)
            #expect(result.brokenAt == target.id)
            #expect(result.reason?.contains("without the audit key") == true)
        }
    }

    @Test func forgedHMACPrefixesAndAGuessedKeyAreCaught() throws {
        for key in [nil, Self.otherKey] as [AuditKey?] {
            let (w, admin) = try workspace(key: Self.key)
            let target = try firstContactEvent(w, admin)
            try editAndRechain(
                w, admin.organizationId, edit: "UPDATE auditEvent SET target = 'contact:999' WHERE id = \(target.id!)", key: key,
                keepPrefix: true)
            let result = try w.db.verifyAudit(admin)
            #expect(!result.ok)
            #expect(result.reason?.contains("does not verify with the audit key") == true)
        }
    }

    @Test func aKeyedTrailTakesNoEventWithoutTheKey() throws {
        let (w, admin) = try workspace(key: Self.key)
        let before = try w.count("SELECT count(*) FROM auditEvent")
        let withoutKey = try w.reopened(auditKey: nil)
        let staff = try withoutKey.resolveActor(user: "staff@alpha.example", organization: "alpha.example")
        #expect(bookingExitCode { _ = try withoutKey.addContact(staff, ContactInput(fullName: "Sneaky")) } == 77)
        #expect(bookingErrorMessage { _ = try withoutKey.addContact(staff, ContactInput(fullName: "Sneaky")) }.contains("audit key"))
        #expect(try w.count("SELECT count(*) FROM auditEvent") == before)
        #expect(try w.count("SELECT count(*) FROM contact WHERE fullName = 'Sneaky'") == 0)
        #expect(try w.db.verifyAudit(admin).ok)
    }

    @Test func aTrailWrittenBeforeTheKeyIsSealedByTheNextEventWithIt() throws {
        let (w, admin) = try workspace(key: nil)
        let legacy = try w.db.auditEvents(admin, limit: 100)
        let keyed = try w.reopened(auditKey: Self.key)
        // Nothing written with the key yet: with the key, such a trail cannot be told from
        // one re-chained without it.
        let before = try keyed.verifyAudit(admin)
        #expect(!before.ok)
        #expect(before.unkeyed?.count == legacy.count)
        #expect(bookingExitCode { try keyed.sealAudit(try keyed.resolveActor(user: "staff@alpha.example", organization: "alpha.example")) } == 77)
        let head = try keyed.sealAudit(admin)
        #expect(head.hash.hasPrefix("hmac:"))
        let after = try keyed.verifyAudit(admin)
        #expect(after.ok)
        #expect(after.keyed == 2)  // the refused seal by staff, then the seal
        #expect(after.unkeyed == AuditEventRange(first: legacy.last!.id!, last: legacy.first!.id!, count: legacy.count))
        #expect(try keyed.auditEvents(admin, limit: 1)[0].action == "audit.seal")
        // Without a key there is nothing to seal with.
        #expect(bookingExitCode { try w.db.sealAudit(admin) } == 65)
    }

    @Test func anEmptiedTrailOfAnExistingOrganizationIsBroken() throws {
        let (w, admin) = try workspace(key: nil)
        try w.db.writer.write { db in
            try db.execute(sql: "DROP TRIGGER auditEvent_no_delete")
            try db.execute(sql: "DELETE FROM auditEvent WHERE organizationId = ?; DELETE FROM auditHead WHERE organizationId = ?",
                           arguments: [admin.organizationId, admin.organizationId])
        }
        let result = try w.db.verifyAudit(admin)
        #expect(!result.ok)
        #expect(result.events == 0)
        #expect(result.reason?.contains("no events") == true)
    }

    @Test func theHeadCountsEventsSoAnEventRemovedAndTheRestRechainedIsCaught() throws {
        let (w, admin) = try workspace(key: nil)
        let target = try firstContactEvent(w, admin)
        // The attacker re-chains but leaves the head's count as it was.
        try w.db.writer.write { db in
            try db.execute(sql: "DROP TRIGGER auditEvent_no_delete")
            try db.execute(sql: "DELETE FROM auditEvent WHERE id = ?", arguments: [target.id!])
        }
        let events = try w.count("SELECT events FROM auditHead WHERE organizationId = ?", [admin.organizationId])
        try editAndRechain(w, admin.organizationId, edit: "SELECT 1")
        try w.db.writer.write { try $0.execute(sql: "UPDATE auditHead SET events = ?", arguments: [events]) }
        let result = try w.db.verifyAudit(admin)
        #expect(!result.ok)
        #expect(result.reason?.contains("counts \(events) events") == true)
    }

    @Test func aSavedHeadCatchesATrailRewrittenFromAnEarlierPoint() throws {
        let (w, admin) = try workspace(key: nil)
        let saved = try w.db.auditHead(admin)
        #expect(try AuditHead(token: saved.token) == saved)
        _ = try w.db.addContact(admin, ContactInput(fullName: "Later"))
        #expect(try w.db.verifyAudit(admin, against: saved).ok)

        let target = try firstContactEvent(w, admin)
        try editAndRechain(w, admin.organizationId, edit: "UPDATE auditEvent SET actor = 'nobody' WHERE id = \(target.id!)")
        #expect(try w.db.verifyAudit(admin).ok)  // re-chained: whole without a key or a head
        let result = try w.db.verifyAudit(admin, against: saved)
        #expect(!result.ok)
        #expect(result.brokenAt == saved.lastEventId)
        #expect(result.reason?.contains("saved head") == true)

        // A trail cut back before the saved head.
        let (w2, admin2) = try workspace(key: nil)
        let saved2 = try w2.db.auditHead(admin2)
        try w2.db.writer.write { db in
            try db.execute(sql: "DROP TRIGGER auditEvent_no_delete")
            try db.execute(sql: "DELETE FROM auditEvent WHERE id = ?", arguments: [saved2.lastEventId])
        }
        try editAndRechain(w2, admin2.organizationId, edit: "SELECT 1")
        #expect(try w2.db.verifyAudit(admin2).ok)
        #expect(try !w2.db.verifyAudit(admin2, against: saved2).ok)

        let beta = try w.organization("beta.example")
        #expect(bookingExitCode { _ = try w.db.verifyAudit(beta.admin, against: saved) } == 65)
        #expect(throws: CorbiError.self) { try AuditHead(token: "corbi-audit-head:1:x:2:abc") }
    }

    @Test func exportedKeyedEventsVerifyWithTheKey() throws {
        let (w, admin) = try workspace(key: Self.key)
        var lines: [String] = []
        try w.db.exportOrganization(admin) { lines.append($0) }
        #expect(AppDatabase.verifyExportedAudit(lines: lines, key: Self.key).ok)
        let unchecked = AppDatabase.verifyExportedAudit(lines: lines, key: nil)
        #expect(unchecked.ok && unchecked.unchecked?.count == unchecked.events)
        #expect(!AppDatabase.verifyExportedAudit(lines: lines, key: Self.otherKey).ok)
    }

    @Test func theKeyTravelsWithTheConnectionSoEveryServiceChainsWithIt() throws {
        let (w, admin) = try workspace(key: Self.key)
        // What the dispatcher and the webhooks do: append with nothing but the connection.
        let event = try w.db.writer.write { db in
            try AuditLog.append(
                db, organizationId: admin.organizationId, actor: "dispatcher", entry: AuditEntry(action: "outbox.attempt"),
                traceId: "t", at: w.clock.now)
        }
        #expect(event.hash == AuditLog.hash(of: event, key: Self.key))
        #expect(try w.db.verifyAudit(admin).ok)
        // A writer opened without the key cannot be handed one.
        let plain = try DatabasePool(path: w.folder.appendingPathComponent("corbi.sqlite").path, configuration: AppDatabase.makeConfiguration())
        #expect(bookingExitCode { _ = try AppDatabase(writer: plain, auditKey: Self.key) } == 70)
        let keyed = try DatabasePool(
            path: w.folder.appendingPathComponent("corbi.sqlite").path, configuration: AppDatabase.makeConfiguration(auditKey: Self.key))
        #expect(try AppDatabase(writer: keyed, auditKey: Self.key).verifyAudit(admin).ok)
    }

    @Test func keyFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("audit.key").path
        let generated = try AuditKey.generate(at: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try AuditKey(contentsOfFile: path).fingerprint == generated.fingerprint)
        #expect(generated.fingerprint != Self.key.fingerprint)
        // An existing key file is never replaced: the key it holds would be lost.
        #expect(bookingExitCode { _ = try AuditKey.generate(at: path) } == 65)
        #expect(try AuditKey(contentsOfFile: path).fingerprint == generated.fingerprint)
        // Text keys are read without surrounding white space; short ones are refused.
        try "  \(String(repeating: "ab", count: 32))\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try AuditKey(contentsOfFile: path).fingerprint == AuditKey(bytes: Data(String(repeating: "ab", count: 32).utf8)).fingerprint)
        try "short\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(bookingExitCode { _ = try AuditKey(contentsOfFile: path) } == 65)
        #expect(bookingExitCode { _ = try AuditKey(contentsOfFile: path + ".missing") } == 66)
        #expect(bookingExitCode { _ = try AuditKey.generate(at: folder.appendingPathComponent("no/such/dir").path) } == 77)
    }
}
