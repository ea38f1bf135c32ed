import Foundation

/// A passage before it is stored: its heading path, its exact lines and their text.
struct Chunk: Sendable, Equatable {
    var heading: String
    /// What the whole file is about, when its headings do not say it (a manual page's
    /// `NAME` line): searched as the start of the heading path, never shown, so that an
    /// option's passage is found by its command's words.
    var context = ""
    /// 1-based, inclusive.
    var lineStart: Int
    var lineEnd: Int
    /// One line per source line from `lineStart` to `lineEnd`.
    var text: String
}

/// Splits a file's text into passages that keep their place in the file: Markdown and HTML
/// at their headings, plain text at the titles its layout shows (`TextHeadings`), its
/// shortest sections joined with their neighbours.
enum Chunker {
    /// Passages grow by whole paragraphs up to about this many characters.
    static let maxCharacters = 1_500
    /// The separator of a heading path.
    static let headingSeparator = " › "

    static func chunks(of text: String, kind: DocumentKind, joiningShort: Bool = true) -> [Chunk] {
        chunks(of: Array(text.utf8), kind: kind, joiningShort: joiningShort)
    }

    /// Passages of a file's UTF-8 bytes (already checked to be valid UTF-8). `joiningShort`
    /// false leaves plain text's short sections apart (for checking where titles are found).
    static func chunks(of bytes: [UInt8], kind: DocumentKind, joiningShort: Bool = true) -> [Chunk] {
        switch kind {
        case .markdown:
            let lines = TextLines(bytes)
            return sectioned(lines: lines, headings: MarkdownHeadings.find(in: lines))
        case .text:
            let lines = TextLines(bytes)
            let headings = TextHeadings.find(in: lines)
            let sections = sectioned(lines: lines, headings: headings, context: TextHeadings.documentTitle(lines, headings))
            return joiningShort ? merged(sections, lines: lines) : sections
        case .html:
            let stripped = HTMLText.strip(String(decoding: bytes, as: UTF8.self))
            return sectioned(lines: TextLines(lines: stripped.lines), headings: stripped.headings)
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
    /// each section's paragraphs into passages. `context` is each passage's ``Chunk/context``.
    static func sectioned(lines: TextLines, headings: [Heading], context: String = "") -> [Chunk] {
        var chunks: [Chunk] = []
        var stack: [(level: Int, title: String)] = []
        var start = 0
        var path = ""
        var startIsHeading = false
        for heading in headings {
            // A heading followed directly by a deeper one opens no passage of its own: its
            // line joins the next section, whose path names both.
            let onlyHeading = startIsHeading && heading.level > (stack.last?.level ?? 0)
                && (start + 1..<heading.line).allSatisfy { lines.isBlank($0) || isUnderline(lines, $0) }
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
        if !context.isEmpty {
            for i in chunks.indices { chunks[i].context = context }
        }
        return chunks
    }

    /// A plain-text passage shorter than this (a one-line option, a term with a short
    /// definition) takes in the passages after it in the same section while it stays short.
    static let minCharacters = 200

    /// Joins each passage shorter than `minCharacters` with the next one when both sit in
    /// the same section (the same heading path above their own titles), up to
    /// `maxCharacters`. Alone, a passage like "-T, --print-type / print file system type"
    /// is found or lost on one word; with its neighbours it shares their context. The
    /// joined passage keeps the first one's heading.
    static func merged(_ chunks: [Chunk], lines: TextLines) -> [Chunk] {
        func parent(_ heading: String) -> Substring {
            guard let cut = heading.range(of: headingSeparator, options: .backwards) else { return "" }
            return heading[..<cut.lowerBound]
        }
        var out: [Chunk] = []
        for chunk in chunks {
            if var last = out.last, last.text.utf8.count < minCharacters, parent(last.heading) == parent(chunk.heading),
                last.text.utf8.count + chunk.text.utf8.count < maxCharacters
            {
                last.lineEnd = chunk.lineEnd
                last.text = lines.text(last.lineStart - 1, chunk.lineEnd - 1)
                out[out.count - 1] = last
            } else {
                out.append(chunk)
            }
        }
        return out
    }

    /// The heading text the index searches: the file's context, then the heading path.
    static func indexedHeading(context: String, heading: String) -> String {
        context.isEmpty ? heading : heading.isEmpty ? context : context + headingSeparator + heading
    }

    /// A line of only `=`, `-`, `*` or `~` (a title's underline).
    static func isUnderline(_ lines: TextLines, _ i: Int) -> Bool {
        let text = lines.string(i).trimmingCharacters(in: .whitespaces)
        guard let first = text.first, "=-*~".contains(first), text.count >= 3 else { return false }
        return text.allSatisfy { $0 == first }
    }

    /// Packs the paragraphs (runs of non-blank lines) of lines[from..<to] into passages of
    /// about `maxCharacters` bytes, splitting a longer paragraph between lines.
    static func pack(lines: TextLines, from: Int, to: Int?, heading: String) -> [Chunk] {
        let end = to ?? lines.count
        var chunks: [Chunk] = []
        var first = -1, last = -1, size = 0
        func flush() {
            guard first >= 0 else { return }
            chunks.append(Chunk(heading: heading, lineStart: first + 1, lineEnd: last + 1, text: lines.text(first, last)))
            first = -1; last = -1; size = 0
        }
        var i = from
        while i < end {
            if lines.isBlank(i) { i += 1; continue }
            var j = i, blockSize = 0
            while j < end, !lines.isBlank(j) { blockSize += lines.length(j) + 1; j += 1 }
            if first >= 0, size + blockSize > maxCharacters { flush() }
            if blockSize > maxCharacters {
                // A paragraph too long on its own is cut between lines.
                flush()
                for k in i..<j {
                    let lineSize = lines.length(k) + 1
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
    private static let space: UInt8 = 32, tab: UInt8 = 9, hash: UInt8 = 35
    private static let backtick: UInt8 = 96, tilde: UInt8 = 126, equals: UInt8 = 61, dash: UInt8 = 45

    static func find(in lines: TextLines) -> [Chunker.Heading] {
        let b = lines.bytes
        var headings: [Chunker.Heading] = []
        var fence: (byte: UInt8, count: Int)? = nil
        var previousIsParagraphStart = false
        var previousBlank = true
        for index in 0..<lines.count {
            let start = lines.starts[index], end = lines.ends[index]
            var p = start
            while p < end, b[p] == space { p += 1 }
            let indent = p - start
            let blank = lines.isBlank(index)
            defer { previousBlank = blank }
            if indent <= 3, p < end, b[p] == backtick || b[p] == tilde {
                var q = p
                while q < end, b[q] == b[p] { q += 1 }
                if q - p >= 3 {
                    if let open = fence {
                        if b[p] == open.byte, q - p >= open.count { fence = nil }
                    } else {
                        fence = (b[p], q - p)
                    }
                    previousIsParagraphStart = false
                    continue
                }
            }
            if fence != nil { continue }
            if indent <= 3, p < end, b[p] == hash {
                var q = p
                while q < end, b[q] == hash { q += 1 }
                let level = q - p
                if level <= 6, q == end || b[q] == space || b[q] == tab {
                    var titleEnd = end
                    while titleEnd > q, b[titleEnd - 1] == space || b[titleEnd - 1] == tab { titleEnd -= 1 }
                    // A closing run of '#' is not part of the title.
                    var closing = titleEnd
                    while closing > q, b[closing - 1] == hash { closing -= 1 }
                    if closing == q || b[closing - 1] == space || b[closing - 1] == tab { titleEnd = closing }
                    let title = String(decoding: b[q..<max(q, titleEnd)], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                    headings.append(.init(line: index, level: level, title: title))
                    previousIsParagraphStart = false
                    continue
                }
            }
            if indent <= 3, previousIsParagraphStart, p < end, b[p] == equals || b[p] == dash {
                var q = p
                while q < end, b[q] == b[p] { q += 1 }
                var r = q
                while r < end, b[r] == space || b[r] == tab { r += 1 }
                if r == end {
                    let title = lines.string(index - 1).trimmingCharacters(in: .whitespaces)
                    headings.append(.init(line: index - 1, level: b[p] == equals ? 1 : 2, title: title))
                    previousIsParagraphStart = false
                    continue
                }
            }
            let listOrQuote = p < end && (b[p] == 62 || ((b[p] == dash || b[p] == 42) && p + 1 < end && b[p + 1] == space))
            previousIsParagraphStart = !blank && (previousBlank || headings.last?.line == index - 1) && !listOrQuote
        }
        return headings
    }
}
