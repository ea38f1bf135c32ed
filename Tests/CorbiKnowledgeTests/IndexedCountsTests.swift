import Foundation
import Testing

@testable import CorbiKnowledge

/// The counts `/metrics` shows per scope: shared files and each organization's own, as
/// last indexed.
@Suite struct IndexedCountsTests {
    @Test func everyScopeHasItsFilesAndPassages() throws {
        let folder = try KBTestFolder()
        try folder.write("faq.md", "# FAQ\n\nParking is free.\n\n## Hours\n\nWe open at nine.\n")
        try folder.write("prices.md", "# Prices\n\nA check-up costs 40 euros.\n")
        try folder.write("orgs/a.example/notes.md", "# Notes\n\nThe alpha code is ZEBRA42.\n")
        try folder.write("orgs/b.example/one.md", "# One\n\nFirst.\n")
        try folder.write("orgs/b.example/two.md", "# Two\n\nSecond.\n\n## More\n\nThird.\n")
        try folder.write("orgs/b.example/skip.pdf", Data([0x25, 0x50, 0x44, 0x46]))
        let kb = try folder.knowledgeBase()
        let report = try kb.refresh()
        let counts = Dictionary(uniqueKeysWithValues: try kb.indexedCounts().map { ($0.organizationDomain ?? "", $0) })

        #expect(Set(counts.keys) == ["", "a.example", "b.example"])
        #expect(counts[""]?.files == 2 && counts["a.example"]?.files == 1 && counts["b.example"]?.files == 2)
        // Each scope's passages are its own, and together they are every passage indexed.
        #expect(counts[""]!.passages >= 2 && counts["a.example"]!.passages >= 1 && counts["b.example"]!.passages >= 2)
        #expect(counts.values.map(\.passages).reduce(0, +) == report.passages)
        #expect(counts[""]!.passages == report.byScope[.shared]!.passages)
        #expect(counts["b.example"]!.passages == report.byScope[.organization("b.example")]!.passages)
    }
}
