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

    @Test func integrityCheckNoticesTokensThatDoNotMatchTheText() throws {
        // Guards the test above: a replay of the wrong tokens must be caught.
        let folder = try KBTestFolder()
        let store = try IndexStore.open(path: folder.indexPath)
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
