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
/// numbers. Paragraph text may wrap over several lines; headings, list items and table
/// rows are sentences of their own.
public enum SentenceSplitter {
    public static func sentences(text: String, firstLine: Int) -> [Sentence] {
        var result: [Sentence] = []
        var pending = ""
        var pendingStart = 0
        var pendingEnd = 0
        var inCodeFence = false

        func flushPending() {
            let trimmed = pending.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty {
                // A question in the text ("Q: Can I park here?") titles what follows, like a
                // heading; it never answers itself.
                result.append(Sentence(text: trimmed, lineStart: pendingStart, lineEnd: pendingEnd, isHeading: trimmed.hasSuffix("?")))
            }
            pending = ""
        }

        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (offset, rawLine) in lines.enumerated() {
            let lineNumber = firstLine + offset
            let raw = String(rawLine).trimmingCharacters(in: .whitespaces)
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
            case .listItem(let body) where body.count <= 300:
                // A list item is one unit ("Lotte Jansen, hygienist. Works on Tuesday."):
                // its sentences only make sense together.
                flushPending()
                result.append(Sentence(text: body, lineStart: lineNumber, lineEnd: lineNumber, isHeading: body.hasSuffix("?")))
            case .listItem(let body), .text(let body):
                if case .listItem = kind { flushPending() }
                // Split the line at sentence ends; text after the last end waits for the
                // next line (a sentence wrapped over lines).
                var rest = Substring(body)
                while let end = sentenceEnd(in: rest) {
                    let piece = rest[..<end]
                    if pending.isEmpty { pendingStart = lineNumber }
                    pending += (pending.isEmpty ? "" : " ") + piece.trimmingCharacters(in: .whitespaces)
                    pendingEnd = lineNumber
                    // "Yes." or "No, sorry." alone says little: keep it with the next sentence.
                    let isShortReply = pending.split(separator: " ").count <= 2 && !pending.hasSuffix("?") && end < rest.endIndex
                    if !isShortReply { flushPending() }
                    rest = rest[end...].drop(while: { $0 == " " })
                }
                let tail = rest.trimmingCharacters(in: .whitespaces)
                if !tail.isEmpty {
                    if pending.isEmpty { pendingStart = lineNumber }
                    pending += (pending.isEmpty ? "" : " ") + tail
                    pendingEnd = lineNumber
                }
                // A list item ends at its line. So does a short line without punctuation
                // ("Saturday: 9:00-13:00"): wrapped paragraph lines are long.
                if case .listItem = kind { flushPending() }
                if body.count < 60, let last = body.last, !",;-(".contains(last) { flushPending() }
            }
        }
        flushPending()
        return result
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
