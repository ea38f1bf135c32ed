/// The words without which a records pattern cannot match, tested on the lowercased line
/// before any regular expression runs. Every question passes through the records parser
/// before the knowledge base is searched; with these keys a question plainly not about
/// records costs a few string scans instead of compiling and running some fifty regular
/// expressions (about 5 ms of a one-shot `corbi ask`).
///
/// A key is a necessary condition, never a sufficient one: a pattern whose keys are absent
/// cannot match the line (or its `build` would return nil), so skipping it changes no
/// answer. Keys are kept loose (a part of a word, "schedul" for "scheduled" and
/// "schedule") rather than exact.
struct QuestionKeys: Sendable {
    /// Any of these anywhere in the line.
    var parts: [String] = []
    /// Any of these as a whole word (a run of letters): for short words ("ig", "tel") that
    /// are parts of many others.
    var words: Set<String> = []
    /// The line ends with one of these.
    var endings: [String] = []
    /// Any digit (a date), in any script, as `\d` matches.
    var digit = false

    /// A question line prepared for the keys: lowercased, and its words.
    struct Line {
        let lowercased: String
        let words: Set<Substring>

        init(_ text: String) {
            lowercased = text.lowercased()
            words = Set(lowercased.split(whereSeparator: { !$0.isLetter }))
        }
    }

    /// Whether a pattern with these keys may match `line` exactly as it is.
    func admit(_ line: Line) -> Bool {
        parts.contains { line.lowercased.contains($0) } || words.contains { line.words.contains(Substring($0)) }
            || endings.contains { line.lowercased.hasSuffix($0) } || digit && line.lowercased.contains(where: \.isNumber)
    }

    /// Whether a pattern with these keys may match what is left of `line` once days,
    /// channels and polite openings are taken out: those only remove words, so an ending
    /// may then be anywhere (its first word is looked for).
    func admitAfterRemovals(_ line: Line) -> Bool {
        admit(line) || endings.contains { ending in line.lowercased.contains(ending.prefix(while: { $0 != " " })) }
    }

    static func + (a: QuestionKeys, b: QuestionKeys) -> QuestionKeys {
        QuestionKeys(parts: a.parts + b.parts, words: a.words.union(b.words), endings: a.endings + b.endings, digit: a.digit || b.digit)
    }
}

extension QuestionKeys: ExpressibleByArrayLiteral {
    /// Parts of the line, any of which lets the pattern be tried.
    init(arrayLiteral parts: String...) {
        self.parts = parts
    }
}
