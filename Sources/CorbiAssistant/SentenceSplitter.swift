import Foundation

/// One sentence of a passage: its text without Markdown markers, and the source lines it
/// stands on.
public struct Sentence: Sendable, Equatable {
    /// The readable text ("Fillings cost €95."), Markdown markers removed.
    public var text: String
    /// 1-based first and last line in the file on disk.
    public var lineStart: Int
    public var lineEnd: Int
    /// A Markdown heading line: context for its section, never an answer on its own.
    public var isHeading: Bool
    /// A row of a Markdown table (cells joined with " — ").
    public var isTableRow = false
    /// Ends with ":" and introduces the list or table that follows.
    public var isLeadIn: Bool { text.hasSuffix(":") }
}

/// Splits a passage (one line of text per source line) into sentences with exact line
/// numbers. Hard-wrapped lines are first joined again into the units the writer meant (a
/// paragraph, a list item with its continuation lines, a term, a definition), then cut at
/// sentence ends; headings, list items and table rows are sentences of their own.
public enum SentenceSplitter {
    /// Below this width a block of lines is a list of short lines ("Saturday: 9:00–13:00"),
    /// not wrapped prose.
    static let narrowBlock = 50

    public static func sentences(text: String, firstLine: Int) -> [Sentence] {
        var result: [Sentence] = []
        var pending = ""
        /// Indentation that continues the pending unit, and its last line's length.
        var continuationIndent = -1
        var previousLength = 0
        var pendingIsItem = false
        var pendingIndent = 0
        /// Where each source line starts in `pending` (character offset, line number).
        var marks: [(offset: Int, line: Int)] = []
        var inCodeFence = false

        func flushPending() {
            let trimmed = pending.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { result += split(unit: pending, marks: marks, isItem: pendingIsItem) }
            pending = ""
            marks = []
            continuationIndent = -1
            pendingIsItem = false
        }

        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Self.clean(String($0)) }
        let widths = blockWidths(lines)
        for (offset, line) in lines.enumerated() {
            let lineNumber = firstLine + offset
            let indent = Self.indent(line)
            let raw = line.trimmingCharacters(in: .whitespaces)
            if raw.hasPrefix("```") || raw.hasPrefix("~~~") {
                flushPending()
                inCodeFence.toggle()
                continue
            }
            let kind = LineKind(raw, inCodeFence: inCodeFence)
            switch kind {
            case .blank, .rule:
                flushPending()
            case .heading(let title):
                flushPending()
                if !title.isEmpty {
                    result.append(Sentence(text: title, lineStart: lineNumber, lineEnd: lineNumber, isHeading: true))
                }
            case .tableRow(let cells):
                flushPending()
                if !cells.isEmpty {
                    result.append(Sentence(text: cells, lineStart: lineNumber, lineEnd: lineNumber, isHeading: false, isTableRow: true))
                }
            case .listItem(let body):
                flushPending()
                pending = body
                marks = [(0, lineNumber)]
                pendingIsItem = true
                // Continuation lines stand under the item's text.
                continuationIndent = indent + (raw.count - raw.drop(while: { !$0.isWhitespace }).drop(while: \.isWhitespace).count)
                previousLength = line.count
            case .text(let body):
                let width = widths[offset]
                if !pending.isEmpty, continues(
                    previous: pending, previousLength: previousLength, indent: indent,
                    expectedIndent: continuationIndent >= 0 ? continuationIndent : pendingIndent, next: body, width: width,
                    inCode: inCodeFence)
                {
                    let joined = join(pending, body)
                    marks.append((joined.count - body.count, lineNumber))
                    pending = joined
                    if continuationIndent < 0 || !pendingIsItem { continuationIndent = indent }
                } else {
                    flushPending()
                    pending = body
                    marks = [(0, lineNumber)]
                    continuationIndent = -1
                    pendingIndent = indent
                }
                previousLength = line.count
                if inCodeFence { flushPending() }
            }
        }
        flushPending()
        return result
    }

    /// Whether a text line continues the unit before it: same indentation, and the line
    /// before was broken by wrapping (the next word would not have fitted), not by intent.
    private static func continues(
        previous: String, previousLength: Int, indent: Int, expectedIndent: Int, next: String, width: Int, inCode: Bool
    ) -> Bool {
        if inCode { return false }
        // A word broken at the margin ("dis‐" / "played") goes on whatever the indentation.
        if previous.hasSuffix("\u{2010}") { return true }
        guard abs(indent - expectedIndent) <= 1 else { return false }
        guard width >= narrowBlock else { return previous.last.map { ",;-(".contains($0) } ?? false }
        let nextWord = next.prefix { !$0.isWhitespace }.count
        // A line well short of the block's width was ended on purpose.
        return Double(previousLength + 1 + nextWord) >= 0.8 * Double(width)
    }

    /// Two wrapped lines as one: a word broken at a hyphen is whole again.
    static func join(_ a: String, _ b: String) -> String {
        if a.hasSuffix("\u{2010}") { return String(a.dropLast()) + b }
        if a.hasSuffix("/") { return a + b }
        if a.hasSuffix("-"), a.dropLast().last?.isLetter == true, b.first?.isLowercase == true { return a + b }
        return a + " " + b
    }

    /// Cuts one unit at its sentence ends; each sentence keeps the source lines it stands on.
    private static func split(unit: String, marks: [(offset: Int, line: Int)], isItem: Bool) -> [Sentence] {
        func line(at offset: Int) -> Int { marks.last { $0.offset <= offset }?.line ?? marks.first?.line ?? 0 }
        func tidy(_ s: Substring) -> String { s.split(whereSeparator: { $0 == " " }).joined(separator: " ") }
        let lastLine = marks.last?.line ?? 0
        // A list item is one unit ("Lotte Jansen, hygienist. Works on Tuesday."): its
        // sentences only make sense together.
        if isItem && unit.count <= 300 {
            let text = tidy(Substring(unit))
            return [Sentence(text: text, lineStart: marks.first?.line ?? 0, lineEnd: lastLine, isHeading: text.hasSuffix("?"))]
        }
        var out: [Sentence] = []
        var pendingFrom: Substring.Index? = nil
        var rest = Substring(unit)
        func emit(_ from: Substring.Index, _ to: Substring.Index) {
            let piece = unit[from..<to]
            let text = tidy(piece)
            guard !text.isEmpty else { return }
            let startOffset = unit.distance(from: unit.startIndex, to: from)
            let endOffset = max(startOffset, unit.distance(from: unit.startIndex, to: to) - 1)
            out.append(Sentence(text: text, lineStart: line(at: startOffset), lineEnd: line(at: endOffset), isHeading: text.hasSuffix("?")))
        }
        while let end = sentenceEnd(in: rest) {
            let from = pendingFrom ?? rest.startIndex
            let piece = unit[from..<end]
            // "Yes." or "No, sorry." alone says little: keep it with the next sentence.
            let isShortReply = piece.split(separator: " ").count <= 2 && !piece.hasSuffix("?") && end < rest.endIndex
            if isShortReply {
                pendingFrom = from
            } else {
                emit(from, end)
                pendingFrom = nil
            }
            rest = rest[end...].drop(while: { $0 == " " })
        }
        let from = pendingFrom ?? rest.startIndex
        if from < unit.endIndex { emit(from, unit.endIndex) }
        return out
    }

    /// Control characters out (a KB file is hostile text); tabs become spaces.
    static func clean(_ line: String) -> String {
        guard line.unicodeScalars.contains(where: { $0.value < 32 || $0.value == 127 || (0x80..<0xA0).contains($0.value) }) else {
            return line.replacingOccurrences(of: "\u{00A0}", with: " ")
        }
        var out = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            if scalar == "\t" { out.append(" ") } else if scalar.value < 32 || scalar.value == 127 || (0x80..<0xA0).contains(scalar.value) {
                continue
            } else if scalar == "\u{00A0}" { out.append(" ") } else { out.append(scalar) }
        }
        return String(out)
    }

    private static func indent(_ line: String) -> Int {
        line.prefix { $0 == " " }.count
    }

    /// For each line, the longest line of its block (run of non-blank lines).
    private static func blockWidths(_ lines: [String]) -> [Int] {
        var widths = Array(repeating: 0, count: lines.count)
        var start = 0
        while start < lines.count {
            var end = start
            while end < lines.count, !lines[end].trimmingCharacters(in: .whitespaces).isEmpty { end += 1 }
            let width = lines[start..<end].map { $0.trimmingCharacters(in: .whitespaces).count + indent($0) }.max() ?? 0
            for i in start..<end { widths[i] = width }
            start = max(end, start + 1)
        }
        return widths
    }

    /// The index just past a sentence end (". ", "? ", "! ", or one at the end of the
    /// text), skipping abbreviations and decimals.
    static func sentenceEnd(in text: Substring) -> Substring.Index? {
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            let next = text.index(after: index)
            if c == "." || c == "?" || c == "!" {
                var after = next
                while after < text.endIndex, "\"')»”*_".contains(text[after]) { after = text.index(after: after) }
                let atEnd = after == text.endIndex
                if atEnd || text[after] == " " {
                    if c == "." && isAbbreviation(before: index, in: text) {
                        index = next
                        continue
                    }
                    return after
                }
            }
            index = next
        }
        return nil
    }

    private static let abbreviations: Set<String> = [
        "e.g", "i.e", "etc", "dr", "mr", "mrs", "ms", "st", "no", "approx", "incl", "vs", "min", "mins", "max", "tel", "ca", "a.m", "p.m", "am", "pm",
    ]

    private static func isAbbreviation(before dot: Substring.Index, in text: Substring) -> Bool {
        var start = dot
        while start > text.startIndex {
            let previous = text.index(before: start)
            if text[previous] == " " || text[previous] == "(" { break }
            start = previous
        }
        let word = text[start..<dot].lowercased()
        if word.count == 1 && word.first!.isLetter { return true }  // initials, "a.m."
        // "a.m." and "p.m." end a sentence only when the next word is capitalised; keep them whole.
        return abbreviations.contains(word)
    }

    /// What one source line is, with its readable text.
    enum LineKind {
        case blank, rule
        case heading(String)
        case tableRow(String)
        case listItem(String)
        case text(String)

        init(_ line: String, inCodeFence: Bool) {
            if line.isEmpty { self = .blank; return }
            if inCodeFence { self = .text(line); return }
            if line.allSatisfy({ "-*_= ".contains($0) }) && line.count >= 3 { self = .rule; return }
            if line.hasPrefix("#") {
                let title = line.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
                self = .heading(Markdown.inline(title.trimmingCharacters(in: CharacterSet(charactersIn: "# "))))
                return
            }
            if line.hasPrefix("|") || (line.contains(" | ") && line.filter({ $0 == "|" }).count >= 2) {
                let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                if cells.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } }) { self = .rule; return }
                self = .tableRow(cells.map(Markdown.inline).joined(separator: " — "))
                return
            }
            if let body = Markdown.listItemBody(line) { self = .listItem(Markdown.inline(body)); return }
            if line.hasPrefix(">") { self = .text(Markdown.inline(String(line.drop(while: { $0 == ">" || $0 == " " })))); return }
            self = .text(Markdown.inline(Markdown.droppingLabel(line)))
        }
    }
}

/// Removing Markdown (and stray HTML) markers from readable text.
enum Markdown {
    /// "Q: ..." and "A: ..." of a plain-text FAQ without their label.
    static func droppingLabel(_ line: String) -> String {
        for label in ["Q:", "A:", "Question:", "Answer:"] where line.hasPrefix(label) {
            return line.dropFirst(label.count).trimmingCharacters(in: .whitespaces)
        }
        return line
    }

    /// The text of a list item line ("- x", "* x", "+ x", "1. x", "- [ ] x"), or nil.
    static func listItemBody(_ line: String) -> String? {
        var s = Substring(line)
        if let first = s.first, "-*+•".contains(first), s.dropFirst().first == " " {
            s = s.dropFirst(2)
        } else {
            let digits = s.prefix(while: \.isNumber)
            guard !digits.isEmpty, digits.count <= 3 else { return nil }
            let after = s.dropFirst(digits.count)
            guard let mark = after.first, mark == "." || mark == ")", after.dropFirst().first == " " else { return nil }
            s = after.dropFirst(2)
        }
        if s.hasPrefix("[ ] ") || s.hasPrefix("[x] ") || s.hasPrefix("[X] ") { s = s.dropFirst(4) }
        return String(s).trimmingCharacters(in: .whitespaces)
    }

    /// Inline markers removed: emphasis, code, links (their text kept), images, HTML tags.
    static func inline(_ text: String) -> String {
        guard text.contains(where: { "*_`[<!\\".contains($0) }) else { return text }
        var s = text
        // Links and images: [text](url) -> text.
        while let open = s.range(of: "]("), let close = s[open.upperBound...].firstIndex(of: ")"),
            let bracket = s[..<open.lowerBound].lastIndex(of: "[")
        {
            var start = bracket
            if start > s.startIndex, s[s.index(before: start)] == "!" { start = s.index(before: start) }
            let label = s[s.index(after: bracket)..<open.lowerBound]
            s.replaceSubrange(start...close, with: label)
        }
        // HTML tags.
        while let lt = s.firstIndex(of: "<"), let gt = s[lt...].firstIndex(of: ">"),
            s[s.index(after: lt)...].first.map({ $0.isLetter || $0 == "/" || $0 == "!" }) == true
        {
            s.replaceSubrange(lt...gt, with: "")
        }
        for marker in ["**", "__", "`", "~~"] { s = s.replacingOccurrences(of: marker, with: "") }
        // Single * or _ used for emphasis (not inside words like snake_case).
        var out = ""
        let chars = Array(s)
        for (i, c) in chars.enumerated() {
            if c == "*" || c == "_" {
                let before = i > 0 ? chars[i - 1] : " "
                let after = i + 1 < chars.count ? chars[i + 1] : " "
                if !(before.isLetter || before.isNumber) || !(after.isLetter || after.isNumber) { continue }
            }
            if c == "\\" { continue }
            out.append(c)
        }
        return out.replacingOccurrences(of: "  ", with: " ").trimmingCharacters(in: .whitespaces)
    }
}
