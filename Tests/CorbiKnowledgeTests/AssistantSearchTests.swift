import Foundation
import Testing
@testable import CorbiKnowledge

/// What the assistant asks of the knowledge base beyond `kb search`
/// (`KnowledgeBase+Assistant.swift`): a search within named files, expansion words that
/// search alone, the files an organization sees and their first passages.
@Suite struct AssistantSearchTests {
    func sample() throws -> KBTestFolder {
        let folder = try KBTestFolder()
        try folder.write("useradd.8.txt", """
            NAME
                   useradd - create a new user

            OPTIONS
                   -e, --expiredate EXPIRE_DATE
                       The date on which the user account will be disabled.

                   -m, --create-home
                       Create the user's home directory if it does not exist.
            """)
        try folder.write("usermod.8.txt", """
            NAME
                   usermod - modify a user account

            OPTIONS
                   -e, --expiredate EXPIRE_DATE
                       The date on which the user account will be disabled.
            """)
        try folder.write("location-and-parking.md", "# How to find us\n\nLindenlaan 42, Utrecht.\n\n## Parking\n\nPark behind the building.\n")
        try folder.write("orgs/a.example/notes.md", "# Notes\n\nThe account of A is disabled on Fridays.\n")
        try folder.write("orgs/b.example/notes.md", "# Notes\n\nThe account of B is disabled on Mondays.\n")
        return folder
    }

    @Test func aSearchWithinNamedFilesReturnsOnlyTheirPassages() throws {
        let folder = try sample()
        let kb = try folder.knowledgeBase()
        defer { withExtendedLifetime(folder) {} }
        try kb.refresh()
        let everywhere = try kb.search("account disabled", organizationDomain: "a.example", limit: 10, feedbackTerms: 0, expansion: [])
        #expect(Set(everywhere.map(\.path)).count > 1)
        let named = try kb.search(
            "account disabled", organizationDomain: "a.example", limit: 10, feedbackTerms: 0, expansion: [], paths: ["usermod.8.txt"])
        #expect(!named.isEmpty)
        #expect(named.allSatisfy { $0.path == "usermod.8.txt" })
        // Naming another organization's file shows nothing of it.
        let hidden = try kb.search(
            "account disabled", organizationDomain: "a.example", limit: 10, feedbackTerms: 0, expansion: [],
            paths: ["orgs/b.example/notes.md"])
        #expect(hidden.isEmpty)
    }

    @Test func expansionWordsSearchAloneWhenTheQueryWordsAreAllUnknown() throws {
        let folder = try sample()
        let kb = try folder.knowledgeBase()
        defer { withExtendedLifetime(folder) {} }
        try kb.refresh()
        #expect(try kb.search("zeppelin", organizationDomain: nil, limit: 5, feedbackTerms: 0, expansion: []).isEmpty)
        let hits = try kb.search("zeppelin", organizationDomain: nil, limit: 5, feedbackTerms: 0, expansion: [("parking", 0.3)])
        #expect(hits.first?.heading == "How to find us › Parking")
    }

    @Test func documentPathsAndFirstPassagesFollowTheOrganizationScope() throws {
        let folder = try sample()
        let kb = try folder.knowledgeBase()
        defer { withExtendedLifetime(folder) {} }
        try kb.refresh()
        let paths = try kb.documentPaths(organizationDomain: "a.example")
        #expect(paths == ["location-and-parking.md", "orgs/a.example/notes.md", "useradd.8.txt", "usermod.8.txt"])
        #expect(try kb.documentPaths(containing: ["USER", "locat"], organizationDomain: "a.example")
            == ["location-and-parking.md", "useradd.8.txt", "usermod.8.txt"])
        #expect(try kb.documentPaths(containing: ["notes"], organizationDomain: "a.example") == ["orgs/a.example/notes.md"])
        #expect(try kb.documentPaths(containing: ["%"], organizationDomain: "a.example").isEmpty)
        let first = try kb.firstPassages(of: ["location-and-parking.md", "orgs/b.example/notes.md"], organizationDomain: "a.example")
        #expect(first.count == 1)
        #expect(first.first?.lineStart == 1)
        #expect(first.first?.text.contains("Lindenlaan 42") == true)
    }
}
