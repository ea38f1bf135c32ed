import Foundation
import GRDB
import Testing

@testable import CorbiCore

@Suite struct OrganizationExportTests {
    /// The export's lines, parsed, by type.
    static func export(_ f: RecordsFixture, _ actor: Actor) throws -> (lines: [String], byType: [String: [[String: JSONValue]]], summary: OrganizationExportSummary) {
        var lines: [String] = []
        let summary = try f.w.db.exportOrganization(actor) { lines.append($0) }
        var byType: [String: [[String: JSONValue]]] = [:]
        for line in lines {
            #expect(!line.contains("\n"))
            guard case .object(var fields) = JSONValue.parse(line), case .string(let type)? = fields["type"] else {
                Issue.record("not a typed JSON object: \(line)")
                continue
            }
            fields["type"] = nil
            byType[type, default: []].append(fields)
        }
        return (lines, byType, summary)
    }

    static let typeOfTable = [
        "organization": "organization", "membership": "member", "contact": "contact", "identityConflict": "identityConflict",
        "messageTemplate": "template", "outboundMessage": "outbound", "inboundMessage": "inbound", "suppression": "suppression",
        "booking": "booking", "channelRate": "channelRate", "providerAccount": "providerAccount",
        "unsubscribeToken": "unsubscribeToken", "earlyDeliveryStatus": "earlyDeliveryStatus", "webhookReceipt": "webhookReceipt",
        "auditEvent": "auditEvent", "auditHead": "auditHead",
    ]

    @Test func everyRecordOfTheOrganizationIsExportedAsStoredAndNothingElse() throws {
        let f = try RecordsFixture()
        let stored = try f.rows(of: f.alpha.admin.organizationId)
        let (lines, byType, summary) = try Self.export(f, f.alpha.admin)
        #expect(summary.records == lines.count)
        #expect(lines.first?.hasPrefix("{\"type\":\"organization\"") == true)

        for (table, rows) in stored {
            if table == "outboundAttempt" || AppDatabase.tablesNotExported.contains(table) { continue }  // nested in outbound, or not exported
            let type = try #require(Self.typeOfTable[table], "table \(table) is not exported")
            let exported = byType[type] ?? []
            #expect(exported.count == rows.count, "\(type)")
            #expect(!rows.isEmpty, "the fixture has no \(table) row")
            for (row, line) in zip(rows, exported) {
                for (column, value) in row where column != "sealedSecrets" {
                    #expect(line[column] == exportedValue(value), "\(type).\(column)")
                }
                let extra = Set(line.keys).subtracting(row.keys)
                switch type {
                case "outbound": #expect(extra == ["attempts"])
                case "member": #expect(extra == ["user"])
                case "providerAccount": #expect(extra == ["hasSecrets"])
                default: #expect(extra.isEmpty, "\(type): \(extra)")
                }
            }
        }
        // Attempts nested in their message, as stored.
        let attempts = try #require(stored["outboundAttempt"])
        let outbound = try #require(byType["outbound"]?.first)
        guard case .array(let nested)? = outbound["attempts"] else { Issue.record("no attempts"); return }
        #expect(nested.count == 2)
        for (row, item) in zip(attempts, nested) {
            guard case .object(let fields) = item else { Issue.record("attempt not an object"); continue }
            #expect(fields == row.mapValues(exportedValue))
        }
        // The member's user, nested.
        let member = try #require(byType["member"]?.first)
        #expect(member["user"] == .object(["id": member["userId"]!, "email": "admin@alpha.example", "name": .null, "createdAt": member["createdAt"]!]))
        // Secrets never leave: not the column, not the bytes.
        #expect(byType["providerAccount"]?.first?["hasSecrets"] == .int(1))
        #expect(!lines.joined().contains("sealedSecrets"))
        #expect(!lines.joined().contains(Data("SECRET-A".utf8).base64EncodedString()))
        // Nothing of the other organization.
        #expect(!lines.joined().contains("beta"))
        // The head closes the file.
        #expect(byType["auditHead"]?.count == 1)
        #expect(lines.last?.hasPrefix("{\"type\":\"auditHead\"") == true)
    }

    @Test func everyTableOfAnOrganizationIsCoveredByTheExport() throws {
        let f = try RecordsFixture()
        let tables = try f.w.db.writer.read { try RecordsFixture.tablesWithOrganization($0) }
        let covered = Set(Self.typeOfTable.keys).union(["outboundAttempt"]).union(AppDatabase.tablesNotExported)
        #expect(Set(tables).subtracting(covered).isEmpty, "a table the export does not cover: \(Set(tables).subtracting(covered))")
        #expect(Set(Self.typeOfTable.values) == Set(AppDatabase.exportTypes))
    }

    @Test func theExportedTrailVerifiesAloneAndATamperedLineIsCaught() throws {
        let f = try RecordsFixture()
        let (lines, byType, summary) = try Self.export(f, f.alpha.admin)
        let events = try #require(byType["auditEvent"])
        let ok = AppDatabase.verifyExportedAudit(lines: lines, key: nil)
        #expect(ok.ok)
        #expect(ok.events == events.count)
        #expect(ok.events == summary.auditHead?.events)

        // One field of one event edited (its actor), the line otherwise as written.
        let index = try #require(lines.firstIndex { $0.contains("\"type\":\"auditEvent\"") && $0.contains("\"action\":\"contacts.add\"") })
        var edited = lines
        edited[index] = edited[index].replacingOccurrences(of: "staff@alpha.example", with: "mallory@alpha.example")
        #expect(edited[index] != lines[index])
        let id = try #require(JSONValue.parse(lines[index]).int("id"))
        let broken = AppDatabase.verifyExportedAudit(lines: edited, key: nil)
        #expect(!broken.ok)
        #expect(broken.brokenAt == id)
        #expect(broken.reason?.contains("edited") == true)

        // A line removed from the middle, and the newest event cut off.
        var removed = lines
        removed.remove(at: index)
        let next = try #require(JSONValue.parse(lines[index + 1]).int("id"))
        let gap = AppDatabase.verifyExportedAudit(lines: removed, key: nil)
        #expect(!gap.ok)
        #expect(gap.brokenAt == next)
        var cut = lines
        cut.remove(at: cut.count - 2)
        let cutResult = AppDatabase.verifyExportedAudit(lines: cut, key: nil)
        #expect(!cutResult.ok)
        #expect(cutResult.reason?.contains("cut off") == true)

        // Events alone (no head line, other types left out) still verify.
        let only = lines.filter { $0.contains("\"type\":\"auditEvent\"") }
        #expect(AppDatabase.verifyExportedAudit(lines: only, key: nil).ok)
        // A file without any event is not a trail.
        #expect(!AppDatabase.verifyExportedAudit(lines: lines.filter { !$0.contains("auditEvent") }, key: nil).ok)
        // Garbage is named by its line.
        #expect(AppDatabase.verifyExportedAudit(lines: ["{\"type\":\"auditEvent\",\"id\":1}"], key: nil).reason?.contains("line 1") == true)
    }

    @Test func anExportFileIsWrittenLineByLineAndVerifiedFromDisk() throws {
        let f = try RecordsFixture()
        let path = f.w.folder.appendingPathComponent("alpha.jsonl").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        let summary = try f.w.db.exportOrganization(f.alpha.admin, to: handle)
        try handle.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        #expect(text.split(separator: "\n").count == summary.records)
        let result = try AppDatabase.verifyExportedAudit(file: path, key: nil)
        #expect(result.ok)
        #expect(result.events == summary.auditHead?.events)
        #expect(throws: CorbiError.self) { try AppDatabase.verifyExportedAudit(file: path + ".missing", key: nil) }
    }

    @Test func theExportIsForAdminsAndIsAudited() throws {
        let f = try RecordsFixture()
        #expect(bookingExitCode { _ = try f.w.db.exportOrganization(f.alpha.staff) { _ in } } == 77)
        #expect(bookingExitCode { _ = try f.w.db.exportOrganization(f.alpha.viewer) { _ in } } == 77)
        let refused = try f.w.db.auditEvents(f.alpha.admin, limit: 1)[0]
        #expect(refused.action == "org.export")
        #expect(refused.outcome == "refused")

        let (_, _, summary) = try Self.export(f, f.alpha.admin)
        let event = try f.w.db.auditEvents(f.alpha.admin, limit: 1)[0]
        #expect(event.action == "org.export")
        #expect(event.actor == "admin@alpha.example")
        #expect(event.detailsValue.int("records") == Int64(summary.records))
        #expect(event.detailsValue.bool("completed") == true)
        // The export's own event follows the exported trail.
        #expect(event.prevHash == summary.auditHead?.hash)
        #expect(try f.w.db.verifyAudit(f.alpha.admin).ok)
    }

    @Test func anExportBrokenOffBySinkIsAuditedWithWhatWasWritten() throws {
        struct Full: Error {}
        let f = try RecordsFixture()
        var written = 0
        #expect(throws: Full.self) {
            try f.w.db.exportOrganization(f.alpha.admin) { _ in
                if written == 3 { throw Full() }
                written += 1
            }
        }
        let event = try f.w.db.auditEvents(f.alpha.admin, limit: 1)[0]
        #expect(event.action == "org.export")
        #expect(event.detailsValue.bool("completed") == false)
        #expect(event.detailsValue.int("records") == 3)
    }

    /// A sink that buffers flushes in `finish`: a last write that fails there (a full
    /// disk) is audited as an incomplete export too, with every record handed over.
    @Test func aFailedFinalFlushIsAuditedAsIncomplete() throws {
        struct Full: Error {}
        let f = try RecordsFixture()
        var lines = 0
        #expect(throws: Full.self) {
            try f.w.db.exportOrganization(f.alpha.admin, to: { _ in lines += 1 }, finish: { throw Full() })
        }
        let event = try f.w.db.auditEvents(f.alpha.admin, limit: 1)[0]
        #expect(event.action == "org.export")
        #expect(event.detailsValue.bool("completed") == false)
        #expect(event.detailsValue.int("records") == Int64(lines))
        #expect(lines > 0)
    }
}

extension JSONValue {
    func int(_ key: String) -> Int64? {
        if case .object(let o) = self, case .int(let i)? = o[key] { return i }
        return nil
    }

    func bool(_ key: String) -> Bool? {
        if case .object(let o) = self, case .bool(let b)? = o[key] { return b }
        return nil
    }
}
