import Foundation
import Testing

@testable import CorbiKnowledge

/// What an indexing pass tells a member (issue 17, item 7): the index is shared, so every
/// pass covers every file, but its counts and warnings are those of shared files and the
/// member's own organization only.
@Suite struct ScopedIndexReportTests {
    func sample() throws -> KBTestFolder {
        let folder = try KBTestFolder()
        try folder.write("faq.md", "# FAQ\n\nParking is free behind the building.\n")
        try folder.write("orgs/a.example/notes.md", "# Notes\n\nThe alpha discount code is ZEBRA42.\n")
        try folder.write("orgs/b.example/secret.md", "# Secret\n\nThe beta discount code is OKAPI77.\n")
        try folder.write("orgs/b.example/layoffs-2027-plan.pdf", Data([0x25, 0x50, 0x44, 0x46]))
        try folder.write("orgs/b.example/.layoffs-draft.md", "# Draft\n")
        try folder.write("orgs/b.example/layoffs-memo.txt", Data([0x6C, 0x00, 0x01]))
        try folder.write("orgs/misplaced-layoffs.md", "# Misplaced\n")
        return folder
    }

    @Test func aMemberIsToldAboutSharedFilesAndTheirOwnOnly() throws {
        let folder = try sample()
        let kb = try folder.knowledgeBase()
        let all = try kb.refresh()
        // Everything was indexed: the index is shared.
        #expect(all.indexed == 3 && all.skipped == 4)

        let a = all.visible(to: "a.example")
        #expect(a.indexed == 2 && a.skipped == 0 && a.passages == 2)
        #expect(a.warnings.isEmpty)
        #expect(a.bytes == all.byScope[.shared]!.bytes + all.byScope[.organization("a.example")]!.bytes)

        let b = all.visible(to: "B.example")
        #expect(b.indexed == 2 && b.skipped == 3)
        #expect(b.warnings.map(\.path) == [
            "orgs/b.example/.layoffs-draft.md", "orgs/b.example/layoffs-2027-plan.pdf", "orgs/b.example/layoffs-memo.txt",
        ])
        #expect(b.warnings.map(\.reason) == ["hidden", "not Markdown, text or HTML", "binary file"])
        #expect(b.warnings.map(\.description).contains("skipped orgs/b.example/layoffs-memo.txt: binary file"))

        // A file directly in orgs/ is nobody's: no member is told its name.
        for domain in ["a.example", "b.example", nil] as [String?] {
            #expect(!all.visible(to: domain).warnings.contains { $0.path == "orgs/misplaced-layoffs.md" })
        }
        #expect(all.visible(to: nil).indexed == 1)

        // The next pass remembers the skipped files and reports them the same way.
        let again = try kb.refresh()
        #expect(again.visible(to: "a.example").warnings.isEmpty && again.visible(to: "a.example").unchanged == 2)
        #expect(again.visible(to: "b.example").skipped == 3 && again.visible(to: "b.example").unchanged == 2)

        // Removals are counted for those who saw the file.
        try folder.remove("orgs/b.example/secret.md")
        try folder.write("orgs/a.example/notes.md", "# Notes\n\nThe alpha code changed to ZEBRA43.\n")
        let edited = try kb.refresh()
        #expect(edited.visible(to: "a.example").removed == 0 && edited.visible(to: "a.example").indexed == 1)
        #expect(edited.visible(to: "b.example").removed == 1 && edited.visible(to: "b.example").indexed == 0)

        // A full rebuild likewise.
        let rebuilt = try kb.rebuild().visible(to: "a.example")
        #expect(rebuilt.indexed == 2 && rebuilt.warnings.isEmpty)
    }

    @Test func statusCountsAndStaleFilesAreScoped() throws {
        let folder = try sample()
        let kb = try folder.knowledgeBase()
        try kb.refresh()
        #expect(try kb.status(organizationDomain: "a.example").skipped == 0)
        #expect(try kb.status(organizationDomain: "b.example").skipped == 1)  // the binary file is remembered
        try folder.write("orgs/b.example/new-layoffs.md", "# New\n")
        try folder.write("orgs/a.example/new.md", "# New\n")
        #expect(try kb.status(organizationDomain: "a.example").stale == ["orgs/a.example/new.md"])
        #expect(try kb.status(organizationDomain: "b.example").stale == ["orgs/b.example/new-layoffs.md"])
    }
}
