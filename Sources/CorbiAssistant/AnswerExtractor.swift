import Foundation

/// A numbered source of an answer: a file under the knowledge-base root and the lines
/// that hold the cited text.
public struct Citation: Sendable, Equatable, Codable {
    public var n: Int
    public var path: String
    public var lineStart: Int
    public var lineEnd: Int
    public var heading: String
    public var score: Double

    public init(n: Int, path: String, lineStart: Int, lineEnd: Int, heading: String, score: Double) {
        self.n = n
        self.path = path
        self.lineStart = lineStart
        self.lineEnd = lineEnd
        self.heading = heading
        self.score = score
    }

    /// `path:12-14`, or `path:12` for one line.
    public var location: String {
        lineStart == lineEnd ? "\(path):\(lineStart)" : "\(path):\(lineStart)-\(lineEnd)"
    }
}

/// What the extractor found: the chosen sentences with their passages, and how well
/// they cover the question.
public struct Extraction: Sendable, Equatable {
    public struct Pick: Sendable, Equatable {
        public var sentence: Sentence
        public var passageIndex: Int
        public var score: Double
    }
    /// In reading order, grouped by passage.
    public var picks: [Pick]
    /// 0...1: how much of the question the picked sentences (and their headings) cover.
    public var confidence: Double
    /// The question's key terms.
    public var terms: [String]

    public static let empty = Extraction(picks: [], confidence: 0, terms: [])
}

/// Picks the one to three sentences of the best passages that answer a question, with
/// no model: coverage of the question's key words, closeness, and the passage's rank.
public struct AnswerExtractor: Sendable {
    /// Below this confidence the knowledge base is taken not to hold an answer. Calibrated
    /// on the questions in `AnswerCalibrationTests` (answerable ones score 0.75 and more,
    /// unanswerable ones 0.5 and less).
    public static let defaultThreshold = 0.6

    public var maxSentences = 3
    /// How many of the retrieved passages are read.
    public var maxPassages = 6

    public init() {}

    public func extract(question: String, passages: [Passage]) -> Extraction {
        let terms = TextAnalysis.keyTerms(question)
        guard !terms.isEmpty, !passages.isEmpty else { return Extraction(picks: [], confidence: 0, terms: terms) }
        let intent = QuestionIntent(question)
        let weights = terms.map(TextAnalysis.weight(of:))
        let totalWeight = weights.reduce(0, +)

        struct Candidate {
            var sentence: Sentence
            var stems: Set<String>
            var context: Set<String>
            var passageIndex: Int
            var position: Int
        }
        var candidates: [[Candidate]] = []
        var everywhere = Set<String>()
        for (index, passage) in passages.prefix(maxPassages).enumerated() {
            let sentences = SentenceSplitter.sentences(text: passage.text, firstLine: passage.lineStart)
            let fileWords = (passage.path as NSString).lastPathComponent
            var context = TextAnalysis.stems(passage.heading).union(TextAnalysis.stems(fileWords))
            var list: [Candidate] = []
            var tableHeader: Set<String> = []
            var previousWasRow = false
            for sentence in sentences {
                let stems = TextAnalysis.stems(sentence.text)
                everywhere.formUnion(stems)
                if sentence.isHeading {
                    context.formUnion(stems)
                    continue
                }
                // The first row of a table names its columns: context for the rows below.
                let isRow = sentence.isTableRow
                if isRow && !previousWasRow { tableHeader = stems }
                if !isRow { tableHeader = [] }
                previousWasRow = isRow
                list.append(Candidate(
                    sentence: sentence, stems: stems, context: isRow ? context.union(tableHeader) : context,
                    passageIndex: index, position: list.count))
            }
            everywhere.formUnion(context)
            candidates.append(list)
        }

        // Credit of each term in a set of stems: 1 for the word itself, 0.8 for a shared
        // long prefix ("orthodontic" / "orthodontist"), 0.75 for a synonym, 0.6 when only
        // the heading (or the table's header row) has it.
        func credit(_ term: String, _ stems: Set<String>, _ context: Set<String>) -> Double {
            if stems.contains(term) { return 1 }
            if prefixMatches(term, stems) { return 0.8 }
            if matches(term, stems) { return 0.75 }
            if matches(term, context) || prefixMatches(term, context) { return 0.6 }
            return 0
        }
        func coverage(_ stems: Set<String>, _ context: Set<String>) -> Double {
            var covered = 0.0
            for (term, weight) in zip(terms, weights) { covered += credit(term, stems, context) * weight }
            return covered / totalWeight
        }
        func rankFactor(_ index: Int) -> Double { max(0.7, 1 - 0.06 * Double(index)) }
        func score(_ c: Candidate) -> Double {
            var s = coverage(c.stems, c.context) * rankFactor(c.passageIndex)
            if intent.matches(c.sentence.text) { s += 0.08 }
            if c.sentence.isLeadIn { s -= 0.05 }
            // A long sentence covers words by chance; prefer the tight one.
            if c.sentence.text.count > 240 { s -= 0.05 }
            return s
        }

        // The best single sentence.
        var best: (Candidate, Double)?
        for list in candidates {
            for c in list {
                let s = score(c)
                if best == nil || s > best!.1 + 1e-9 { best = (c, s) }
            }
        }
        guard let (anchor, anchorScore) = best, anchorScore > 0 else { return Extraction(picks: [], confidence: 0, terms: terms) }

        // Grow a window of neighbours in the same passage while they add something: a
        // key word not covered yet, or the items a lead-in sentence announces.
        let list = candidates[anchor.passageIndex]
        var window = [anchor.position]
        var stems = anchor.stems
        func adds(_ c: Candidate) -> Bool {
            terms.contains { !matches($0, stems) && !prefixMatches($0, stems) && (matches($0, c.stems) || prefixMatches($0, c.stems)) }
        }
        while window.count < maxSentences {
            let first = window.min()!, last = window.max()!
            var next: Int?
            if list[last].sentence.isLeadIn, last + 1 < list.count {
                next = last + 1
            } else if last + 1 < list.count, adds(list[last + 1]) {
                next = last + 1
            } else if first > 0, list[first - 1].sentence.isLeadIn || adds(list[first - 1]) {
                next = first - 1
            }
            guard let n = next else { break }
            window.append(n)
            stems.formUnion(list[n].stems)
        }
        window.sort()
        var picks = window.map { Extraction.Pick(sentence: list[$0].sentence, passageIndex: anchor.passageIndex, score: score(list[$0])) }
        var confidence = coverage(stems, anchor.context)

        // One more sentence from another passage when it covers what is still missing.
        if picks.count < maxSentences, confidence < 0.999 {
            var extra: (Candidate, Double)?
            for list in candidates {
                for c in list where c.passageIndex != anchor.passageIndex && adds(c) {
                    let gain = coverage(stems.union(c.stems), anchor.context) - confidence
                    if gain >= 0.2, extra == nil || gain > extra!.1 { extra = (c, gain) }
                }
            }
            if let (c, _) = extra {
                picks.append(Extraction.Pick(sentence: c.sentence, passageIndex: c.passageIndex, score: score(c)))
                stems.formUnion(c.stems)
                confidence = coverage(stems, anchor.context)
            }
        }

        // A key word found nowhere in what was retrieved means the knowledge base is
        // probably about something else.
        let missing = zip(terms, weights).filter { term, weight in
            weight >= 1 && !matches(term, everywhere) && !prefixMatches(term, everywhere)
        }
        if !missing.isEmpty { confidence *= 0.75 }
        confidence *= rankFactor(anchor.passageIndex) > 0.99 ? 1 : 0.97
        confidence = (min(1, max(0, confidence)) * 1000).rounded() / 1000
        return Extraction(picks: picks, confidence: confidence, terms: terms)
    }

    private func matches(_ term: String, _ stems: Set<String>) -> Bool {
        if stems.contains(term) { return true }
        let synonyms = TextAnalysis.synonyms(of: term)
        return synonyms.count > 1 && !synonyms.isDisjoint(with: stems)
    }

    private func prefixMatches(_ term: String, _ stems: Set<String>) -> Bool {
        guard term.count >= 5 else { return false }
        let prefix = term.prefix(5)
        return stems.contains { $0.count >= 5 && $0.hasPrefix(prefix) && (commonPrefix($0, term) >= min(term.count, $0.count) - 2) }
    }

    private func commonPrefix(_ a: String, _ b: String) -> Int {
        zip(a, b).prefix(while: { $0 == $1 }).count
    }
}

/// What kind of fact a question asks for, to prefer sentences that hold one.
struct QuestionIntent {
    var amount = false
    var time = false
    var duration = false
    var count = false

    init(_ question: String) {
        let q = " " + TextAnalysis.words(question).joined(separator: " ") + " "
        amount = ["how much", "cost", "price", "fee", "charge", "pay "].contains { q.contains($0) }
        time = [" when ", "what time", " hours", " open", " close"].contains { q.contains($0) }
        duration = q.contains("how long")
        count = q.contains("how many")
    }

    func matches(_ text: String) -> Bool {
        let hasDigit = text.contains(where: \.isNumber)
        if amount && (text.contains(where: { "€$£".contains($0) }) || (hasDigit && text.lowercased().contains("eur"))) { return true }
        if time && (text.range(of: #"\d{1,2}[:.]\d{2}|\d\s?(am|pm|a\.m\.|p\.m\.)"#, options: [.regularExpression, .caseInsensitive]) != nil) { return true }
        if duration && (text.range(of: #"\d+\s*(minute|min|hour|day|week|month|year)"#, options: [.regularExpression, .caseInsensitive]) != nil) { return true }
        if count && hasDigit { return true }
        return false
    }
}
