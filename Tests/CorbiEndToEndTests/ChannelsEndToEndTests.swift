import Foundation
import Testing

/// `corbi channels` through the binary: admins only, KEY=@FILE, secrets never printed.
@Suite struct ChannelsEndToEndTests {
    @Test func secretsAreReadFromFilesAndNeverShown() throws {
        var w = try CorbiBinary()
        defer { w.remove() }
        w.environment["CORBI_USER"] = "admin@a.example"
        #expect(try w.run("init", "--org", "A", "--domain", "a.example", "--admin", "admin@a.example").status == 0)
        #expect(try w.run("members", "add", "staff@a.example", "--role", "staff").status == 0)
        let token = "EAAG-super-secret-token-0123456789"
        let appSecret = "app-secret-abcdefghijklmnop"
        try Data((token + "\n").utf8).write(to: w.folder.appendingPathComponent("token"))
        try Data(appSecret.utf8).write(to: w.folder.appendingPathComponent("app"))
        var outputs: [String] = []
        let set = try w.run(
            "channels", "set", "whatsapp", "phone_number_id=1098", "access_token=@token", "app_secret=@app", "verify_token=hello-verify")
        #expect(set.status == 0, "\(set.stderr)")
        outputs.append(set.stdout + set.stderr)
        for arguments in [["channels", "list"], ["channels", "list", "--json"], ["channels", "show", "whatsapp", "--json"], ["audit", "list", "--json"]] {
            let r = try w.run(arguments)
            #expect(r.status == 0)
            outputs.append(r.stdout + r.stderr)
        }
        let shown = try w.run("channels", "show", "whatsapp", "--json").json
        #expect((shown?["settings"] as? [String: String])?["phone_number_id"] == "1098")
        #expect((shown?["secrets"] as? [String: String])?["access_token"] == "••••6789")
        // A staff member may not touch the accounts; a pasted secret without a key is not echoed.
        let staff = try w.run(["channels", "set", "telegram", "bot_token=1:x", "secret_token=y"], as: "staff@a.example")
        #expect(staff.status == 77)
        let pasted = try w.run("channels", "set", "telegram", "123456:AAE-pasted-secret")
        #expect(pasted.status == 64 || pasted.status == 65)
        outputs.append(pasted.stdout + pasted.stderr)
        for output in outputs {
            #expect(!output.contains(token) && !output.contains(appSecret) && !output.contains("hello-verify"))
            #expect(!output.contains("pasted-secret"))
        }
        // Not in the database file either: sealed with the key beside it.
        let database = try Data(contentsOf: URL(fileURLWithPath: w.databasePath))
        #expect(database.range(of: Data(token.utf8)) == nil)
        let key = w.folder.appendingPathComponent("corbi.key").path
        let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try w.run("channels", "remove", "whatsapp").status == 0)
        #expect(try w.run("channels", "show", "whatsapp").status == 66)
    }
}
