import CorbiKnowledge
import Foundation

/// Re-orders the assistant's first retrieval pool with what BM25 does not see: how much of
/// the question the passage's own title says (a FAQ entry's question line, an option, a
/// section name), the file's name (a manual page's command, a chapter's subject), and the
/// passage's text, each as the share of the question's weight it covers (rare words
/// weighing more). `kb search` keeps its own ranking; this is the assistant's alone.
public struct PassageReranker: Sendable {
    /// Weights of the retrieval score (over the pool's best), the title's, the heading
    /// path's, the file name's and the text's coverage. Picked on a coarse grid over the
    /// development half of `eval/` (BENCHMARKS.md, "Assistant quality"); the grid script
    /// was not kept.
    public var weights: [Double] = [1, 1, 0.25, 0.5, 0.5]

    public init() {}

    /// What the re-ranking weighs for one passage, in the order of `weights`.
    public struct Signals: Sendable, Equatable {
        public var score = 0.0
        public var title = 0.0
        public var heading = 0.0
        public var file = 0.0
        public var text = 0.0
        var vector: [Double] { [score, title, heading, file, text] }
    }

    /// The question's key terms with their weights: generic words less, and words the
    /// knowledge base holds rarely more; words it never uses leave (they match nothing).
    public static func weightedTerms(
        _ keyWords: [(stem: String, word: String)], statistics: TermStatistics?
    ) -> [(stem: String, weight: Double)] {
        var out: [(stem: String, weight: Double)] = []
        for (stem, word) in keyWords {
            let generic = TextAnalysis.weight(of: stem)
            guard let statistics, statistics.passages > 0 else { out.append((stem, generic)); continue }
            let df = statistics.frequencies[word] ?? 0
            if df == 0 { continue }
            let n = Double(statistics.passages)
            out.append((stem, generic * (0.3 + 0.7 * log(1 + n / Double(df)) / log(1 + n))))
        }
        return out
    }

    /// The signals of each passage of the pool.
    public func signals(_ passages: [Passage], terms: [(stem: String, weight: Double)]) -> [Signals] {
        let total = terms.reduce(0) { $0 + $1.weight }
        let top = passages.first?.score ?? 0
        func coverage(_ stems: Set<String>) -> Double {
            guard total > 0 else { return 0 }
            return terms.reduce(0) { $0 + (Self.covers($1.stem, stems) ? $1.weight : 0) } / total
        }
        // Passages repeat most of their words: each word is stemmed once.
        var stemOf: [String: String] = [:]
        func stems(_ text: String) -> Set<String> {
            var out = Set<String>()
            for word in TextAnalysis.words(text) where !TextAnalysis.stopWords.contains(word) {
                if let known = stemOf[word] {
                    out.insert(known)
                } else {
                    let stem = TextAnalysis.stem(word)
                    stemOf[word] = stem
                    out.insert(stem)
                }
            }
            return out
        }
        var fileStems: [String: Set<String>] = [:]
        return passages.map { p in
            var s = Signals()
            s.score = top > 0 ? max(0, p.score / top) : 0
            let headings = p.heading.components(separatedBy: "›")
            let headingStems = stems(p.heading)
            s.title = coverage(stems(headings.last ?? ""))
            s.heading = coverage(headingStems)
            if fileStems[p.path] == nil { fileStems[p.path] = stems(Self.fileWords(p.path)) }
            s.file = coverage(fileStems[p.path]!)
            s.text = coverage(stems(p.text).union(headingStems))
            return s
        }
    }

    /// The pool in the new order, best first, each with its signals; a passage's score
    /// becomes its re-ranking score (so later steps compare passages as they were ranked).
    public func rerank(_ passages: [Passage], terms: [(stem: String, weight: Double)]) -> [(passage: Passage, signals: Signals)] {
        let all = signals(passages, terms: terms)
        let scored = zip(passages, all).enumerated().map { index, pair in
            var passage = pair.0
            passage.score = zip(weights, pair.1.vector).reduce(0) { $0 + $1.0 * $1.1 }
            return (index, passage, pair.1)
        }
        return scored.sorted { $0.1.score > $1.1.score || ($0.1.score == $1.1.score && $0.0 < $1.0) }.map { ($0.1, $0.2) }
    }

    /// The words of a file's name: `useradd.8.txt` gives "useradd", `10-files.txt` "files".
    static func fileWords(_ path: String) -> String {
        let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return base.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).filter { !$0.allSatisfy(\.isNumber) }.joined(separator: " ")
    }

    /// A term is covered by its stem, or by a word sharing its first five letters and
    /// differing only in a short ending ("configuration" / "configure").
    static func covers(_ term: String, _ stems: Set<String>) -> Bool {
        if stems.contains(term) { return true }
        guard term.count >= 5 else { return false }
        let prefix = term.prefix(5)
        return stems.contains { stem in
            stem.count >= 5 && stem.hasPrefix(prefix)
                && zip(stem, term).prefix(while: { $0 == $1 }).count >= min(term.count, stem.count) - 2
        }
    }
}
