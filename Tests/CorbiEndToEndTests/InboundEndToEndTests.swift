import Foundation
import Testing

/// `corbi inbound` through the built binary: matching the sender, enrichment, unknown
/// senders, listing, refusals.
@Suite struct InboundEndToEndTests {
    @Test func recordsMatchesEnrichesAndLists() throws {
        let w = try CorbiBinary()
        defer { w.remove() }
        #expect(try w.run("init", "--org", "A", "--domain", "a.example", "--admin", "a@a.example", "--timezone", "Europe/Berlin").status == 0)
        #expect(try w.run("contacts", "add", "--name", "Anna Schmidt", "--phone", "+49 30 1234567").status == 0)

        let known = try w.run(
            "inbound", "record", "whatsapp", "+49 30 1234567", "Can I move my appointment?", "--payload", #"{"email": "Anna@Example.com"}"#,
            "--json")
        #expect(known.status == 0, "\(known.stderr)")
        let message = try #require(known.json?["message"] as? [String: Any])
        #expect(message["contactName"] as? String == "Anna Schmidt")
        #expect((message["payload"] as? [String: Any])?["text"] as? String == "Can I move my appointment?")
        #expect(known.json?["enriched"] as? [String: String] == ["email": "anna@example.com"])
        #expect(try w.run("contacts", "show", "anna", "--json").json?["email"] as? String == "anna@example.com")

        let unknown = try w.run("inbound", "record", "telegram", "987654", "Who is this?")
        #expect(unknown.status == 0)
        #expect(unknown.stdout.contains("unknown sender"))

        let all = try w.run("inbound", "list", "--json").json?["messages"] as? [[String: Any]]
        #expect(all?.count == 2)
        #expect(all?.first?["channel"] as? String == "telegram")
        #expect(all?.first?["contactId"] is NSNull)
        let annas = try w.run("inbound", "list", "--contact", "anna", "--json").json?["messages"] as? [[String: Any]]
        #expect(annas?.count == 1)
        #expect(try w.run("inbound").stdout.contains("(unknown) 987654"))

        #expect(try w.run("inbound", "record", "whatsapp", "+4930999", "--payload", "[1]").status == 65)
        #expect(try w.run("inbound", "record", "fax", "1", "hi").status == 65)
        #expect(try w.run("members", "add", "v@a.example", "--role", "viewer", environment: ["CORBI_USER": "a@a.example"]).status == 0)
        #expect(try w.run(["inbound", "record", "whatsapp", "+4930999", "hi"], as: "v@a.example").status == 77)
        #expect(try w.run(["inbound", "list"], as: "v@a.example").status == 0)
        let audit = try w.run(["audit", "list", "--action", "inbound", "--json"], as: "a@a.example")
        #expect(audit.stdout.contains("inbound.record"))
    }
}
