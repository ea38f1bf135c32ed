import CorbiKnowledge
import Foundation

/// Where the assistant gets its passages: the organization's knowledge base in the
/// product, a fixed list in tests. Only passages the organization may see are returned.
public protocol PassageRetriever {
    /// The best passages for a question, best first.
    func retrieve(_ question: String, limit: Int) throws -> [Passage]
}

/// A grounded answer, or an honest refusal with the closest sources.
public struct AssistantAnswer: Sendable, Equatable {
    public var question: String
    public var answered: Bool
    /// The answer with `[n]` markers, or the refusal sentence.
    public var answer: String
    /// 0...1.
    public var confidence: Double
    /// The answer's sources; for a refusal, the closest passages.
    public var citations: [Citation]
    /// Whether the model wrote the answer (else it was extracted).
    public var usedModel: Bool
    /// Diagnostics for stderr (a model reply that was not used, ...).
    public var notes: [String]
}

/// Question -> retrieval -> extractive answer (or a checked model answer) with citations.
public struct Assistant {
    public var retriever: any PassageRetriever
    public var prompts: Prompts
    public var llm: LLMClient?
    public var extractor = AnswerExtractor()
    public var threshold: Double
    /// Passages retrieved per question.
    public var retrievalLimit = 8
    /// Passages given to the model.
    public var modelPassages = 5
    /// Adds the key terms and the confidence to the notes (for calibrating).
    public var debug = false

    public init(retriever: any PassageRetriever, prompts: Prompts = .defaults, llm: LLMClient? = nil, threshold: Double = AnswerExtractor.defaultThreshold) {
        self.retriever = retriever
        self.prompts = prompts
        self.llm = llm
        self.threshold = threshold
    }

    public func answer(_ question: String) throws -> AssistantAnswer {
        let question = question.trimmingCharacters(in: .whitespacesAndNewlines)
        let passages = try retriever.retrieve(Self.expandedQuery(question), limit: retrievalLimit)
        let extraction = extractor.extract(question: question, passages: passages)
        let debugNotes = debug
            ? ["terms: \(extraction.terms.map { "\($0)(\(TextAnalysis.weight(of: $0)))" }.joined(separator: " ")); confidence \(extraction.confidence); passages: " + passages.map { "\($0.path):\($0.lineStart) \(Self.round($0.score))" }.joined(separator: ", ")]
            : []
        guard !extraction.picks.isEmpty, extraction.confidence >= threshold else {
            let closest = passages.prefix(3).enumerated().map { index, p in
                Citation(n: index + 1, path: p.path, lineStart: p.lineStart, lineEnd: p.lineEnd, heading: p.heading, score: Self.round(p.score))
            }
            return AssistantAnswer(
                question: question, answered: false, answer: prompts.refusal, confidence: extraction.confidence,
                citations: closest, usedModel: false, notes: debugNotes)
        }
        var extractive = Self.extractiveAnswer(question: question, extraction: extraction, passages: passages)
        extractive.notes = debugNotes
        guard let llm else { return extractive }
        do {
            return try modelAnswer(question: question, passages: Array(passages.prefix(modelPassages)), llm: llm, confidence: extraction.confidence)
        } catch {
            extractive.notes.append("The model's answer was not used (\(error)); showing the extracted answer.")
            return extractive
        }
    }

    /// The question with the synonyms of its key words, so that retrieval finds "prices"
    /// for "cost" and "Wi-Fi" for "wifi"; the extractor still judges the passages.
    static func expandedQuery(_ question: String) -> String {
        var extra: [String] = []
        for term in TextAnalysis.keyTerms(question) {
            for word in TextAnalysis.synonymWords(of: term) where word != term && !extra.contains(word) { extra.append(word) }
        }
        return extra.isEmpty ? question : question + " " + extra.prefix(12).joined(separator: " ")
    }

    /// The picked sentences joined, a `[n]` marker after each passage's run of sentences.
    static func extractiveAnswer(question: String, extraction: Extraction, passages: [Passage]) -> AssistantAnswer {
        var citations: [Citation] = []
        var parts: [String] = []
        var index = 0
        let picks = extraction.picks
        while index < picks.count {
            var end = index
            while end + 1 < picks.count, picks[end + 1].passageIndex == picks[index].passageIndex { end += 1 }
            let run = picks[index...end]
            let passage = passages[picks[index].passageIndex]
            let n = citations.count + 1
            citations.append(
                Citation(
                    n: n, path: passage.path, lineStart: run.map(\.sentence.lineStart).min()!,
                    lineEnd: run.map(\.sentence.lineEnd).max()!, heading: passage.heading,
                    score: round(run.map(\.score).max()!)))
            // Table rows and list items carry no full stop of their own.
            var text = run.map { pick in
                let t = pick.sentence.text
                return run.count > 1 && !(t.last.map { ".!?:;".contains($0) } ?? true) ? t + "." : t
            }.joined(separator: " ")
            if text.hasSuffix(":") { text.removeLast() }
            parts.append(text + " [\(n)]")
            index = end + 1
        }
        return AssistantAnswer(
            question: question, answered: true, answer: parts.joined(separator: " "), confidence: extraction.confidence,
            citations: citations, usedModel: false, notes: [])
    }

    /// The model's answer, accepted only if it cites at least one passage and only given
    /// ones; its markers are renumbered to the citations it uses.
    func modelAnswer(question: String, passages: [Passage], llm: LLMClient, confidence: Double) throws -> AssistantAnswer {
        let reply = try llm.complete(system: prompts.system, user: prompts.userMessage(question: question, passages: passages))
        let cited = LLMClient.citedNumbers(in: reply)
        guard !cited.isEmpty else { throw LLMError.uncited }
        if let unknown = cited.first(where: { !(1...passages.count).contains($0) }) { throw LLMError.unknownCitation(unknown) }
        let mapping = Dictionary(uniqueKeysWithValues: cited.enumerated().map { ($1, $0 + 1) })
        let renumbered = LLMClient.renumberingCitations(in: reply, mapping)
        let citations = cited.enumerated().map { index, old in
            let p = passages[old - 1]
            return Citation(n: index + 1, path: p.path, lineStart: p.lineStart, lineEnd: p.lineEnd, heading: p.heading, score: Self.round(p.score))
        }
        return AssistantAnswer(
            question: question, answered: true, answer: renumbered, confidence: confidence, citations: citations,
            usedModel: true, notes: [])
    }

    static func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
