import Foundation
import GRDB
import Testing

/// `audit head`, `audit verify --head/--file`, `audit key` and `audit seal` through the
/// binary, and a member's name that another organization's admin cannot change.
@Suite struct AuditKeyEndToEndTests {
    static func workspace() throws -> CorbiBinary {
        var corbi = try CorbiBinary()
        corbi.environment["CORBI_USER"] = "admin@a.example"
        for arguments in [
            ["init", "--org", "A", "--domain", "a.example", "--admin", "admin@a.example"],
            ["init", "--org", "B", "--domain", "b.example", "--admin", "admin@b.example"],
            ["contacts", "add", "--name", "Kim"],
        ] {
            let r = try corbi.run(arguments)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
        }
        return corbi
    }

    @Test func aSavedHeadMustStayInTheTrail() throws {
        let corbi = try Self.workspace()
        defer { corbi.remove() }
        let head = try corbi.run("audit", "head")
        #expect(head.status == 0, "\(head.stderr)")
        let token = head.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("corbi-audit-head:") && !token.contains("\n"))
        #expect(head.stderr.contains("--head"))
        let json = try corbi.run("audit", "head", "--json").json
        #expect(json?["token"] as? String == token && json?["events"] as? Int == 2)

        // Later events keep the saved head in the trail.
        #expect(try corbi.run("contacts", "add", "--name", "Lee").status == 0)
        var r = try corbi.run("audit", "verify", "--head", token, "--json")
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.json?["ok"] as? Bool == true && r.json?["head"] as? String == token && r.json?["keyed"] as? Int == 0)
        #expect(r.json?["unkeyed"] is NSNull && r.json?["unchecked"] is NSNull)
        // A head that is not in the trail (a rewritten hash), or not a head at all.
        let parts = token.split(separator: ":").map(String.init)
        let forged = (parts.dropLast() + [String(repeating: "0", count: 64)]).joined(separator: ":")
        r = try corbi.run("audit", "verify", "--head", forged)
        #expect(r.status == 65)
        #expect(r.stdout.contains("saved head"))
        #expect(try corbi.run("audit", "verify", "--head", "nonsense").status == 65)
        // Another organization's head is refused.
        let other = try corbi.run(["audit", "head"], as: "admin@b.example").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try corbi.run("audit", "verify", "--head", other).status == 65)
        // The export file too holds the head.
        let file = corbi.folder.appendingPathComponent("a.jsonl")
        #expect(try corbi.run("org", "export", "-o", file.path).status == 0)
        #expect(try corbi.run("audit", "verify", "--file", file.path, "--head", token).status == 0)
        #expect(try corbi.run("audit", "verify", "--file", file.path, "--head", forged).status == 65)
        #expect(try corbi.run("audit", "verify", "--file", corbi.folder.appendingPathComponent("none.jsonl").path).status == 66)
    }

    @Test func aKeyChainsTheTrailAndIsNeededFromThenOn() throws {
        let corbi = try Self.workspace()
        defer { corbi.remove() }
        let keyPath = corbi.folder.appendingPathComponent("audit.key").path
        var r = try corbi.run("audit", "key")
        #expect(r.status == 0 && r.stdout.contains("No audit key"))
        r = try corbi.run("audit", "key", "--create", keyPath, "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let fingerprint = try #require(r.json?["fingerprint"] as? String)
        #expect(try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int == 0o600)
        let keyText = try String(contentsOfFile: keyPath, encoding: .utf8)
        // Never replaced.
        #expect(try corbi.run("audit", "key", "--create", keyPath).status == 65)
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8) == keyText)
        #expect(try corbi.run("audit", "key", "--create", keyPath + "-text").stdout.contains("CORBI_AUDIT_KEY_FILE="))

        let keyed = ["CORBI_AUDIT_KEY_FILE": keyPath]
        r = try corbi.run(["audit", "key"], environment: keyed)
        #expect(r.stdout.contains(fingerprint))
        r = try corbi.run(["audit", "seal"], environment: keyed)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("corbi-audit-head:"))
        #expect(try corbi.run(["audit", "seal"], environment: keyed.merging(["CORBI_USER": "admin@b.example"]) { $1 }).status == 0)

        r = try corbi.run(["audit", "verify", "--json"], environment: keyed)
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.json?["keyed"] as? Int == 1 && r.json?["keyFingerprint"] as? String == fingerprint)
        let unkeyed = try #require(r.json?["unkeyed"] as? [String: Int])
        #expect(unkeyed["count"] == 2)
        r = try corbi.run(["audit", "verify"], environment: keyed)
        #expect(r.stdout.contains("were chained before the key was in use"))
        // Without the key: the keyed event's hash cannot be checked, and said so.
        r = try corbi.run("audit", "verify", "--json")
        #expect(r.status == 0)
        #expect((r.json?["unchecked"] as? [String: Int])?["count"] == 1)
        #expect(try corbi.run("audit", "verify").stdout.contains("CORBI_AUDIT_KEY_FILE"))
        // ...nor can anything be written to the trail.
        #expect(try corbi.run("contacts", "add", "--name", "Eve").status == 77)
        // The export verifies with the key, and not with another one.
        let file = corbi.folder.appendingPathComponent("a.jsonl")
        #expect(try corbi.run(["org", "export", "-o", file.path], environment: keyed).status == 0)
        r = try corbi.run(["audit", "verify", "--file", file.path, "--json"], environment: keyed)
        #expect(r.status == 0 && r.json?["keyed"] as? Int == 1)
        r = try corbi.run(["audit", "verify", "--file", file.path], environment: ["CORBI_AUDIT_KEY_FILE": keyPath + "-text"])
        #expect(r.status == 65)

        // A key file that is missing is a clear error naming the variable, for every command.
        for arguments in [["audit", "verify"], ["contacts", "list"], ["audit", "verify", "--file", file.path]] {
            r = try corbi.run(arguments, environment: ["CORBI_AUDIT_KEY_FILE": keyPath + ".missing"])
            #expect(r.status == 66, "\(arguments)")
            #expect(r.stderr.contains("CORBI_AUDIT_KEY_FILE") && r.stderr.contains("does not exist"), "\(r.stderr)")
        }
        // Sealing needs a key.
        r = try corbi.run(["audit", "seal"], as: "admin@b.example")
        #expect(r.status == 65 || r.status == 77, "\(r.stderr)")
    }

    /// Issue 17, item 6, through the binary: A's admin "adds" B's member with a name.
    @Test func anotherOrganizationsAdminCannotRenameAMember() throws {
        let corbi = try Self.workspace()
        defer { corbi.remove() }
        #expect(try corbi.run(["members", "add", "sam@b.example", "--role", "staff", "--name", "Sam Berger"], as: "admin@b.example").status == 0)
        let before = try corbi.run(["audit", "list", "--limit", "100", "--json"], as: "admin@b.example").stdout
        let attack = try corbi.run(["members", "add", "sam@b.example", "--role", "viewer", "--name", "Hacked By A"], as: "admin@a.example")
        #expect(attack.status == 0, "\(attack.stderr)")
        #expect(!attack.stdout.contains("Sam Berger"))
        func name(_ admin: String, _ email: String = "sam@b.example") throws -> String? {
            let members = try corbi.run(["members", "list", "--json"], as: admin).json?["members"] as? [[String: Any]] ?? []
            return members.first { $0["email"] as? String == email }?["name"] as? String
        }
        #expect(try name("admin@b.example") == "Sam Berger")
        #expect(try name("admin@a.example") == "Hacked By A")
        #expect(try corbi.run(["audit", "list", "--limit", "100", "--json"], as: "admin@b.example").stdout == before)
        // A's list never shows the name B gave: added without one, there is none.
        #expect(try corbi.run(["members", "add", "kim@b.example", "--role", "staff", "--name", "Kim Private"], as: "admin@b.example").status == 0)
        #expect(try corbi.run(["members", "add", "kim@b.example", "--role", "staff"], as: "admin@a.example").status == 0)
        #expect(try name("admin@a.example", "kim@b.example") == nil)
        #expect(try name("admin@b.example", "kim@b.example") == "Kim Private")
        let alphaList = try corbi.run(["members", "list"], as: "admin@a.example").stdout
        #expect(!alphaList.contains("Kim Private") && !alphaList.contains("Sam Berger"))
    }
}
