import CorbiKnowledge
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

    /// `path:12-14` (`path:12-12` for one line, so scripts read one shape).
    public var location: String { "\(path):\(lineStart)-\(lineEnd)" }
}

/// What the extractor found: the chosen sentences with their passages, and how well
/// they cover the question.
public struct Extraction: Sendable, Equatable {
    public struct Pick: Sendable, Equatable {
        public var sentence: Sentence
        public var passageIndex: Int
        public var score: Double
    }
    /// The answer's sentences, in reading order, from one passage.
    public var picks: [Pick]
    /// Sentences of other passages that support the answer, grouped by passage, best first.
    public var support: [Pick] = []
    /// 0...1: how much of the question the picked sentences (and their headings) cover.
    public var confidence: Double
    /// The question's key terms.
    public var terms: [String]
    /// What the answer decision weighs.
    public var features = AnswerFeatures()

    public static let empty = Extraction(picks: [], support: [], confidence: 0, terms: [])
}

/// Picks the one to three sentences of the best passages that answer a question, with
/// no model: coverage of the question's key words, closeness, and the passage's rank.
public struct AnswerExtractor: Sendable {
    /// Below this confidence (the decision's probability) the knowledge base is taken not
    /// to hold an answer.
    public static let defaultThreshold = AnswerDecision.fitted.threshold

    public var maxSentences = 3
    /// How much the retrieval rank counts against a passage's coverage: a passage scoring
    /// nothing keeps `1 - rankStrength` of its sentences' score. Measured on the
    /// development half of `eval/`: the retriever's order is worth more than a sentence's
    /// word overlap (0.3: 31 good candidates of 68, 0.6: 34, 0.9: 35).
    public var rankStrength = 0.9
    /// What a section titled with the question's words adds to its sentences' score.
    public var titleBonus = 0.1
    /// How many of the retrieved passages are read.
    public var maxPassages = 6
    /// Most passages an answer cites (the best one and those supporting it).
    public var maxCitations = 3
    /// Supporting passages are looked for among the first `supportDepth` retrieved, with a
    /// retrieval score at least `supportRatio` of the best one's and a window covering at
    /// least `supportCoverage` of the question.
    public var supportDepth = 3
    public var supportRatio = 0.5
    public var supportCoverage = 0.3

    public init() {}

    /// `statistics` (the knowledge base's counts of the question's words) weights rare
    /// words above common ones and sets apart the words no passage uses; without it every
    /// word counts as known.
    public func extract(question: String, passages: [Passage], statistics: TermStatistics? = nil) -> Extraction {
        let intent = QuestionIntent(question)
        var keyWords = TextAnalysis.keyWords(question)
        // "Where ...?" asks for a place: the words of addresses and directions answer it.
        let placeTerm = TextAnalysis.stem("location")
        if intent.place && !keyWords.contains(where: { $0.stem == placeTerm }) { keyWords.append((placeTerm, "location")) }
        var terms = keyWords.map(\.stem)
        var features = AnswerFeatures()
        // Words the knowledge base never uses can neither support nor sink an answer: they
        // leave the coverage and are counted apart.
        let genericWeights = terms.map(TextAnalysis.weight(of:))
        var idfWeights: [Double] = []
        var unknownWeight = 0.0
        var kept: [(stem: String, word: String)] = []
        for ((stem, word), generic) in zip(keyWords, genericWeights) {
            guard let statistics, statistics.passages > 0, stem != placeTerm else {
                kept.append((stem, word)); idfWeights.append(generic); continue
            }
            let df = statistics.frequencies[word] ?? 0
            if df == 0 { unknownWeight += generic; continue }
            let n = Double(statistics.passages)
            let rarity = log(1 + n / Double(df)) / log(1 + n)
            kept.append((stem, word))
            idfWeights.append(generic * (0.3 + 0.7 * rarity))
        }
        let totalGeneric = genericWeights.reduce(0, +)
        features.unknownShare = totalGeneric > 0 ? unknownWeight / totalGeneric : 0
        // A name the knowledge base never mentions ("Bitcoin", "Invisalign") says the
        // question is about something it does not cover.
        if let statistics, statistics.passages > 0 {
            let names = question.split(whereSeparator: { $0.isWhitespace }).dropFirst()
                .filter { $0.first?.isUppercase == true }.flatMap { TextAnalysis.words(String($0)) }
            if names.contains(where: { (statistics.frequencies[$0] ?? -1) == 0 }) { features.unknownName = 1 }
        }
        features.knownTerms = Double(kept.count)
        terms = kept.map(\.stem)
        guard !terms.isEmpty, !passages.isEmpty else { return Extraction(picks: [], confidence: 0, terms: terms, features: features) }
        let weights = idfWeights
        let totalWeight = weights.reduce(0, +)
        var synonymSets: [String: Set<String>] = [:]
        // Words any text uses in many senses ("go", "make", "take") match no synonym: "last"
        // would otherwise find "gone".
        for (stem, word) in kept { synonymSets[stem] = TextAnalysis.synonymStems(ofWord: word).subtracting(TextAnalysis.genericTerms).union([stem]) }
        // A phrase's synonyms count for each of its key words ("call off": "cancel" covers "call").
        for (words, synonyms) in TextAnalysis.phraseSynonyms(question) {
            let stems = Set(synonyms.map(TextAnalysis.stem))
            for word in words {
                let stem = TextAnalysis.stem(word)
                if synonymSets[stem] != nil { synonymSets[stem]!.formUnion(stems) }
            }
        }
        func matches(_ term: String, _ stems: Set<String>) -> Bool {
            if stems.contains(term) { return true }
            guard let synonyms = synonymSets[term], synonyms.count > 1 else { return false }
            return !synonyms.isDisjoint(with: stems)
        }

        struct Candidate {
            var sentence: Sentence
            var stems: Set<String>
            /// The words of the sentence's own section title (and table header row).
            var section: Set<String>
            /// The words of the headings above that, and of the file name.
            var parent: Set<String>
            var passageIndex: Int
            var position: Int
            /// Which section of the passage (headings inside a passage start new ones).
            var sectionNumber: Int
        }
        var candidates: [[Candidate]] = []
        var everywhere = Set<String>()
        for (index, passage) in passages.prefix(maxPassages).enumerated() {
            let sentences = SentenceSplitter.sentences(text: passage.text, firstLine: passage.lineStart)
            let headings = passage.heading.components(separatedBy: "›")
            var section = TextAnalysis.stems(headings.last ?? "")
            var parent = TextAnalysis.stems(headings.dropLast().joined(separator: " "))
                .union(TextAnalysis.stems((passage.path as NSString).deletingPathExtension))
            var list: [Candidate] = []
            var tableHeader: Set<String> = []
            var previousWasRow = false
            var sectionNumber = 0
            let ownTitle = (headings.last ?? "").trimmingCharacters(in: .whitespaces)
            for var sentence in sentences {
                let stems = TextAnalysis.stems(sentence.text)
                everywhere.formUnion(stems)
                // A plain-text passage starts with its title (a term, an option): context,
                // never an answer.
                if sentence.lineStart == passage.lineStart, !ownTitle.isEmpty, sentence.text == ownTitle { sentence.isHeading = true }
                if sentence.isHeading {
                    // The passage may hold a sub-section: its title becomes the nearest one.
                    if !list.isEmpty || !stems.isSubset(of: section) {
                        if list.isEmpty { parent.formUnion(section) }
                        section = stems
                        sectionNumber += 1
                    }
                    continue
                }
                // The first row of a table names its columns: context for the rows below.
                let isRow = sentence.isTableRow
                if isRow && !previousWasRow { tableHeader = stems }
                if !isRow { tableHeader = [] }
                previousWasRow = isRow
                list.append(Candidate(
                    sentence: sentence, stems: stems, section: isRow ? section.union(tableHeader) : section,
                    parent: parent, passageIndex: index, position: list.count, sectionNumber: sectionNumber))
            }
            everywhere.formUnion(section.union(parent))
            candidates.append(list)
        }

        // Credit of each term: 1 for the word itself, 0.8 for a shared long prefix
        // ("orthodontic" / "orthodontist"), 0.75 for a synonym; when only a heading has it,
        // 0.9 for the sentence's own section title and 0.6 for the headings above.
        func credit(_ term: String, _ stems: Set<String>, _ section: Set<String>, _ parent: Set<String>) -> Double {
            if stems.contains(term) { return 1 }
            var best = prefixMatches(term, stems) ? 0.8 : matches(term, stems) ? 0.75 : 0
            if best < 0.9, matches(term, section) || prefixMatches(term, section) { best = 0.9 }
            if best < 0.6, matches(term, parent) || prefixMatches(term, parent) { best = 0.6 }
            return best
        }
        func coverage(_ stems: Set<String>, _ section: Set<String>, _ parent: Set<String>) -> Double {
            var covered = 0.0
            for (term, weight) in zip(terms, weights) { covered += credit(term, stems, section, parent) * weight }
            return covered / totalWeight
        }
        func covers(_ term: String, _ stems: Set<String>) -> Bool { matches(term, stems) || prefixMatches(term, stems) }
        // The retriever's own ranking counts: by score against the best one when scores
        // are positive, else by position.
        let topScore = passages.first?.score ?? 0
        func rankFactor(_ index: Int) -> Double {
            let floor = 1 - rankStrength
            let byPosition = max(floor, 1 - rankStrength / 5 * Double(index))
            guard topScore > 0, index < passages.count, passages[index].score > 0 else { return byPosition }
            return max(floor, min(byPosition, floor + rankStrength * passages[index].score / topScore))
        }
        func sentenceScore(_ c: Candidate) -> Double {
            coverage(c.stems, c.section, c.parent) * rankFactor(c.passageIndex)
        }

        // A window of neighbours in one passage around an anchor sentence, grown while
        // they add something: a key word not covered yet, the items a lead-in sentence
        // announces, or (for "what should I do" questions) the next step of the section.
        func window(around anchor: Candidate) -> [Int] {
            let list = candidates[anchor.passageIndex]
            var window = [anchor.position]
            var stems = anchor.stems
            // A section title covers its sentences already.
            func adds(_ c: Candidate) -> Bool {
                terms.contains { !covers($0, stems) && !covers($0, anchor.section) && covers($0, c.stems) }
            }
            // Table rows grow into rows, prose into prose.
            func fits(_ index: Int) -> Bool {
                list[index].sectionNumber == anchor.sectionNumber && list[index].sentence.isTableRow == anchor.sentence.isTableRow
            }
            while window.count < maxSentences {
                let first = window.min()!, last = window.max()!
                // Only within the anchor's own section.
                let after = last + 1 < list.count && fits(last + 1) ? last + 1 : nil
                let before = first > 0 && fits(first - 1) ? first - 1 : nil
                var next: Int?
                if let after, list[last].sentence.isLeadIn {
                    next = after
                } else if let after, adds(list[after]) {
                    next = after
                } else if let before, list[before].sentence.isLeadIn || adds(list[before]) {
                    next = before
                } else if intent.readsOn, let after {
                    next = after
                }
                guard let n = next else { break }
                window.append(n)
                stems.formUnion(list[n].stems)
            }
            return window.sorted()
        }
        let termSet = Set(terms)
        func windowScore(_ positions: [Int], in list: [Candidate]) -> (score: Double, coverage: Double) {
            let members = positions.map { list[$0] }
            let anchor = members[0]
            let stems = members.reduce(into: Set<String>()) { $0.formUnion($1.stems) }
            let covered = coverage(stems, anchor.section, anchor.parent)
            var s = covered * rankFactor(anchor.passageIndex)
            let texts = members.map(\.sentence.text)
            // The kind of fact asked for (a price for "how much") weighs like a key word.
            // The kind of fact asked for counts by how much of the question the sentence that
            // holds it covers itself: "numb for 2 to 4 hours" answers how long numbness lasts,
            // a neighbouring "24 hours to reach full strength" does not.
            let factCoverage = members.filter { intent.matches($0.sentence.text) }
                .map { coverage($0.stems, anchor.section, anchor.parent) }.max()
            if let factCoverage { s += 0.2 * min(1, factCoverage / max(covered, 1e-9)) }
            if intent.name, texts.contains(where: QuestionIntent.hasInnerCapital) { s += 0.05 }
            // Sentences that only repeat the question's words answer nothing.
            let novel = stems.filter { stem in !termSet.contains(stem) && !terms.contains { covers($0, [stem]) } }.count
            if novel > 0 { s += 0.03 }
            let words = texts.reduce(0) { $0 + $1.split(separator: " ").count }
            // A fragment of prose ("a knocked-out tooth;") rarely answers; a table row is terse by nature.
            if words < 4 && !anchor.sentence.isTableRow && !texts.contains(where: { $0.contains(where: \.isNumber) }) { s -= 0.1 }
            // A section titled with the question ("Do I need an appointment?") holds its answer.
            let titled = zip(terms, weights).reduce(0.0) { $0 + (covers($1.0, anchor.section) ? $1.1 : 0) }
            s += titleBonus * titled / totalWeight
            if texts.reduce(0, { $0 + $1.count }) > 350 { s -= 0.05 }
            if texts.allSatisfy(\.isEmpty) { s = 0 }
            if intent.readsOn {
                // "What should I do with X": a section titled X is the answer.
                if titled >= totalWeight / 2 { s += 0.05 }
            } else {
                s -= 0.02 * Double(positions.count - 1)
            }
            // Ties go to the sentence nearer its section's start; steps and lists are read
            // from their first item.
            let sectionStart = list.firstIndex { $0.sectionNumber == anchor.sectionNumber } ?? 0
            s -= (intent.readsOn ? 0.02 : 0.002) * Double(min(positions[0] - sectionStart, 10))
            if members.count == 1 && anchor.sentence.isLeadIn { s -= 0.05 }
            return (s, covered)
        }

        var best: (positions: [Int], passage: Int, score: Double, coverage: Double)?
        // Each passage's own best window, for the supporting passages below.
        var bestOfPassage: [Int: (positions: [Int], score: Double, coverage: Double)] = [:]
        for list in candidates {
            for c in list {
                let positions = window(around: c)
                let (s, covered) = windowScore(positions, in: list)
                if best == nil || s > best!.score + 1e-9 { best = (positions, c.passageIndex, s, covered) }
                if bestOfPassage[c.passageIndex].map({ s > $0.score + 1e-9 }) ?? true {
                    bestOfPassage[c.passageIndex] = (positions, s, covered)
                }
            }
        }
        guard let best, best.score > 0, best.coverage > 0 else { return Extraction(picks: [], confidence: 0, terms: terms, features: features) }
        let list = candidates[best.passage]
        let picks = best.positions.map { Extraction.Pick(sentence: list[$0].sentence, passageIndex: best.passage, score: sentenceScore(list[$0])) }
        var stems = best.positions.reduce(into: Set<String>()) { $0.formUnion(list[$1].stems) }
        let anchor = list[best.positions[0]]
        var confidence = best.coverage

        // Other passages that support the answer: among the best retrieved ones, each one's
        // best window when the passage scored close to the best one and the window covers
        // much of the question. A reader (and a checker) then has the two or three places
        // that say it, and a retrieval that ranked the right passage second still answers.
        var support: [Extraction.Pick] = []
        var supportCoverages: [Double] = []
        // When the answer lacks the kind of fact asked for (a price, a time), a passage further
        // down that has it supports the answer too.
        let bestHasFact = best.positions.contains { intent.matches(list[$0].sentence.text) }
        let factWanted = intent.wantsFact && !bestHasFact
        var offers: [(index: Int, positions: [Int], coverage: Double, hasFact: Bool)] = []
        for (index, list) in candidates.enumerated() where index != best.passage && !list.isEmpty {
            let near = index < supportDepth && (topScore <= 0 || passages[index].score >= supportRatio * topScore)
            guard near || factWanted else { continue }
            guard let found = bestOfPassage[index], found.coverage >= supportCoverage, found.coverage >= 0.5 * best.coverage else { continue }
            let hasFact = found.positions.contains { intent.matches(list[$0].sentence.text) }
            if !near, !hasFact { continue }
            offers.append((index, found.positions, found.coverage, hasFact && factWanted))
        }
        // The fact the answer lacks first, then by rank.
        offers.sort { ($0.hasFact ? 0 : 1, $0.index) < ($1.hasFact ? 0 : 1, $1.index) }
        for offer in offers.prefix(maxCitations - 1) {
            let list = candidates[offer.index]
            support += offer.positions.map { Extraction.Pick(sentence: list[$0].sentence, passageIndex: offer.index, score: sentenceScore(list[$0])) }
            supportCoverages.append(offer.coverage)
            stems.formUnion(offer.positions.reduce(into: Set<String>()) { $0.formUnion(list[$1].stems) })
        }
        features.supportCount = Double(supportCoverages.count)
        features.citedCoverage = coverage(stems, anchor.section, anchor.parent)

        // A key word found nowhere in what was retrieved means the knowledge base is
        // probably about something else.
        let missing = zip(terms, weights).filter { term, weight in
            weight >= 1 && term != placeTerm && !covers(term, everywhere)
        }
        if !missing.isEmpty { confidence *= 0.75 }
        if best.passage > 0 { confidence *= 0.97 }
        confidence = (min(1, max(0, confidence)) * 1000).rounded() / 1000

        features.sentenceCoverage = best.coverage
        let chosen = passages[best.passage]
        let passageStems = TextAnalysis.stems(chosen.text).union(TextAnalysis.stems(chosen.heading))
        features.passageCoverage = coverage(passageStems, [], [])
        let title = chosen.heading.components(separatedBy: "›").last ?? ""
        features.titleCoverage = coverage(TextAnalysis.stems(title), [], [])
        let maxWeight = weights.max() ?? 1
        features.missingRareWord = zip(terms, weights).filter { !covers($0.0, passageStems) }.map { $0.1 / maxWeight }.max() ?? 0
        let scores = passages.map(\.score)
        if let top = scores.first, top > 0 {
            features.scoreRatio = max(0, chosen.score / top)
            features.margin = scores.count > 1 ? max(0, (top - scores[1]) / top) : 1
        } else {
            features.scoreRatio = best.passage == 0 ? 1 : 0.5
        }
        features.rank = Double(best.passage)
        features.answerType = (picks + support).map(\.sentence.text).contains(where: intent.matches) ? 1 : 0
        features.unknownFocus = features.unknownShare * (1 - features.answerType)
        if let kind = intent.expectedKind {
            // An option's passage is titled by the option; its sentences only describe it.
            let held = picks.contains { QuestionIntent.holds(kind, $0.sentence.text, question: question) }
                || (kind == .option && QuestionIntent.holds(kind, title, question: question))
            features.answerTypeMissing = held ? 0 : 1
        }
        return Extraction(picks: picks, support: support, confidence: confidence, terms: terms, features: features)
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
    /// "What should I do ...", "How do I ...": the steps that follow belong to the answer.
    var procedure = false
    /// "Who ...", "Which ...": a name is expected.
    var name = false
    /// "Where ...": a place is expected.
    var place = false
    /// Steps and addresses run over several lines: the answer reads on in its section.
    var readsOn: Bool { procedure || place }
    /// A question whose answer is a kind of fact `matches` recognizes.
    var wantsFact: Bool { amount || time || duration || count }

    init(_ question: String) {
        let q = " " + TextAnalysis.words(question).joined(separator: " ") + " "
        amount = ["how much", "cost", "price", "fee", "charge", "pay "].contains { q.contains($0) }
        time = [" when ", "what time", " hours", " open", " close"].contains { q.contains($0) }
        duration = q.contains("how long")
        count = q.contains("how many")
        procedure = [" what should i ", " what do i do", " what to do", " how do i ", " how should i ", " what happens "].contains { q.contains($0) }
        place = q.hasPrefix(" where ") || q.contains(" where is ") || q.contains(" where are ") || q.contains(" how do i get to ")
            || q.contains(" address ")
        name = q.hasPrefix(" who ") || q.hasPrefix(" which ") || q.contains(" who ")
        person = q.hasPrefix(" who ") || q.hasPrefix(" whom ")
        option = (q.hasPrefix(" which ") || q.hasPrefix(" what ")) && [" option ", " flag ", " switch "].contains { q.contains($0) }
        date = q.hasPrefix(" when ") || [" what year ", " which year ", " what date "].contains { q.contains($0) }
        quantity = [" how many ", " how much ", " how long ", " how often "].contains { q.hasPrefix($0) }
    }

    /// The one kind of fact a question plainly asks for, by its first words; nil when it
    /// asks for an explanation or steps ("How do I ...", "What is ...").
    enum Kind { case person, option, date, number }

    var expectedKind: Kind? {
        if option { return .option }
        if person { return .person }
        if date { return .date }
        if quantity { return .number }
        return nil
    }
    /// "Who ...", "Whom ...".
    var person = false
    /// "Which option ...", "What flag ...".
    var option = false
    /// "When ...", "In what year ...".
    var date = false
    /// "How many / much / long / often ...".
    var quantity = false

    /// Whether a sentence holds a fact of the kind: a name not taken from the question (or
    /// an e-mail address), a command-line option, a digit, a number word.
    static func holds(_ kind: Kind, _ text: String, question: String) -> Bool {
        switch kind {
        case .person:
            if text.contains("@") { return true }
            let asked = Set(TextAnalysis.words(question))
            let tokens = text.split(whereSeparator: \.isWhitespace)
            // A capital after the first word and not starting a sentence ("... by Bruce Perens").
            return zip(tokens, tokens.dropFirst()).contains { previous, token in
                guard token.first?.isUppercase == true, let end = previous.last, !".!?:".contains(end) else { return false }
                return TextAnalysis.words(String(token)).contains { !asked.contains($0) && $0.first?.isLetter == true }
            }
        case .option:
            return text.range(of: #"(^|[\s\[(])--?[A-Za-z0-9]"#, options: .regularExpression) != nil
        case .date:
            return text.contains(where: \.isNumber)
        case .number:
            if text.contains(where: \.isNumber) { return true }
            let numbers: Set<String> = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "hundred", "thousand", "once", "twice"]
            return TextAnalysis.words(text).contains(where: numbers.contains)
        }
    }

    /// A capitalised word after the first one: a name ("Zilveren Kruis", "Dr. Haddad").
    static func hasInnerCapital(_ text: String) -> Bool {
        text.split(separator: " ").dropFirst().contains { $0.first?.isUppercase == true }
    }

    func matches(_ text: String) -> Bool {
        let hasDigit = text.contains(where: \.isNumber)
        if amount && (text.contains(where: { "€$£".contains($0) }) || (hasDigit && text.lowercased().contains("eur"))) { return true }
        if time && (text.range(of: #"\d{1,2}[:.]\d{2}|\d\s?(am|pm|a\.m\.|p\.m\.)"#, options: [.regularExpression, .caseInsensitive]) != nil) { return true }
        if duration && (text.range(of: #"\d+\s*(minute|min|hour|day|week|month|year)"#, options: [.regularExpression, .caseInsensitive]) != nil) { return true }
        if count && hasDigit { return true }
        if place && hasDigit && Self.hasInnerCapital(text) { return true }
        return false
    }
}
