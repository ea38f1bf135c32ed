/// What the answer decision weighs: how well the best passage and the picked sentences
/// support the question, measured so that a paraphrase can still score (synonyms count,
/// and words the knowledge base never uses are set apart rather than counted as missing).
public struct AnswerFeatures: Sendable, Equatable, Codable {
    /// Share of the question's weight (its known words, idf-weighted) found in the picked
    /// sentences and their headings, synonyms counting less. 0...1.
    public var sentenceCoverage = 0.0
    /// The same over the whole passage the sentences come from (heading path included).
    public var passageCoverage = 0.0
    /// The same over the passage's own title (a FAQ question, an option, a section name).
    public var titleCoverage = 0.0
    /// Share of the question's words (by generic weight) that no passage the organization
    /// sees contains. 0...1.
    public var unknownShare = 0.0
    /// The rarest known question word missing from the passage: its idf weight over the
    /// largest idf weight of the question (0 when the passage holds every known word).
    public var missingRareWord = 0.0
    /// The passage's retrieval score over the best passage's (1 for the best one).
    public var scoreRatio = 0.0
    /// Rank of the passage in retrieval (0 = first).
    public var rank = 0.0
    /// How far the best passage scored above the second: (s1 - s2) / s1.
    public var margin = 0.0
    /// 1 when the sentences hold the kind of fact the question asks for (an amount, a
    /// time, a duration, a number).
    public var answerType = 0.0
    /// Known question words (after dropping stop words and words the KB never uses).
    public var knownTerms = 0.0
    /// Other passages cited in support of the answer (0...2).
    public var supportCount = 0.0
    /// Share of the question's weight covered by all the cited sentences together. 0...1.
    public var citedCoverage = 0.0
    /// 1 when the question names something (a capitalised word after the first) that no
    /// passage the organization sees contains.
    public var unknownName = 0.0
    /// `unknownShare` when the cited sentences hold no fact of the kind asked for: words the
    /// knowledge base never uses matter less when the answer is an address or a price.
    public var unknownFocus = 0.0
    /// 1 when the question plainly asks for one kind of fact (a person, an option, a date or
    /// year, a number) and the answer's own sentences hold none: a neighbouring section
    /// that shares the question's words rarely holds the fact itself.
    public var answerTypeMissing = 0.0

    public init() {}

    /// The values in the order of `AnswerDecision`'s weights.
    var vector: [Double] {
        [sentenceCoverage, passageCoverage, titleCoverage, unknownShare, missingRareWord, scoreRatio, rank, margin, answerType,
         min(knownTerms, 6) / 6, supportCount / 2, citedCoverage, unknownName, unknownFocus, answerTypeMissing]
    }

    static let names = [
        "sentenceCoverage", "passageCoverage", "titleCoverage", "unknownShare", "missingRareWord", "scoreRatio", "rank", "margin",
        "answerType", "knownTerms", "supportCount", "citedCoverage", "unknownName", "unknownFocus", "answerTypeMissing",
    ]
}

/// Statistics of the organization's knowledge base for a question's words.
public struct TermStatistics: Sendable, Equatable {
    /// Passages holding each word (by the index's stem), keyed by the word as asked.
    public var frequencies: [String: Int]
    /// Passages the organization sees.
    public var passages: Int

    public init(frequencies: [String: Int], passages: Int) {
        self.frequencies = frequencies
        self.passages = passages
    }
}
