import Testing
@testable import CorbiKnowledge

@Suite struct ChunkerTests {
    func lineCount(_ c: Chunk) -> Int { c.text.split(separator: "\n", omittingEmptySubsequences: false).count }

    @Test func markdownSectionsKeepHeadingPathsAndLines() {
        let text = """
            # Policies

            Intro.

            ## Cancellation
            ### Notice period

            Cancel 24 hours before.

            ```
            # not a heading
            ```

            ## Hours
            Open at nine.
            """
        let chunks = Chunker.chunks(of: text, kind: .markdown)
        #expect(chunks.map(\.heading) == ["Policies", "Policies › Cancellation › Notice period", "Policies › Hours"])
        #expect(chunks.map(\.lineStart) == [1, 5, 14])
        #expect(chunks.map(\.lineEnd) == [3, 12, 15])
        #expect(chunks[1].text.contains("# not a heading"))
        for c in chunks { #expect(lineCount(c) == c.lineEnd - c.lineStart + 1) }
    }

    @Test func setextHeadingsAreHeadings() {
        let chunks = Chunker.chunks(of: "Title\n=====\n\nBody text.\n", kind: .markdown)
        #expect(chunks.count == 1)
        #expect(chunks[0].heading == "Title")
        #expect(chunks[0].lineStart == 1 && chunks[0].lineEnd == 4)
    }

    @Test func longSectionsSplitAtParagraphs() {
        let paragraph = String(repeating: "word ", count: 100)  // 500 characters
        let text = "# Long\n\n" + Array(repeating: paragraph, count: 8).joined(separator: "\n\n")
        let chunks = Chunker.chunks(of: text, kind: .markdown)
        #expect(chunks.count > 2)
        for c in chunks {
            #expect(c.text.utf8.count <= Chunker.maxCharacters)
            #expect(c.heading == "Long")
            #expect(lineCount(c) == c.lineEnd - c.lineStart + 1)
        }
        // Passages follow each other without losing a paragraph.
        #expect(chunks.first?.lineStart == 1)
        #expect(chunks.last?.lineEnd == 17)
    }

    @Test func textFilesSplitByParagraphsWithoutHeading() {
        let text = "First paragraph.\nStill first.\n\n\nSecond.\r\n"
        let chunks = Chunker.chunks(of: text, kind: .text)
        #expect(chunks.count == 1)
        #expect(chunks[0].heading == "")
        #expect(chunks[0].lineStart == 1 && chunks[0].lineEnd == 5)
        #expect(!chunks[0].text.contains("\r"))
    }

    @Test func htmlLosesTagsButKeepsLinesAndHeadings() {
        let html = """
            <html><head><style>
            h1 { color: red }
            </style><script>var a = "<h1>x</h1>";</script></head>
            <body>
            <h1>Parking &amp; access</h1>
            <p>Free parking
            behind the <b>building</b>.</p>
            <h2>Bus</h2>
            <p>Line&nbsp;12</p>
            </body></html>
            """
        let chunks = Chunker.chunks(of: html, kind: .html)
        #expect(chunks.map(\.heading) == ["Parking & access", "Parking & access › Bus"])
        #expect(chunks[0].lineStart == 5 && chunks[0].lineEnd == 7)
        #expect(chunks[0].text.contains("behind the building."))
        #expect(!chunks[0].text.contains("<"))
        #expect(chunks[1].text.contains("Line 12"))
        #expect(!chunks.contains { $0.text.contains("color") || $0.text.contains("var a") })
        for c in chunks { #expect(lineCount(c) == c.lineEnd - c.lineStart + 1) }
    }
}

/// Plain text has no markup: its titles come from its layout.
@Suite struct TextLayoutChunkingTests {
    @Test func faqEntriesWithIndentedAnswersArePassagesOfTheirOwn() {
        let text = """
            Chapter\u{00A0}7.\u{00A0}Basics

            7.1.\u{00A0}What is a Debian package?

                Packages generally contain all of the files necessary to
                implement a set of related commands or features.

            7.2. What is the format of a Debian binary package? It is a
            long question that wraps?

                A Debian "package", or a Debian archive file, contains the
                executable files.
            """
        let chunks = Chunker.chunks(of: text, kind: .text, joiningShort: false)
        #expect(chunks.map(\.heading) == [
            "Chapter 7. Basics › 7.1. What is a Debian package?",
            "Chapter 7. Basics › 7.2. What is the format of a Debian binary package? It is a long question that wraps?",
        ])
        #expect(chunks.map(\.lineStart) == [1, 8])
        #expect(chunks.map(\.lineEnd) == [6, 12])
    }

    @Test func manualPageOptionsAreDefinitionPassages() {
        let text = """
            NAME
                   useradd - create a new user

            OPTIONS
                   The options which apply to the useradd command are:

                   -b, --base-dir BASE_DIR
                       The default base directory for the system.

                   -m, --create-home
                       Create the user's home directory if it does not exist.

                       The files of the skeleton directory are copied.
            """
        let chunks = Chunker.chunks(of: text, kind: .text, joiningShort: false)
        #expect(chunks.map(\.heading) == ["NAME", "OPTIONS", "OPTIONS › -b, --base-dir BASE_DIR", "OPTIONS › -m, --create-home"])
        #expect(chunks.last?.lineStart == 10 && chunks.last?.lineEnd == 13)
        // Every passage is searched with what the page is about; none shows it.
        #expect(chunks.allSatisfy { $0.context == "useradd - create a new user" })
        #expect(Chunker.chunks(of: "Plain text.\n\nNo name section here.\n", kind: .text).allSatisfy { $0.context.isEmpty })
    }

    /// A one-line option takes in the options after it while it is short; a longer one and
    /// the next section stay apart.
    @Test func shortTextSectionsJoinTheirNeighbours() {
        let long = String(repeating: "The default base directory is used for every new account. ", count: 4)
        let text = """
            OPTIONS

                   -T, --print-type
                       print file system type

                   -t, --type=TYPE
                       limit listing to file systems of type TYPE

                   -x, --exclude-type=TYPE
                       \(long)

                   -v
                       (ignored)

            SEE ALSO
                   du(1)
            """
        let apart = Chunker.chunks(of: text, kind: .text, joiningShort: false)
        // "OPTIONS" has no text of its own: its line opens the first option's passage.
        #expect(apart.map(\.lineStart) == [1, 6, 9, 12, 15])
        let chunks = Chunker.chunks(of: text, kind: .text)
        // -T (about 40 bytes) takes in -t, still short, then -x; -x was long enough to end it.
        #expect(chunks.map(\.lineStart) == [1, 12, 15])
        #expect(chunks.map(\.lineEnd) == [10, 13, 16])
        #expect(chunks.map(\.heading) == ["OPTIONS › -T, --print-type", "OPTIONS › -v", "SEE ALSO"])
        #expect(chunks[0].text.contains("--exclude-type") && chunks[0].text.hasPrefix("OPTIONS\n\n       -T, --print-type"))
    }

    @Test func underlinedTitlesAndTermsNest() {
        let text = """
            9. The operating system
            ***********************

            9.2.2. UID and GID classes
            --------------------------

            The UID and GID numbers are divided into classes as follows:

            0-99:
               Globally allocated by the Debian project.

            1000-59999:
               Dynamically allocated user accounts.
            """
        let chunks = Chunker.chunks(of: text, kind: .text, joiningShort: false)
        #expect(chunks.map(\.heading) == [
            "9. The operating system › 9.2.2. UID and GID classes",
            "9. The operating system › 9.2.2. UID and GID classes › 0-99:",
            "9. The operating system › 9.2.2. UID and GID classes › 1000-59999:",
        ])
        #expect(chunks.map(\.lineStart) == [1, 9, 12])
    }

    @Test func aLineBrokenInsideAWordIsNoTitle() {
        let text = """
            TIME FIELDS
                   @ seconds since Jan. 1, 1970, 00:00 GMT, with frac\u{2010}
                          tional part.
            """
        let chunks = Chunker.chunks(of: text, kind: .text)
        #expect(chunks.map(\.heading) == ["TIME FIELDS"])
    }

    @Test func proseWithListsStaysTogether() {
        let text = """
            Debian's packaging tools can be used to:

              * manipulate and manage packages or parts of packages,

              * administer local overrides of files in a package.

            A paragraph that follows.
            """
        let chunks = Chunker.chunks(of: text, kind: .text)
        #expect(chunks.count == 1)
        #expect(chunks[0].heading == "")
    }
}
