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
