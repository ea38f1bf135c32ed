import Foundation

/// A passage before it is stored: its heading path, its exact lines and their text.
struct Chunk: Sendable, Equatable {
    var heading: String
    /// 1-based, inclusive.
    var lineStart: Int
    var lineEnd: Int
    /// One line per source line from `lineStart` to `lineEnd`.
    var text: String
}

/// Splits a file's text into passages that keep their place in the file.
enum Chunker {
    /// Passages grow by whole paragraphs up to about this many characters.
    static let maxCharacters = 1_500
    /// The separator of a heading path.
    static let headingSeparator = " › "

    static func chunks(of text: String, kind: DocumentKind) -> [Chunk] {
        switch kind {
        case .markdown:
            let lines = splitLines(text)
            return sectioned(lines: lines, headings: MarkdownHeadings.find(in: lines))
        case .text:
            return pack(lines: splitLines(text), from: 0, to: nil, heading: "")
        case .html:
            let stripped = HTMLText.strip(text)
            return sectioned(lines: stripped.lines, headings: stripped.headings)
        }
    }

    /// The file's lines without their terminators ("\r\n" or "\n").
    static func splitLines(_ text: String) -> [Substring] {
        // "\r\n" is one Character in Swift, so both terminators are matched as Characters.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// A heading found at a 0-based line index.
    struct Heading: Equatable {
        var line: Int
        var level: Int
        var title: String
    }

    /// Cuts the lines at the headings, keeping the heading path of each section, then packs
    /// each section's paragraphs into passages.
    static func sectioned(lines: [Substring], headings: [Heading]) -> [Chunk] {
        var chunks: [Chunk] = []
        var stack: [(level: Int, title: String)] = []
        var start = 0
        var path = ""
        var startIsHeading = false
        for heading in headings {
            // A heading followed directly by a deeper one opens no passage of its own: its
            // line joins the next section, whose path names both.
            let onlyHeading = startIsHeading && heading.level > (stack.last?.level ?? 0)
                && (start + 1..<heading.line).allSatisfy { isBlank(lines[$0]) }
            if heading.line > start, !onlyHeading {
                chunks += pack(lines: lines, from: start, to: heading.line, heading: path)
            }
            while let last = stack.last, last.level >= heading.level { stack.removeLast() }
            stack.append((heading.level, heading.title))
            path = stack.map(\.title).filter { !$0.isEmpty }.joined(separator: headingSeparator)
            if !onlyHeading { start = heading.line }
            startIsHeading = true
        }
        chunks += pack(lines: lines, from: start, to: nil, heading: path)
        return chunks
    }

    private static func isBlank(_ line: Substring) -> Bool {
        line.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\u{0B}" || $0 == "\u{0C}" }
    }

    /// Packs the paragraphs (runs of non-blank lines) of lines[from..<to] into passages of
    /// about `maxCharacters`, splitting a longer paragraph between lines.
    static func pack(lines: [Substring], from: Int, to: Int?, heading: String) -> [Chunk] {
        let end = to ?? lines.count
        var chunks: [Chunk] = []
        var first = -1, last = -1, size = 0
        func flush() {
            guard first >= 0 else { return }
            let text = lines[first...last].joined(separator: "\n")
            chunks.append(Chunk(heading: heading, lineStart: first + 1, lineEnd: last + 1, text: text))
            first = -1; last = -1; size = 0
        }
        var i = from
        while i < end {
            if isBlank(lines[i]) { i += 1; continue }
            var j = i, blockSize = 0
            while j < end, !isBlank(lines[j]) { blockSize += lines[j].utf8.count + 1; j += 1 }
            if first >= 0, size + blockSize > maxCharacters { flush() }
            if blockSize > maxCharacters {
                // A paragraph too long on its own is cut between lines.
                flush()
                for k in i..<j {
                    let lineSize = lines[k].utf8.count + 1
                    if first >= 0, size + lineSize > maxCharacters { flush() }
                    if first < 0 { first = k }
                    last = k; size += lineSize
                }
                flush()
            } else {
                if first < 0 { first = i }
                last = j - 1; size += blockSize
            }
            i = j
        }
        flush()
        return chunks
    }
}

/// ATX (`## Title`) and setext (`Title` over `===`/`---`) headings outside fenced code.
enum MarkdownHeadings {
    static func find(in lines: [Substring]) -> [Chunker.Heading] {
        var headings: [Chunker.Heading] = []
        var fence: Substring? = nil
        var previousIsParagraphStart = false
        for (index, raw) in lines.enumerated() {
            let line = raw.drop(while: { $0 == " " })
            let indent = raw.count - line.count
            if indent <= 3, let marker = fenceMarker(line) {
                if let open = fence {
                    if marker.first == open.first, marker.count >= open.count { fence = nil }
                } else {
                    fence = marker
                }
                previousIsParagraphStart = false
                continue
            }
            if fence != nil { continue }
            if indent <= 3, line.first == "#" {
                let hashes = line.prefix(while: { $0 == "#" })
                let rest = line.dropFirst(hashes.count)
                if hashes.count <= 6, rest.isEmpty || rest.first == " " || rest.first == "\t" {
                    var title = rest.trimmingCharacters(in: .whitespaces)
                    // A closing run of '#' is not part of the title.
                    while title.hasSuffix("#") { title.removeLast() }
                    title = title.trimmingCharacters(in: .whitespaces)
                    headings.append(.init(line: index, level: hashes.count, title: title))
                    previousIsParagraphStart = false
                    continue
                }
            }
            if indent <= 3, previousIsParagraphStart, !line.isEmpty,
                let c = line.first, c == "=" || c == "-",
                line.trimmingCharacters(in: .whitespaces).allSatisfy({ $0 == c })
            {
                let title = lines[index - 1].trimmingCharacters(in: .whitespaces)
                headings.append(.init(line: index - 1, level: c == "=" ? 1 : 2, title: title))
                previousIsParagraphStart = false
                continue
            }
            let blank = line.allSatisfy { $0 == " " || $0 == "\t" }
            let previousBlank = index == 0 || lines[index - 1].allSatisfy { $0 == " " || $0 == "\t" }
            previousIsParagraphStart = !blank && (previousBlank || headings.last?.line == index - 1)
                && !line.hasPrefix("- ") && !line.hasPrefix("* ") && !line.hasPrefix(">")
        }
        return headings
    }

    private static func fenceMarker(_ line: Substring) -> Substring? {
        for c in ["`", "~"] as [Character] {
            let run = line.prefix(while: { $0 == c })
            if run.count >= 3 { return run }
        }
        return nil
    }
}
