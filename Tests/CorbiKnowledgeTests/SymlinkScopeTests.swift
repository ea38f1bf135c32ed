import Foundation
import GRDB
import Testing
#if canImport(Glibc)
import Glibc
#endif

@testable import CorbiKnowledge

/// Symbolic links never widen who sees a knowledge-base file (issue 17, item 3): a file's
/// scope is decided on its listed path and its real path, and every read checks the file
/// it actually opened.
@Suite struct SymlinkScopeTests {
    static let secretWords = "OKAPI77 layoffs"

    /// A shared file, one private file of A and a secret of B.
    func sample() throws -> KBTestFolder {
        let folder = try KBTestFolder()
        try folder.write("faq.md", "# FAQ\n\nParking is free behind the building.\n")
        try folder.write("orgs/a.example/notes.md", "# Notes\n\nThe alpha discount code is ZEBRA42.\n")
        try folder.write("orgs/b.example/secret.md", "# Secret\n\nThe layoffs plan uses the code word OKAPI77.\n")
        return folder
    }

    func link(_ folder: KBTestFolder, _ path: String, to target: String) throws {
        let url = URL(fileURLWithPath: folder.root).appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
    }

    /// The paths a search for B's secret returns to an organization.
    func secretPaths(_ kb: KnowledgeBase, _ domain: String?) throws -> [String] {
        try kb.search(Self.secretWords, organizationDomain: domain, limit: 50).map(\.path).sorted()
    }

    /// path → scope column of every indexed document.
    func indexedScopes(_ kb: KnowledgeBase) throws -> [String: String] {
        try kb.store.pool.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT path, scope FROM document").map { ($0[0], $0[1]) })
        }
    }

    @Test func aLinkInOneOrganizationsFolderToAnothersFileIsShownToNobody() throws {
        let folder = try sample()
        try link(folder, "orgs/a.example/s.md", to: "../b.example/secret.md")
        let kb = try folder.knowledgeBase()
        let summary = try kb.refresh()
        #expect(try secretPaths(kb, "a.example").isEmpty)
        #expect(try secretPaths(kb, nil).isEmpty)
        #expect(try secretPaths(kb, "b.example") == ["orgs/b.example/secret.md"])
        #expect(try indexedScopes(kb)["orgs/a.example/s.md"] == nil)
        // A is told its link was left out, without a word about where it leads; others are not told.
        let toA = summary.visible(to: "a.example").warnings
        #expect(toA == [IndexWarning(path: "orgs/a.example/s.md", reason: "symbolic link into another organization's folder", scope: .organization("a.example"))])
        #expect(summary.visible(to: "c.example").warnings.isEmpty)
    }

    @Test(arguments: [
        ["s.md": "orgs/b.example/secret.md"],
        // A chain of links, the last one into B's folder.
        ["c1.md": "c2.md", "c2.md": "docs/c3.md", "docs/c3.md": "../orgs/b.example/secret.md"],
        // `..` through another organization's folder.
        ["docs/x.md": "../orgs/a.example/../b.example/secret.md"],
        // A link inside A's folder that leads out of it and back into B's.
        ["orgs/a.example/up.md": "../../orgs/b.example/secret.md"],
    ])
    func aSharedLinkIntoAPrivateFolderIsPrivateToThatOrganization(_ links: [String: String]) throws {
        let folder = try sample()
        for (path, target) in links { try link(folder, path, to: target) }
        let kb = try folder.knowledgeBase()
        try kb.refresh()
        #expect(try secretPaths(kb, "a.example").isEmpty)
        #expect(try secretPaths(kb, "c.example").isEmpty)
        #expect(try secretPaths(kb, nil).isEmpty)
        let scopes = try indexedScopes(kb)
        for path in links.keys where scopes[path] != nil {
            #expect(scopes[path] == "b.example", "\(path)")
        }
        #expect(try secretPaths(kb, "b.example").contains("orgs/b.example/secret.md"))
    }

    @Test func anAbsoluteLinkIntoAPrivateFolderIsPrivateToo() throws {
        let folder = try sample()
        try link(folder, "abs.md", to: folder.root + "/orgs/b.example/secret.md")
        let kb = try folder.knowledgeBase()
        try kb.refresh()
        #expect(try secretPaths(kb, "a.example").isEmpty)
        #expect(try secretPaths(kb, "b.example") == ["abs.md", "orgs/b.example/secret.md"])
    }

    @Test func linksToNothingAndLoopsAreSkippedWithTheirReason() throws {
        let folder = try sample()
        try link(folder, "orgs/a.example/loop1.md", to: "loop2.md")
        try link(folder, "orgs/a.example/loop2.md", to: "loop1.md")
        try link(folder, "orgs/a.example/gone.md", to: "../b.example/deleted.md")
        try link(folder, "orgs/a.example/passwd.md", to: "/etc/passwd")
        let kb = try folder.knowledgeBase()
        let warnings = try kb.refresh().visible(to: "a.example").warnings
        #expect(warnings.map(\.description) == [
            "skipped orgs/a.example/gone.md: symbolic link to nothing (a missing file or a loop)",
            "skipped orgs/a.example/loop1.md: symbolic link to nothing (a missing file or a loop)",
            "skipped orgs/a.example/loop2.md: symbolic link to nothing (a missing file or a loop)",
            "skipped orgs/a.example/passwd.md: symbolic link leading outside the knowledge base",
        ])
        #expect(try kb.search("root", organizationDomain: "a.example").isEmpty)
    }

    @Test func linkedFoldersKeepTheScopeOfWhereTheyReallyAre() throws {
        let folder = try sample()
        try folder.write("orgs/b.example/.drafts/plan.md", "# Plan\n\nDraft: OKAPI77 layoffs in spring.\n")
        try link(folder, "bdocs", to: "orgs/b.example")
        try link(folder, "orgs/a.example/bdocs", to: "../b.example")
        try link(folder, "orgs/a.example/deep/er/b", to: "../../../b.example")
        // A folder the walk never reaches by its own name (hidden), linked from the root.
        try link(folder, "drafts", to: "orgs/b.example/.drafts")
        let kb = try folder.knowledgeBase()
        let summary = try kb.refresh()
        #expect(try secretPaths(kb, "a.example").isEmpty)
        #expect(try secretPaths(kb, nil).isEmpty)
        // B keeps its own file under its own path whatever order the walk meets the links in,
        // and the hidden folder's file is B's alone under the link's name.
        #expect(try secretPaths(kb, "b.example") == ["drafts/plan.md", "orgs/b.example/secret.md"])
        let scopes = try indexedScopes(kb)
        #expect(scopes["drafts/plan.md"] == "b.example")
        #expect(!scopes.keys.contains { $0.hasPrefix("bdocs/") || $0.hasPrefix("orgs/a.example/") && $0 != "orgs/a.example/notes.md" })
        let toA = summary.visible(to: "a.example").warnings.map(\.path)
        #expect(toA.contains("orgs/a.example/bdocs") && toA.contains("orgs/a.example/deep/er/b"))
        #expect(!summary.visible(to: "a.example").warnings.contains { $0.path.contains("b.example") })
    }

    @Test func aRetargetedLinkIsIndexedAgainUnderItsNewScope() throws {
        let folder = try sample()
        // Same size and same mtime: only the link's target, and so the scope, changes.
        let x = "# X\n\nThe alpha shelf holds KIWI11 forms.\n", y = "# Y\n\nThe beta shelf holds QUOKKA5 forms.\n"
        #expect(x.utf8.count == y.utf8.count)
        try folder.write("orgs/a.example/x.md", x)
        try folder.write("orgs/b.example/y.md", y)
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        for path in ["orgs/a.example/x.md", "orgs/b.example/y.md"] {
            try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: folder.root + "/" + path)
        }
        try link(folder, "s.md", to: "orgs/a.example/x.md")
        let kb = try folder.knowledgeBase()
        try kb.refresh()
        #expect(try kb.search("KIWI11", organizationDomain: "a.example").map(\.path).sorted() == ["orgs/a.example/x.md", "s.md"])
        #expect(try kb.search("KIWI11", organizationDomain: "c.example").isEmpty)

        try link(folder, "s.md", to: "orgs/b.example/y.md")
        try kb.refresh()
        #expect(try kb.search("KIWI11", organizationDomain: "a.example").map(\.path) == ["orgs/a.example/x.md"])
        #expect(try kb.search("QUOKKA5", organizationDomain: "a.example").isEmpty)
        #expect(try kb.search("QUOKKA5", organizationDomain: "b.example").map(\.path).sorted() == ["orgs/b.example/y.md", "s.md"])
        #expect(try kb.status(organizationDomain: "a.example").stale.isEmpty)
    }

    @Test func aFileReplacedByALinkAfterTheScanIsRefusedWhenRead() throws {
        let folder = try sample()
        try folder.write("orgs/a.example/s.md", "# S\n\nHarmless.\n")
        let scan = try FileScanner(root: folder.root).scan()
        let entry = try #require(scan.files.first { $0.path == "orgs/a.example/s.md" })
        #expect(entry.scope == "a.example")
        let outside = folder.url.appendingPathComponent("outside.md").path
        try "# Outside\n\nNot part of the knowledge base.\n".write(toFile: outside, atomically: true, encoding: .utf8)
        let kb = try folder.knowledgeBase()
        let tokenizer = try kb.store.pool.read { try PassageTokenizer($0) }
        func read() -> FileWork {
            IndexWriter.read(entry, root: folder.root, realRoot: scan.realRoot, indexed: nil, maxFileSize: 1_000_000, tokenizer: tokenizer)
        }
        guard case .index = read() else {
            Issue.record("the file as scanned should be indexed")
            return
        }
        for target in ["../b.example/secret.md", outside, "../../orgs/b.example/secret.md"] {
            try link(folder, "orgs/a.example/s.md", to: target)
            guard case .skip(_, let reason) = read() else {
                Issue.record("\(target) was read as A's file")
                continue
            }
            #expect(!reason.isEmpty)
        }
        // A FIFO swapped in is refused, not waited on.
        try FileManager.default.removeItem(atPath: folder.root + "/orgs/a.example/s.md")
        #expect(mkfifo(folder.root + "/orgs/a.example/s.md", 0o644) == 0)
        guard case .skip(_, let reason) = read() else {
            Issue.record("a FIFO was not refused")
            return
        }
        #expect(reason == "not a regular file")
    }

    @Test func everyReadOfACitedFileChecksWhereItReallyIs() throws {
        let folder = try sample()
        func read(_ path: String, _ domain: String?) -> Result<String, KnowledgeFileRefusal> {
            KnowledgeFiles.read(path, root: folder.root, organizationDomain: domain, maxBytes: 1_000_000)
                .map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(try read("orgs/a.example/notes.md", "a.example").get().contains("ZEBRA42"))
        #expect(try read("faq.md", nil).get().contains("Parking"))
        #expect(read("orgs/b.example/secret.md", "a.example") == .failure(.outOfScope))
        #expect(read("orgs/a.example/../b.example/secret.md", "a.example") == .failure(.outOfScope))
        #expect(read("./orgs/b.example/secret.md", "a.example") == .failure(.outOfScope))
        #expect(read("../kb/orgs/b.example/secret.md", "a.example") == .failure(.outOfScope))
        #expect(read("/etc/passwd", "a.example") == .failure(.outOfScope))
        #expect(read("orgs/a.example/gone.md", "a.example") == .failure(.missing))

        // The cited name swapped for a link after the answer: outside the root, or into B.
        try link(folder, "orgs/a.example/notes.md", to: "/etc/passwd")
        #expect(read("orgs/a.example/notes.md", "a.example") == .failure(.outsideRoot))
        try link(folder, "orgs/a.example/notes.md", to: "../b.example/secret.md")
        #expect(read("orgs/a.example/notes.md", "a.example") == .failure(.outOfScope))
        try link(folder, "orgs/a.example/sub", to: "../b.example")
        #expect(read("orgs/a.example/sub/secret.md", "a.example") == .failure(.outOfScope))
        try link(folder, "faq.md", to: "orgs/b.example/secret.md")
        #expect(read("faq.md", "a.example") == .failure(.outOfScope))
        #expect(try read("faq.md", "b.example").get().contains("OKAPI77"))
        // A FIFO or a folder is refused at once.
        #expect(mkfifo(folder.root + "/orgs/a.example/pipe.md", 0o644) == 0)
        #expect(read("orgs/a.example/pipe.md", "a.example") == .failure(.notRegularFile))
        #expect(read("orgs/a.example", "a.example") == .failure(.outOfScope))
        try FileManager.default.createDirectory(atPath: folder.root + "/orgs/a.example/dir.md", withIntermediateDirectories: true)
        #expect(read("orgs/a.example/dir.md", "a.example") == .failure(.notRegularFile))
        #expect(KnowledgeFiles.read("orgs/b.example/secret.md", root: folder.root, organizationDomain: "b.example", maxBytes: 10) == .failure(.tooLarge(10)))

        // A knowledge base whose root is itself a link reads as usual.
        let alias = folder.url.appendingPathComponent("kb-alias").path
        try FileManager.default.createSymbolicLink(atPath: alias, withDestinationPath: folder.root)
        let viaAlias = KnowledgeFiles.read("orgs/b.example/secret.md", root: alias + "/", organizationDomain: "b.example", maxBytes: 1_000)
        #expect((try? viaAlias.get())?.isEmpty == false)
    }

    @Test(arguments: [
        ("orgs/a.example/../b.example/x.md", KnowledgeScope.nobody),
        ("./orgs/b.example/x.md", .organization("b.example")),
        ("orgs/./b.example/x.md", .organization("b.example")),
        ("docs/../orgs/b.example/x.md", .nobody),
        ("..", .nobody),
    ])
    func dotComponentsDoNotHideTheScope(_ path: String, _ expected: KnowledgeScope) {
        #expect(KnowledgeScope(path: path) == expected)
    }

    @Test func aLinkNarrowsAndNeverWidens() {
        let a = KnowledgeScope.organization("a.example"), b = KnowledgeScope.organization("b.example")
        #expect(KnowledgeScope.shared.intersection(.shared) == .shared)
        #expect(KnowledgeScope.shared.intersection(b) == b)
        #expect(a.intersection(.shared) == a)
        #expect(a.intersection(b) == .nobody)
        #expect(a.intersection(a) == a)
        #expect(KnowledgeScope.nobody.intersection(.shared) == .nobody)
        #expect(KnowledgeScope.shared.intersection(.nobody) == .nobody)
        #expect(KnowledgeScope(path: "s.md", realPath: "orgs/b.example/secret.md") == b)
        #expect(KnowledgeScope(path: "orgs/a.example/s.md", realPath: "orgs/b.example/secret.md") == .nobody)
        #expect(KnowledgeScope(path: "orgs/a.example/s.md", realPath: "faq.md") == a)
        #expect(KnowledgeScope(path: "faq.md", realPath: "orgs/x.md") == .nobody)
    }
}
