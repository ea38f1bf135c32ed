import Foundation
import GRDB
import Testing
@testable import CorbiKnowledge

@Suite struct KnowledgeBaseTests {
    /// A small KB: shared files, one private file per organization.
    func sample() throws -> KBTestFolder {
        let folder = try KBTestFolder()
        try folder.write("policies.md", """
            # Policies

            ## Cancellation

            Appointments can be cancelled free of charge up to 24 hours before.

            ## Opening hours

            We open at nine on weekdays and at ten on Saturdays.
            """)
        try folder.write("faq.txt", "Parking is free behind the building.\n\nBikes go in the yard.\n")
        try folder.write("orgs/a.example/prices.md", "# Prices\n\nThe VIP massage costs 200 euros at A.\n")
        try folder.write("orgs/b.example/prices.md", "# Prices\n\nThe VIP massage costs 300 euros at B.\n")
        return folder
    }

    @Test func findsPassagesWithExactLines() throws {
        let folder = try sample()
        let kb = try folder.knowledgeBase()
        let summary = try kb.refresh()
        #expect(summary.indexed == 4)
        let hits = try kb.search("how late can I cancel an appointment?", organizationDomain: "a.example")
        let first = try #require(hits.first)
        #expect(first.path == "policies.md")
        #expect(first.heading == "Policies › Cancellation")
        #expect(first.text == (try folder.lines("policies.md", first.lineStart, first.lineEnd)))
        #expect(first.text.contains("24 hours"))
        #expect(first.snippet.contains("cancelled"))
        #expect(hits.map(\.score) == hits.map(\.score).sorted(by: >))
    }

    @Test func organizationsSeeSharedFilesAndTheirOwnOnly() throws {
        let folder = try sample()
        let kb = try folder.knowledgeBase()
        try kb.refresh()
        let a = try kb.search("VIP massage price", organizationDomain: "a.example")
        #expect(a.map(\.path) == ["orgs/a.example/prices.md"])
        let b = try kb.search("VIP massage price", organizationDomain: "B.example")
        #expect(b.map(\.path) == ["orgs/b.example/prices.md"])
        #expect(try kb.search("VIP massage", organizationDomain: nil).isEmpty)
        #expect(try kb.search("VIP massage", organizationDomain: "c.example").isEmpty)
        #expect(try kb.search("parking", organizationDomain: "c.example").map(\.path) == ["faq.txt"])
        #expect(try kb.fingerprint(organizationDomain: "a.example") != kb.fingerprint(organizationDomain: "b.example"))
        #expect(try kb.status(organizationDomain: "a.example").files == 3)
    }

    @Test func refreshPicksUpEditsAdditionsAndRemovals() throws {
        let folder = try sample()
        let kb = try folder.knowledgeBase()
        try kb.refresh()
        let before = try kb.fingerprint(organizationDomain: nil)
        let again = try kb.refresh()
        #expect(again.indexed == 0 && again.unchanged == 4)

        try folder.write("faq.txt", "Parking is now paid: two euros an hour.\n")
        try folder.write("new.md", "# Wifi\n\nThe wifi password is on the counter.\n")
        try folder.remove("policies.md")
        #expect(try kb.status(organizationDomain: nil).stale == ["faq.txt", "new.md", "policies.md"])
        let summary = try kb.refresh()
        #expect(summary.indexed == 2 && summary.removed == 1 && summary.unchanged == 2)
        #expect(try kb.search("parking", organizationDomain: nil).first?.text.contains("two euros") == true)
        #expect(try kb.search("wifi password", organizationDomain: nil).first?.path == "new.md")
        #expect(try kb.search("cancel appointment", organizationDomain: nil).isEmpty)
        #expect(try kb.fingerprint(organizationDomain: nil) != before)

        // Same bytes with a new mtime: confirmed unchanged by SHA-256, nothing rewritten.
        let path = folder.root + "/new.md"
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: path)
        let touched = try kb.refresh()
        #expect(touched.indexed == 0 && touched.unchanged == 4)
        #expect(try kb.status(organizationDomain: nil).stale.isEmpty)
    }

    @Test func searchRefreshesByItself() throws {
        let folder = try sample()
        let kb = try folder.knowledgeBase()
        #expect(try kb.search("parking", organizationDomain: nil).first?.path == "faq.txt")
        // A second value on the same index has not refreshed: its search does.
        try folder.write("late.md", "# Late arrivals\n\nArrive late and the session is shortened.\n")
        let other = try folder.knowledgeBase()
        #expect(try other.search("late arrivals", organizationDomain: nil).first?.path == "late.md")
    }

    @Test func oddFilesAreSkippedWithAWarning() throws {
        let folder = try sample()
        try folder.write("blob.txt", Data([0x62, 0x00, 0x01, 0x02]))
        try folder.write("latin1.md", Data([0x63, 0x61, 0x66, 0xE9, 0x0A]))
        try folder.write(".secret.md", "# Hidden\n\nnot indexed\n")
        try folder.write("big.txt", String(repeating: "big file words\n", count: 100))
        try folder.write("image.png", Data([0x89, 0x50]))
        try FileManager.default.createSymbolicLink(atPath: folder.root + "/outside", withDestinationPath: "/etc")
        try FileManager.default.createSymbolicLink(atPath: folder.root + "/loop", withDestinationPath: folder.root)
        try FileManager.default.createSymbolicLink(atPath: folder.root + "/alias.txt", withDestinationPath: folder.root + "/faq.txt")
        let kb = try folder.knowledgeBase(maxFileSize: 1_000)
        let summary = try kb.refresh()
        #expect(summary.indexed == 5)  // the four sample files and alias.txt
        #expect(summary.skipped == 6)
        #expect(summary.warnings.count == 6)
        for name in ["blob.txt", "latin1.md", ".secret.md", "big.txt", "image.png", "outside"] {
            #expect(summary.warnings.contains { $0.description.hasPrefix("skipped \(name):") })
        }
        #expect(try kb.search("hidden", organizationDomain: nil).isEmpty)
        #expect(try kb.search("big file words", organizationDomain: nil).isEmpty)
        // Skipped files are remembered: not read again, still reported.
        let again = try kb.refresh()
        #expect(again.indexed == 0 && again.skipped == 6)
        #expect(try kb.status(organizationDomain: nil).skipped == 3)
    }

    @Test func hostileQueriesNeverFail() throws {
        let folder = try sample()
        let kb = try folder.knowledgeBase()
        try kb.refresh()
        let queries = [
            "", "   ", "\"", "\"\"\"", "*", "-", "-parking", ":", "a:b", "NEAR(", "NEAR(parking bikes, 2)", "AND", "OR NOT",
            "parking AND", "(parking", "parking)", "^parking", "{heading}: parking", "park*", "😀 parking 🚲", "'; DROP TABLE chunk; --",
            String(repeating: "parking yard ", count: 1_700), "\u{0}", "é", "the of and",
        ]
        for q in queries {
            _ = try kb.search(q, organizationDomain: "a.example", limit: 5)
        }
        #expect(try kb.search("😀 parking 🚲", organizationDomain: nil).first?.path == "faq.txt")
        #expect(try kb.search("NEAR(parking", organizationDomain: nil).first?.path == "faq.txt")
        #expect(try kb.search("the of and", organizationDomain: nil).isEmpty)
    }

    @Test func pruningGivesTheSameTopRowsAsScoringEveryMatch() throws {
        let folder = try KBTestFolder()
        // Many passages sharing common words, a few with a rare one.
        for i in 0..<120 {
            let rare = i % 17 == 0 ? " zebra" : ""
            try folder.write("doc\(i).txt", "The common shared words appear here in file \(i) shared common\(rare).\n\nMore common text \(i % 5).\n")
        }
        let kb = try folder.knowledgeBase()
        try kb.refresh()
        let searcher = try Searcher()
        searcher.parameters.feedbackTerms = 0
        let exhaustive = try Searcher()
        exhaustive.parameters.feedbackTerms = 0
        exhaustive.parameters.exhaustive = true
        for query in ["zebra common shared", "common words zebra zebra", "shared text"] {
            let fast = try kb.store.pool.read { try searcher.search($0, query: query, scope: "", limit: 10) }
            let slow = try kb.store.pool.read { try exhaustive.search($0, query: query, scope: "", limit: 10) }
            #expect(fast.map(\.score) == slow.map(\.score))
            #expect(fast.count == 10)
        }
    }

    @Test func feedbackOnlyReordersPassagesThatHoldAQueryWord() throws {
        let folder = try sample()
        try folder.write("more.md", "# Cancellation fees\n\nLate cancellation of an appointment costs half the fee.\n")
        let kb = try folder.knowledgeBase()
        try kb.refresh()
        let plain = try Searcher()
        let feedback = try Searcher()
        feedback.parameters.feedbackTerms = 10
        feedback.parameters.feedbackWeight = 0.5
        let query = "cancel appointment"
        let a = try kb.store.pool.read { try plain.search($0, query: query, scope: "a.example", limit: 10) }
        let b = try kb.store.pool.read { try feedback.search($0, query: query, scope: "a.example", limit: 10) }
        #expect(!a.isEmpty)
        #expect(Set(a.map(\.path)) == Set(b.map(\.path)))
        #expect(b.map(\.score) == b.map(\.score).sorted(by: >))
    }

    @Test func twoIndexersAtOnceNeitherCorruptNorDuplicate() throws {
        let folder = try KBTestFolder()
        for i in 0..<200 { try folder.write("d/\(i).md", "# Doc \(i)\n\nText number \(i) about topic \(i % 7).\n") }
        let path = folder.indexPath, root = folder.root
        let group = DispatchGroup()
        let failures = LockedCounter()
        for _ in 0..<2 {
            group.enter()
            Thread {
                do { try KnowledgeBase(root: root, indexPath: path).refresh() } catch {
                    failures.increment()
                    Issue.record("an indexer failed: \(error)")
                }
                group.leave()
            }.start()
        }
        group.wait()
        #expect(failures.value == 0)
        let kb = try folder.knowledgeBase()
        let status = try kb.status(organizationDomain: nil)
        #expect(status.files == 200 && status.passages == 200)
        let ftsRows = try kb.store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM chunkFTS WHERE chunkFTS MATCH 'text'") }
        #expect(ftsRows == 200)
        try kb.store.pool.write { db in
            try db.execute(sql: "INSERT INTO chunkFTS(chunkFTS, rank) VALUES('integrity-check', 1)")
        }
    }

    @Test func rebuildStartsOver() throws {
        let folder = try sample()
        let kb = try folder.knowledgeBase()
        try kb.refresh()
        let summary = try kb.rebuild()
        #expect(summary.indexed == 4 && summary.unchanged == 0)
        #expect(try kb.status(organizationDomain: "a.example").passages == 4)
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
