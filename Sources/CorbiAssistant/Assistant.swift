import CorbiKnowledge
import Foundation

/// Where the assistant gets its passages: the organization's knowledge base in the
/// product, a fixed list in tests. Only passages the organization may see are returned.
public protocol PassageRetriever {
    /// The best passages for a question, best first.
    func retrieve(_ question: String, limit: Int) throws -> [Passage]
    /// The same with weighted extra words (synonyms of the question's words).
    func retrieve(_ question: String, expansion: [(word: String, weight: Double)], limit: Int) throws -> [Passage]
    /// The same within the given files only (relative paths).
    func retrieve(_ question: String, expansion: [(word: String, weight: Double)], limit: Int, paths: [String]) throws -> [Passage]
    /// The files the organization sees whose path contains one of the fragments, relative
    /// paths; empty when unknown.
    func documentPaths(containing fragments: [String]) throws -> [String]
    /// The first passage of each of the given files (score 0).
    func firstPassages(of paths: [String]) throws -> [Passage]
    /// How many passages hold each word, and how many there are; nil when unknown.
    func statistics(of words: [String]) throws -> TermStatistics?
}

extension PassageRetriever {
    public func retrieve(_ question: String, expansion: [(word: String, weight: Double)], limit: Int) throws -> [Passage] {
        try retrieve(question, limit: limit)
    }

    public func statistics(of words: [String]) throws -> TermStatistics? { nil }

    public func retrieve(_ question: String, expansion: [(word: String, weight: Double)], limit: Int, paths: [String]) throws -> [Passage] {
        let wanted = Set(paths)
        return try retrieve(question, expansion: expansion, limit: limit).filter { wanted.contains($0.path) }
    }

    public func documentPaths(containing fragments: [String]) throws -> [String] { [] }

    public func firstPassages(of paths: [String]) throws -> [Passage] { [] }
}

/// How the assistant widens a question for retrieval. General-purpose: nothing here knows
/// a domain's words.
public struct RetrievalTuning: Sendable, Equatable {
    /// Query weight of a synonym relative to a word of the question.
    public var synonymWeight = 0.3
    /// Query weight of a synonym of a phrase of the question ("call off": "cancel").
    public var phraseWeight = 0.5
    /// Synonyms taken per question word, and in all.
    public var synonymsPerWord = 4
    public var maxSynonyms = 20
    /// Pseudo-relevance feedback terms (RM3) from the best passages.
    public var feedbackTerms = 10

    public init() {}
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
    /// The model that decides whether the picked sentences are supported.
    public var decision = AnswerDecision.fitted
    public var tuning = RetrievalTuning()
    /// Passages retrieved per question.
    public var retrievalLimit = 8
    /// Passages retrieved first, for the re-ranking to choose from.
    public var poolSize = 30
    /// Passages added to the pool from files the question names, and how many files a
    /// word may name.
    public var namedFileLimit = 10
    public var maxNamedFiles = 2
    public var reranker = PassageReranker()
    /// Passages given to the model.
    public var modelPassages = 5
    /// Adds the key terms, the decision's features and the candidate answer to the notes
    /// (for calibrating).
    public var debug = false

    /// `threshold` overrides the fitted decision's threshold.
    public init(retriever: any PassageRetriever, prompts: Prompts = .defaults, llm: LLMClient? = nil, threshold: Double? = nil) {
        self.retriever = retriever
        self.prompts = prompts
        self.llm = llm
        if let threshold { decision.threshold = threshold }
    }

    public func answer(_ question: String) throws -> AssistantAnswer {
        let question = question.trimmingCharacters(in: .whitespacesAndNewlines)
        let keyWords = TextAnalysis.keyWords(question)
        let statistics = try retriever.statistics(of: keyWords.map(\.word))
        var expansion = expansion(of: keyWords, question: question, statistics: statistics)
        // "Where ...?" and "What is the address?" ask for a place, which texts call one.
        if QuestionIntent(question).place { expansion.append(("location", tuning.synonymWeight)) }
        // The question's words that say what it is about make the query; words any question
        // may hold ("use", "way", "work") count like synonyms.
        var query = question
        let specific = keyWords.filter { TextAnalysis.weight(of: $0.stem) >= 0.75 }
        if !specific.isEmpty {
            query = specific.map(\.word).joined(separator: " ")
            expansion += keyWords.filter { TextAnalysis.weight(of: $0.stem) < 0.75 }.map { ($0.word, tuning.synonymWeight) }
        }
        // A wider pool than is read, re-ordered by what BM25 does not weigh (titles, file
        // names, coverage of the question).
        var pool = try retriever.retrieve(query, expansion: expansion, limit: max(retrievalLimit, poolSize))
        // A question naming a file ("with useradd", "in fstab", "a tar archive") also
        // searches that file alone, where its words may be too common to rank otherwise.
        let place = QuestionIntent(question).place ? [(TextAnalysis.stem("location"), "location")] : []
        let named = try namedFiles(keyWords + place)
        if !named.isEmpty {
            var seen = Set(pool.map { "\($0.path):\($0.lineStart)" })
            // A file named only in its name ("location-and-parking.md" for "where"): its
            // first passage, which says what the file is about.
            let found = try retriever.retrieve(query, expansion: expansion, limit: namedFileLimit, paths: named)
            let silent = named.filter { path in !found.contains { $0.path == path } && !pool.contains { $0.path == path } }
            for p in try found + retriever.firstPassages(of: silent) where seen.insert("\(p.path):\(p.lineStart)").inserted {
                pool.append(p)
            }
        }
        let reranked = reranker.rerank(pool, terms: PassageReranker.weightedTerms(keyWords, statistics: statistics))
        let passages = reranked.prefix(retrievalLimit).map(\.passage)
        let extraction = extractor.extract(question: question, passages: passages, statistics: statistics)
        let probability = extraction.picks.isEmpty ? 0 : decision.probability(extraction.features)
        let confidence = Self.round(probability)
        var debugNotes: [String] = []
        if debug {
            let features = zip(AnswerFeatures.names, extraction.features.vector).map { "\"\($0)\": \(Self.round($1))" }.joined(separator: ", ")
            let candidate = extraction.picks.isEmpty ? nil : Self.extractiveAnswer(question: question, extraction: extraction, passages: passages, confidence: confidence)
            let cited = candidate?.citations.map { "\"\($0.location)\"" }.joined(separator: ", ") ?? ""
            let text = candidate.flatMap { try? JSONEncoder().encode($0.answer) }.map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
            debugNotes.append("terms: \(extraction.terms.joined(separator: " ")); passages: " + passages.map { "\($0.path):\($0.lineStart)-\($0.lineEnd) \(Self.round($0.score))" }.joined(separator: ", "))
            let signals = reranked.map { p, s in
                "\(p.path):\(p.lineStart)-\(p.lineEnd) " + s.vector.map { String(Self.round($0)) }.joined(separator: " ")
            }
            debugNotes.append("pool: " + signals.joined(separator: "; "))
            debugNotes.append("decision: {\(features), \"probability\": \(confidence), \"candidate\": \(text), \"cited\": [\(cited)]}")
        }
        guard !extraction.picks.isEmpty, probability >= decision.threshold else {
            let closest = passages.prefix(3).enumerated().map { index, p in
                Citation(n: index + 1, path: p.path, lineStart: p.lineStart, lineEnd: p.lineEnd, heading: p.heading, score: Self.round(p.score))
            }
            return AssistantAnswer(
                question: question, answered: false, answer: prompts.refusal, confidence: confidence,
                citations: closest, usedModel: false, notes: debugNotes)
        }
        var extractive = Self.extractiveAnswer(question: question, extraction: extraction, passages: passages, confidence: confidence)
        extractive.notes = debugNotes
        guard let llm else { return extractive }
        do {
            return try modelAnswer(question: question, passages: Array(passages.prefix(modelPassages)), llm: llm, confidence: confidence)
        } catch {
            extractive.notes.append("The model's answer was not used (\(error)); showing the extracted answer.")
            return extractive
        }
    }

    /// The files whose name holds one of the question's words, when that word names at most
    /// `maxNamedFiles` files (a word in many names, "debian" in a FAQ's chapters, names none).
    func namedFiles(_ keyWords: [(stem: String, word: String)]) throws -> [String] {
        // File names are matched by the first letters of the stems, then word by word.
        let paths = try retriever.documentPaths(containing: Array(Set(keyWords.map { String($0.stem.prefix(4)) })))
        guard !paths.isEmpty else { return [] }
        let names = paths.map { TextAnalysis.stems(PassageReranker.fileWords($0)) }
        var out: [String] = []
        for (stem, _) in keyWords {
            let hits = zip(paths, names).filter { $0.1.contains(stem) }.map(\.0)
            if !hits.isEmpty, hits.count <= maxNamedFiles { out += hits.filter { !out.contains($0) } }
        }
        return out
    }

    /// General-purpose synonyms (WordNet) of the question's words that the knowledge base
    /// uses, each weighted below the question's own words; retrieval drops the ones no
    /// passage holds anyway.
    func expansion(of keyWords: [(stem: String, word: String)], question: String, statistics: TermStatistics?) -> [(word: String, weight: Double)] {
        guard tuning.synonymWeight > 0 else { return [] }
        var out: [(word: String, weight: Double)] = []
        var seen = Set(keyWords.map(\.word))
        for (_, word) in keyWords {
            var taken = 0
            for synonym in WordNet.synonyms(of: word) where taken < tuning.synonymsPerWord && out.count < tuning.maxSynonyms {
                for part in synonym.split(separator: "-").map(String.init) where part.count > 2 && seen.insert(part).inserted {
                    out.append((part, tuning.synonymWeight))
                    taken += 1
                }
            }
        }
        // A phrase means what its synonyms say ("call off" a shutdown: "cancel" it), more
        // than a synonym of one of its words does.
        for (_, synonyms) in TextAnalysis.phraseSynonyms(question) {
            for synonym in synonyms.prefix(tuning.synonymsPerWord) where seen.insert(synonym).inserted {
                out.append((synonym, tuning.phraseWeight))
            }
        }
        return out
    }

    /// Passages up to this many lines are cited whole.
    static let maxCitedLines = 40

    /// The picked sentences joined, a `[n]` marker after each passage's run of sentences.
    static func extractiveAnswer(question: String, extraction: Extraction, passages: [Passage], confidence: Double) -> AssistantAnswer {
        var citations: [Citation] = []
        var parts: [String] = []
        var index = 0
        let picks = extraction.picks + extraction.support
        while index < picks.count {
            var end = index
            while end + 1 < picks.count, picks[end + 1].passageIndex == picks[index].passageIndex { end += 1 }
            let run = picks[index...end]
            let passage = passages[picks[index].passageIndex]
            // Table rows and list items carry no full stop of their own.
            var text = run.map { pick in
                let t = pick.sentence.text
                return run.count > 1 && !(t.last.map { ".!?:;".contains($0) } ?? true) ? t + "." : t
            }.joined(separator: " ")
            if text.hasSuffix(":") { text.removeLast() }
            index = end + 1
            // A run of punctuation only (a lone ":") says nothing and is not cited.
            guard text.contains(where: { $0.isLetter || $0.isNumber }) else { continue }
            let n = citations.count + 1
            // A short passage (a FAQ entry, an option, a section) is cited whole: the
            // sentences are its answer, the passage is where a reader checks it. A long one
            // is cited at the sentences' lines.
            let whole = passage.lineEnd - passage.lineStart < maxCitedLines
            citations.append(
                Citation(
                    n: n, path: passage.path, lineStart: whole ? passage.lineStart : run.map(\.sentence.lineStart).min()!,
                    lineEnd: whole ? passage.lineEnd : run.map(\.sentence.lineEnd).max()!, heading: passage.heading,
                    score: round(run.map(\.score).max()!)))
            // A definition is answered with its term ("-m, --create-home: Create the user's
            // home directory ..."), so the answer names what it defines.
            if let term = Self.definedTerm(of: passage), run.first!.sentence.lineStart <= passage.lineStart + 3,
                !text.contains(term)
            {
                text = (term.hasSuffix(":") ? String(term.dropLast()) : term) + ": " + text
                citations[citations.count - 1].lineStart = passage.lineStart
            }
            parts.append(text + " [\(n)]")
        }
        return AssistantAnswer(
            question: question, answered: true, answer: parts.joined(separator: " "), confidence: confidence,
            citations: citations, usedModel: false, notes: [])
    }

    /// The term a passage defines: its own title when the passage starts with it and it is
    /// neither a question, a numbered section nor a manual page's section name.
    static func definedTerm(of passage: Passage) -> String? {
        guard let title = passage.heading.components(separatedBy: "›").last?.trimmingCharacters(in: .whitespaces),
            !title.isEmpty, title.count <= 64, !title.hasSuffix("?")
        else { return nil }
        let firstLine = passage.text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        guard firstLine.split(whereSeparator: \.isWhitespace).joined(separator: " ") == title else { return nil }
        if title.first?.isNumber == true, title.split(separator: " ").first?.hasSuffix(".") == true { return nil }
        if title.lowercased().hasPrefix("chapter ") { return nil }
        let letters = title.filter(\.isLetter)
        if !letters.isEmpty, letters.allSatisfy(\.isUppercase) { return nil }
        return title
    }

    /// The model's answer, accepted only if it cites at least one passage and only given
    /// ones; its markers are renumbered to the citations it uses.
    func modelAnswer(question: String, passages: [Passage], llm: LLMClient, confidence: Double) throws -> AssistantAnswer {
        let reply = try llm.complete(system: prompts.system, user: prompts.userMessage(question: question, passages: passages))
        let cited = LLMClient.citedNumbers(in: reply)
        guard !cited.isEmpty else { throw LLMError.uncited }
        if let unknown = cited.first(where: { !(1...passages.count).contains($0) }) { throw LLMError.unknownCitation(unknown) }
        // One valid [n] is not enough: every sentence must say only what its passages say.
        try ModelReplyCheck.check(reply, passages: passages)
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
