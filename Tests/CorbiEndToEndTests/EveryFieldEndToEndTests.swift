import Foundation
import Testing

/// Every stored field can be seen: a contact's last contact times, who booked a booking
/// and when, an inbound message's media, and the answer the assistant gave.
@Suite struct EveryFieldEndToEndTests {
    @Test func storedFieldsAreShown() throws {
        var w = try CorbiBinary()
        defer { w.remove() }
        w.environment["CORBI_USER"] = "ann@a.example"
        #expect(try w.run("init", "--org", "A", "--domain", "a.example", "--admin", "ann@a.example", "--timezone", "Europe/Berlin").status == 0)
        #expect(try w.run("contacts", "add", "--name", "Kim Lee", "--phone", "+49 30 1234567").status == 0)
        let webhook = #"""
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
              "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000000","phone_number_id":"1"},
              "contacts":[{"profile":{"name":"Kim"},"wa_id":"49301234567"}],
              "messages":[{"from":"49301234567","id":"wamid.A1","timestamp":"1790000000","type":"image",
                "image":{"id":"media-77","mime_type":"image/jpeg","caption":"my x-ray"}}]}}]}]}
            """#
        let ingested = try w.run(["inbound", "ingest", "whatsapp"], stdin: webhook)
        #expect(ingested.status == 0, "\(ingested.stderr)")

        let contact = try w.run("contacts", "show", "kim", "--json").json
        #expect(contact?["lastInboundAt"] is String)
        #expect(contact?["lastOutboundAt"] is NSNull)
        #expect(contact?["createdAt"] is String && contact?["updatedAt"] is String)
        #expect(try w.run("contacts", "show", "kim").stdout.contains("last in:"))

        let inbound = try w.run("inbound", "list", "--json").json?["messages"] as? [[String: Any]]
        #expect(inbound?.first?["mediaId"] as? String == "media-77")
        #expect(inbound?.first?.keys.contains("mediaUrl") == true)
        #expect(try w.run("inbound", "list").stdout.contains("[media: media-77]"))

        #expect(try w.run("book", "kim", "2031-01-07", "10:00").status == 0)
        let booking = try w.run("bookings", "show", "1", "--json").json
        #expect(booking?["createdByEmail"] as? String == "ann@a.example")
        #expect(booking?["createdBy"] is Int && booking?["createdAt"] is String && booking?["updatedAt"] is String)
        #expect(try w.run("bookings", "show", "1").stdout.contains("by ann@a.example"))

        try w.write("hours.md", "# Opening hours\n\nWe are open Monday to Friday from 8:00 to 18:00.\n")
        let asked = try w.run("ask", "When are you open?", "--json")
        let events = try w.run("audit", "list", "--action", "assistant", "--json").json?["events"] as? [[String: Any]]
        let details = events?.first?["details"] as? [String: Any]
        #expect(details?["question"] as? String == "When are you open?")
        #expect(details?["answer"] as? String == asked.json?["answer"] as? String)
    }
}
