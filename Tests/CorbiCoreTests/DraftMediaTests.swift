import Testing

@testable import CorbiCore

@Suite struct DraftMediaTests {
    @Test func aDraftCarriesAnHttpsMediaLink() throws {
        let w = try MessagingTestWorkspace()
        let draft = try w.db.draft(w.staff, DraftRequest(contact: "anna", text: "Your X-ray", channel: "telegram", mediaUrl: " https://cdn.example/x-ray.png?size=2 "))
        #expect(draft.message.mediaUrl == "https://cdn.example/x-ray.png?size=2")
        #expect(try w.message(draft.message.id!).mediaUrl == "https://cdn.example/x-ray.png?size=2")
        #expect(try w.events("draft.create").last?.detailsValue["mediaUrl"] == "https://cdn.example/x-ray.png?size=2")
        #expect(try w.db.draft(w.staff, DraftRequest(contact: "anna", text: "No media", channel: "telegram", mediaUrl: "  ")).message.mediaUrl == nil)
    }

    @Test(arguments: [
        "http://cdn.example/x.png", "ftp://cdn.example/x.png", "file:///etc/passwd", "https://", "cdn.example/x.png",
        "https://cdn.example/a b.png", "https://user:pw@cdn.example/x.png", "https://cdn.example/\u{1B}[2J",
    ])
    func otherLinksAreRefused(_ link: String) throws {
        let w = try MessagingTestWorkspace()
        let error = messagingError { _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", text: "x", channel: "telegram", mediaUrl: link)) }
        #expect(error?.exitCode == 65)
        #expect(error?.description.contains("\u{1B}") == false)
        #expect(try w.count("SELECT count(*) FROM outboundMessage") == 0)
    }
}
