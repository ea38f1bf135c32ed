import Foundation
import GRDB
import Testing
@testable import CorbiKnowledge

/// The indexing pass: tokens worked out off the writing thread, the in-memory record of
/// indexed files, and large folders.
@Suite struct IndexingTests {
    @Test func passagesTokenizedAheadIndexExactlyAsFTS5Would() throws {
        let folder = try KBTestFolder()
        try folder.write("menu.md", """
            # Café crème

            Naïve brûlée, RUNNING runners ran: 東京 🍰 2024-01-05 O'Brien's e-mail x\u{301}y.

            ## Ünïcödé headings

            Straße, ﬁnancial, œuvre; ½ price.
            """)
        try folder.write("page.html", "<h1>Hôtel</h1><p>Réservations &amp; annulations</p>")
        let kb = try folder.knowledgeBase()
        #expect(try kb.refresh().indexed == 2)
        // 'integrity-check' with rank 1 tokenizes the content table again with FTS5's own
        // tokenizer and compares with the index.
        try kb.store.pool.write { db in try db.execute(sql: "INSERT INTO chunkFTS(chunkFTS, rank) VALUES('integrity-check', 1)") }
        #expect(try kb.search("cafe creme", organizationDomain: nil).first?.path == "menu.md")
        #expect(try kb.search("run", organizationDomain: nil).first?.path == "menu.md")
        #expect(try kb.search("hotel reservation", organizationDomain: nil).first?.path == "page.html")
    }

    /// A manual page's option never names its command; its `NAME` line is searched with
    /// each passage's heading (not shown), and the index still matches its content table
    /// after the page is changed and indexed again.
    @Test func aManualPageOptionIsFoundByItsCommandsName() throws {
        let folder = try KBTestFolder()
        let page = { (option: String) in
            """
            NAME
                   chage - change user password expiry information

            OPTIONS

                   \(option)
                       Show account aging information.

                   -m, --mindays MIN_DAYS
                       Set the minimum number of days between password changes.
            """
        }
        try folder.write("chage.1.txt", page("-l, --list"))
        try folder.write("other.1.txt", """
            NAME
                   other - list things

            OPTIONS
                   -l, --list
                       Show account aging information and more about other things.
            """)
        let kb = try folder.knowledgeBase()
        #expect(try kb.refresh().indexed == 2)
        let hit = try kb.search("password expiry aging information", organizationDomain: nil).first
        #expect(hit?.path == "chage.1.txt")
        #expect(hit?.heading == "OPTIONS › -l, --list")
        try folder.write("chage.1.txt", page("-l, --list-all"))
        #expect(try kb.refresh().indexed == 1)
        try kb.store.pool.write { db in try db.execute(sql: "INSERT INTO chunkFTS(chunkFTS, rank) VALUES('integrity-check', 1)") }
        #expect(try kb.search("password expiry aging information", organizationDomain: nil).first?.heading == "OPTIONS › -l, --list-all")
    }

    @Test func integrityCheckNoticesTokensThatDoNotMatchTheText() throws {
        // Guards the test above: a replay of the wrong tokens must be caught.
        let folder = try KBTestFolder()
        let store = try IndexStore.open(path: folder.indexPath, options: KnowledgeBaseOptions())
        let wrong = try store.pool.read { db in try PassageTokenizer(db).tokens(of: "gamma delta") }
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in
                try db.execute(sql: """
                    INSERT INTO document(id, path, scope, kind, size, mtime, sha256, indexedAt) VALUES (1, 'a.md', '', 'markdown', 1, 1, '', 0);
                    INSERT INTO chunk(id, documentId, ordinal, scope, heading, body, lineStart, lineEnd) VALUES (1, 1, 0, '', '', 'alpha beta', 1, 1);
                    """)
                try TokenStash.shared.with([("alpha beta", wrong)]) {
                    try db.execute(sql: "INSERT INTO chunkFTS(rowid, heading, body) VALUES (1, '', 'alpha beta')")
                }
                try db.execute(sql: "INSERT INTO chunkFTS(chunkFTS, rank) VALUES('integrity-check', 1)")
            }
        }
    }

    @Test func anotherWriterMakesTheRememberedFilesStale() throws {
        let folder = try KBTestFolder()
        try folder.write("policies.md", "# Policies\n\nRefunds take five working days.\n")
        try folder.write("faq.txt", "Parking is free.\n")
        let first = try folder.knowledgeBase()
        let second = try folder.knowledgeBase()
        try first.refresh()
        // The file leaves and comes back with the same size and mtime (a move keeps them)
        // while the other process indexes: the first must not trust what it remembers.
        let aside = folder.url.appendingPathComponent("aside.md").path
        try FileManager.default.moveItem(atPath: folder.root + "/policies.md", toPath: aside)
        #expect(try second.refresh().removed == 1)
        try FileManager.default.moveItem(atPath: aside, toPath: folder.root + "/policies.md")
        let summary = try first.refresh()
        #expect(summary.indexed == 1 && summary.unchanged == 1)
        #expect(try first.search("refunds", organizationDomain: nil).map(\.path) == ["policies.md"])
        // Nothing changed since: the next pass reads nothing.
        #expect(try first.refresh().indexed == 0)
    }

    @Test func largeFoldersAreScannedWhole() throws {
        let folder = try KBTestFolder()
        let count = FileScanner.parallelThreshold + 101
        for i in (0..<count).reversed() {
            try folder.write(String(format: "notes/n%04d.txt", i), "Note number \(i) mentions word\(i).\n")
        }
        let kb = try folder.knowledgeBase()
        #expect(try kb.refresh().indexed == count)
        // Indexed in path order whatever order the folder lists them in.
        let paths = try kb.store.pool.read { try String.fetchAll($0, sql: "SELECT path FROM document ORDER BY id") }
        #expect(paths == paths.sorted())
        try folder.write("notes/n0042.txt", "Note number 42 now mentions kiwis.\n")
        let summary = try kb.refresh()
        #expect(summary.indexed == 1 && summary.unchanged == count - 1)
        #expect(try kb.search("kiwis", organizationDomain: nil).map(\.path) == ["notes/n0042.txt"])
        #expect(try kb.search("word42", organizationDomain: nil).isEmpty)
    }
}

/// Ranking statistics per organization: another organization's private files change
/// neither the scores nor the order of what an organization sees.
@Suite struct ScopedStatisticsTests {
    func shared(_ folder: KBTestFolder) throws {
        try folder.write("whitening.md", "# Whitening\n\nTeeth whitening takes one hour and costs 300 euros.\n")
        try folder.write("hygiene.md", "# Hygiene\n\nA hygiene visit cleans the teeth; whitening is extra.\n")
        try folder.write("hours.txt", "We open at nine. Parking is free.\n")
        try folder.write("orgs/a.example/notes.md", "# Notes\n\nOur whitening gel is mild on sensitive teeth.\n")
    }

    func results(_ kb: KnowledgeBase, _ query: String, _ domain: String?) throws -> [String] {
        try kb.search(query, organizationDomain: domain, limit: 20).map { "\($0.path):\($0.lineStart) \($0.score)" }
    }

    @Test func otherOrganizationsFilesDoNotMoveScores() throws {
        let alone = try KBTestFolder()
        try shared(alone)
        let crowded = try KBTestFolder()
        try shared(crowded)
        for i in 0..<30 {
            try crowded.write("orgs/b.example/teeth\(i).md", "# Teeth \(i)\n\nTeeth teeth whitening parking number \(i).\n\nMore about teeth.\n")
        }
        let a = try alone.knowledgeBase(), b = try crowded.knowledgeBase()
        try a.refresh()
        try b.refresh()
        for (query, domain) in [("teeth whitening", "a.example"), ("free parking", "a.example"), ("whitening cost", nil as String?)] {
            let expected = try results(a, query, domain)
            #expect(!expected.isEmpty)
            #expect(try results(b, query, domain) == expected, "\(query)")
        }
        // B itself sees its own files, ranked with its own statistics.
        #expect(try b.search("teeth", organizationDomain: "b.example", limit: 50).contains { $0.path.hasPrefix("orgs/b.example/") })

        // The counts follow edits and removals.
        for i in 0..<30 where i % 2 == 0 { try crowded.remove("orgs/b.example/teeth\(i).md") }
        try crowded.write("orgs/b.example/teeth1.md", "# Teeth\n\nNothing about parking here.\n")
        try b.refresh()
        #expect(try results(b, "teeth whitening", "a.example") == results(a, "teeth whitening", "a.example"))
        let afterEdits = try counts(b)
        try b.rebuild()
        #expect(try counts(b) == afterEdits)
        for i in 0..<30 { try? crowded.remove("orgs/b.example/teeth\(i).md") }
        try b.refresh()
        #expect(try counts(b).isEmpty)
        #expect(try results(b, "free parking", "a.example") == results(a, "free parking", "a.example"))
    }

    /// The non-zero per-scope counts, as rows of text.
    func counts(_ kb: KnowledgeBase) throws -> [String] {
        try kb.store.pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT scope || ' ' || term || ' ' || passages FROM scopeTerm WHERE passages <> 0 AND scope <> 'a.example'
                UNION ALL
                SELECT scope || ' ' || passages || ' ' || headingTokens || ' ' || bodyTokens FROM scopeSize
                WHERE passages <> 0 AND scope <> 'a.example'
                ORDER BY 1
                """)
        }
    }
}
