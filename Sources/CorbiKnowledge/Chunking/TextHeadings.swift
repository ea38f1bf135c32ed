/// The structure of a plain-text file, which has no markup to say it: the titles that a
/// reader sees by their layout, so that each FAQ entry, manual-page option and definition
/// becomes a passage of its own with the title in its heading path.
///
/// A title is one of:
/// - a line underlined with `=`, `-`, `*` or `~` (reStructuredText, Debian Policy); the
///   first underline character met is level 1, the next level 2, ...;
/// - a short block (at most three lines at one indentation) followed by text indented
///   deeper: a FAQ question over its indented answer, a manual page's `OPTIONS` over its
///   options, an option (`-m, --create-home`) or a term (`1000-59999:`) over its
///   definition;
/// - a question line (`Q: ...?` or a one-line paragraph ending in `?`) over its answer.
///
/// Numbered titles take their level from the numbering (`Chapter 7.` 1, `7.12.` 2,
/// `3.1.8.` 3), so that underlined and indented ones agree; other indented titles nest
/// under the numbered ones, deeper the further they are indented.
enum TextHeadings {
    /// Longest title line taken for a term over an indented definition (longer lines are
    /// prose with a hanging indent), unless it is an option (`-x, --long ...`).
    static let maxTermLength = 64

    static func find(in lines: TextLines) -> [Chunker.Heading] {
        let count = lines.count
        guard count > 1 else { return [] }
        var indents = [Int](repeating: 0, count: count)
        var blank = [Bool](repeating: true, count: count)
        for i in 0..<count {
            blank[i] = lines.isBlank(i)
            if !blank[i] { indents[i] = indentation(lines, i) }
        }
        var headings: [Chunker.Heading] = []
        var underlineLevels: [UInt8] = []
        var i = 0
        while i < count {
            if blank[i] { i += 1; continue }
            // A paragraph starts here: the run of non-blank lines at this line's indentation.
            let previousBlank = i == 0 || blank[i - 1]
            var end = i
            while end + 1 < count, !blank[end + 1], indents[end + 1] == indents[i] { end += 1 }

            // Underlined title.
            if previousBlank, i + 1 < count, !blank[i + 1], let mark = underline(lines, i + 1), underline(lines, i) == nil,
                indents[i] <= 3
            {
                var level = underlineLevels.firstIndex(of: mark).map { $0 + 1 } ?? 0
                if level == 0 {
                    underlineLevels.append(mark)
                    level = underlineLevels.count
                }
                let title = lines.string(i).trimmingCharacters(in: .whitespaces)
                headings.append(.init(line: i, level: numberedLevel(title) ?? level, title: clip(title)))
                i += 2
                continue
            }
            // A short block over deeper-indented text.
            let blockLines = end - i + 1
            if previousBlank, blockLines <= 3 {
                var next = end + 1
                var blanks = 0
                while next < count, blank[next], blanks < 2 { next += 1; blanks += 1 }
                if next < count, !blank[next], indents[next] >= indents[i] + 2, !startsListItem(lines, next) {
                    let texts = (i...end).map { lines.string($0).trimmingCharacters(in: .whitespaces) }
                    if isTitle(texts) {
                        let title = texts.joined(separator: " ")
                        headings.append(.init(line: i, level: level(of: title, indent: indents[i]), title: clip(title)))
                        i = end + 1
                        continue
                    }
                }
            }
            // A numbered title ("Chapter 7. Basics", "7.12. How do I ...?") standing alone,
            // whatever follows it.
            if previousBlank, blockLines <= 3, indents[i] <= 3, end + 1 >= count || blank[end + 1] {
                let texts = (i...end).map { lines.string($0).trimmingCharacters(in: .whitespaces) }
                let title = clip(texts.joined(separator: " "))
                if let level = numberedLevel(title), title.count <= 240, blockLines == 1 || texts.last?.hasSuffix("?") == true {
                    headings.append(.init(line: i, level: level, title: title))
                    i = end + 1
                    continue
                }
            }
            // A question over its answer at the same indentation.
            if previousBlank {
                let first = lines.string(i).trimmingCharacters(in: .whitespaces)
                let isLabelled = first.hasPrefix("Q:") || first.hasPrefix("Question:")
                let oneLineQuestion = end == i && first.hasSuffix("?") && first.count <= 200
                var hasAnswer = end > i
                if !hasAnswer {
                    var next = i + 1
                    while next < count, blank[next] { next += 1 }
                    hasAnswer = next < count && next - i <= 2 && indents[next] >= indents[i] && !questionLine(lines, next)
                }
                if (isLabelled && first.hasSuffix("?") || oneLineQuestion) && hasAnswer {
                    headings.append(.init(line: i, level: 10 + indents[i], title: clip(first)))
                }
            }
            i = end + 1
        }
        return headings
    }

    /// What a file says it is about when its sections do not: a manual page's `NAME` line
    /// ("useradd - create a new user or update default new user information"), or "".
    static func documentTitle(_ lines: TextLines, _ headings: [Chunker.Heading]) -> String {
        guard let index = headings.firstIndex(where: { $0.level == 1 && $0.title == "NAME" }) else { return "" }
        let end = index + 1 < headings.count ? headings[index + 1].line : lines.count
        var first = headings[index].line + 1
        while first < end, lines.isBlank(first) { first += 1 }
        var texts: [String] = []
        var i = first
        while i < end, !lines.isBlank(i), texts.count < 3 {
            texts.append(lines.string(i))
            i += 1
        }
        return texts.isEmpty ? "" : clip(texts.joined(separator: " "))
    }

    private static func indentation(_ lines: TextLines, _ i: Int) -> Int {
        var k = lines.starts[i]
        var width = 0
        while k < lines.ends[i] {
            let b = lines.bytes[k]
            if b == 32 {
                width += 1
            } else if b == 9 {
                width += 8 - width % 8
            } else if b == 0xC2, k + 1 < lines.ends[i], lines.bytes[k + 1] == 0xA0 {
                // A non-breaking space indents like a space (DocBook's text output uses them).
                width += 1
                k += 1
            } else {
                break
            }
            k += 1
        }
        return width
    }

    /// The underline character if line `i` is only a run of one of `= - * ~` (3 or more).
    private static func underline(_ lines: TextLines, _ i: Int) -> UInt8? {
        var k = lines.starts[i]
        let end = lines.ends[i]
        while k < end, lines.bytes[k] == 32 { k += 1 }
        guard k < end else { return nil }
        let mark = lines.bytes[k]
        guard mark == 61 || mark == 45 || mark == 42 || mark == 126 else { return nil }
        var run = 0
        while k < end, lines.bytes[k] == mark { run += 1; k += 1 }
        while k < end, lines.bytes[k] == 32 { k += 1 }
        return k == end && run >= 3 ? mark : nil
    }

    private static func startsListItem(_ lines: TextLines, _ i: Int) -> Bool {
        let text = lines.string(i).trimmingCharacters(in: .whitespaces)
        guard let first = text.first else { return false }
        if "*•+".contains(first) { return true }
        if first == "-", text.dropFirst().first == " " { return true }
        let digits = text.prefix(while: \.isNumber)
        if !digits.isEmpty, digits.count <= 3 {
            let after = text.dropFirst(digits.count)
            return (after.first == "." || after.first == ")") && after.dropFirst().first == " "
        }
        return false
    }

    private static func questionLine(_ lines: TextLines, _ i: Int) -> Bool {
        lines.string(i).trimmingCharacters(in: .whitespaces).hasSuffix("?")
    }

    /// Whether the lines of a short block read as a title rather than as prose.
    private static func isTitle(_ texts: [String]) -> Bool {
        guard let first = texts.first, let last = texts.last else { return false }
        if first.hasPrefix("* ") || first.hasPrefix("• ") || first.hasPrefix("- ") || first.hasPrefix("+ ") { return false }
        if texts.reduce(0, { $0 + $1.count }) > 240 { return false }
        // A word broken at the margin ("frac‐" / "tional") continues prose.
        if texts.contains(where: { $0.hasSuffix("\u{2010}") || ($0.hasSuffix("-") && $0.dropLast().last?.isLetter == true) }) {
            return false
        }
        let option = first.hasPrefix("-")
        if texts.count == 1 { return first.count <= maxTermLength || option || first.hasSuffix("?") }
        // Wrapped titles: a question, or a list of options or fields.
        return last.hasSuffix("?") || (option && texts.dropLast().allSatisfy { $0.hasSuffix(",") })
            || texts.dropLast().allSatisfy { $0.hasSuffix(",") } && texts.allSatisfy { $0.count <= 80 && !$0.contains(". ") }
    }

    /// Level of a title from its numbering, or nil when it has none that says.
    static func numberedLevel(_ title: String) -> Int? {
        let words = title.split(whereSeparator: { $0 == " " || $0 == "\u{00A0}" })
        if words.count >= 2, ["chapter", "appendix", "part"].contains(words[0].lowercased()),
            words[1].first?.isNumber == true || words[1].count <= 2
        {
            return 1
        }
        guard let first = words.first else { return nil }
        let parts = first.split(separator: ".", omittingEmptySubsequences: false)
        // "7.12." splits into ["7", "12", ""]: two numbers.
        guard parts.count >= 3, parts.last == "", parts.dropLast().allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
            return nil
        }
        return parts.count - 1
    }

    private static func level(of title: String, indent: Int) -> Int {
        if let numbered = numberedLevel(title) { return numbered }
        // "NAME", "OPTIONS": a manual page's sections.
        let letters = title.unicodeScalars.filter { $0.properties.isAlphabetic }
        if indent == 0, letters.count >= 2, letters.allSatisfy({ $0.properties.isUppercase }) { return 1 }
        return 10 + indent
    }

    private static func clip(_ title: String) -> String {
        // Non-breaking spaces and runs of blanks (justified manual pages) read as one space.
        let words = title.split(whereSeparator: { $0 == " " || $0 == "\u{00A0}" || $0 == "\t" })
        let joined = words.joined(separator: " ")
        return joined.count <= 200 ? joined : String(joined.prefix(200))
    }
}
