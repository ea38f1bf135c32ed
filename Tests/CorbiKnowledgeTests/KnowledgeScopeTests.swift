import Testing

@testable import CorbiKnowledge

@Suite struct KnowledgeScopeTests {
    @Test(arguments: [
        ("faq.md", KnowledgeScope.shared),
        ("aftercare/fillings.md", .shared),
        ("organisations/x.md", .shared),
        ("docs/orgs/a.example/x.md", .shared),
        ("orgs/a.example/x.md", .organization("a.example")),
        ("orgs/A.Example/deep/er/x.md", .organization("a.example")),
        ("orgs//a.example//x.md", .organization("a.example")),
        ("orgs/x.md", .nobody),
        ("orgs", .shared),
    ])
    func scopeOfAPath(_ path: String, _ expected: KnowledgeScope) {
        #expect(KnowledgeScope(path: path) == expected)
    }

    @Test func visibility() {
        #expect(KnowledgeScope.shared.isVisible(to: "a.example"))
        #expect(KnowledgeScope.shared.isVisible(to: nil))
        #expect(KnowledgeScope.organization("a.example").isVisible(to: "A.example"))
        #expect(!KnowledgeScope.organization("a.example").isVisible(to: "b.example"))
        #expect(!KnowledgeScope.organization("a.example").isVisible(to: nil))
        #expect(!KnowledgeScope.nobody.isVisible(to: "a.example"))
        #expect(!KnowledgeScope.nobody.isVisible(to: nil))
    }
}
