import Foundation
import GRDB

/// Ranked retrieval over the index: BM25F (headings weighted above body text) computed by
/// `corbi_rank`, MaxScore-style pruning so common words never make FTS5 visit every row
/// they occur in, and RM3 pseudo-relevance feedback.
final class Searcher: @unchecked Sendable {
    /// Tunables, fixed by measurement on judged collections (see BENCHMARKS.md).
    struct Parameters {
        var k1 = 1.2
        var headingWeight = 2.0
        var bodyWeight = 1.0
        var headingB = 0.75
        var bodyB = 0.75
        /// Pseudo-relevance feedback (RM3): passages read, terms added (0: off), weight of the
        /// added terms. Off by default: on CISI it lifts nDCG@10 from 0.408 to 0.417 but
        /// doubles the latency of question-like searches on the 50 MB benchmark.
        var feedbackPassages = 10
        var feedbackTerms = 0
        var feedbackWeight = 0.3
        /// Rows of the first pass that feedback re-ranks (at least the limit).
        var rerankDepth = 20
        /// Longest query text read, and most distinct terms kept.
        var maxQueryCharacters = 32_768
        var maxTerms = 48
        /// Scores every matching row (no pruning); for checking that pruning changes nothing.
        var exhaustive = false
    }

    var parameters = Parameters()
    private let analyzer: QueryAnalyzer
    private let lock = NSLock()

    /// What stays true until the index is next written, keyed by FTS5's structure record
    /// (its cookie changes on every write): document frequencies (fts5vocab counts them
    /// by reading a term's whole doclist, about 0.5 ms for a common word) and whether any
    /// passage is scoped to an organization at all (if none is, the scope join is skipped).
    private struct IndexCache {
        var key = Data()
        var frequencies: [String: Int] = [:]
        var hasScopedPassages = true
    }
    private var cache = IndexCache()

    /// Brings the cache up to date with the index `db` reads.
    private func validateCache(_ db: Database) throws {
        let key = try Data.fetchOne(db.cachedStatement(sql: "SELECT block FROM chunkFTS_data WHERE id = 10")) ?? Data()
        let current = lock.withLock { cache.key == key && !key.isEmpty }
        if current { return }
        let scoped = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS(SELECT 1 FROM document WHERE scope <> '')")) ?? true
        lock.withLock { cache = IndexCache(key: key, frequencies: [:], hasScopedPassages: scoped) }
    }

    init(exhaustive: Bool = false) throws {
        analyzer = try QueryAnalyzer()
        parameters.exhaustive = exhaustive
    }

    /// A query term: how FTS5 is asked for it, and how much it counts.
    struct Term {
        var surface: String
        var stem: String
        var documentFrequency: Int
        var idf: Double
        /// Query weight (occurrences in the query, or the feedback weight).
        var weight: Double
        /// Upper bound of the term's contribution to a row's score.
        var maxScore = 0.0
    }

    /// Row count and average column lengths of what one organization sees.
    struct Statistics {
        var rows: Int
        var headingAverage: Double
        var bodyAverage: Double
        /// The organization scope ("" for shared files only).
        var scope = ""
        /// Whether other scopes' passages must be taken out of document frequencies.
        var excludesOtherScopes = false
    }

    /// `feedbackTerms` overrides the default number of feedback terms (0: no feedback).
    /// `expansion` adds weighted words (synonyms of the query's words, say) as query terms
    /// of their own: words the organization's passages never use are left out, and so are
    /// those the query already holds.
    /// `paths` (files relative to the root) restricts the search to those files.
    func search(
        _ db: Database, query: String, scope: String, limit: Int, feedbackTerms: Int? = nil, expansion: [(word: String, weight: Double)] = [],
        paths: [String]? = nil
    ) throws -> [Passage] {
        try validateCache(db)
        guard let stats = try statistics(db, scope: scope), stats.rows > 0 else { return [] }
        let text = String(query.prefix(parameters.maxQueryCharacters))
        let tokens = try lock.withLock { try analyzer.tokenize([text]) }.first ?? []
        var terms = try queryTerms(db, tokens: tokens, stats: stats)
        // Expansion words alone still search when the query's own words are all unknown to
        // the knowledge base ("address" where the files say "location").
        if !expansion.isEmpty {
            terms += try expansionTerms(db, expansion, excluding: Set(terms.map(\.stem)), stats: stats)
        }
        guard !terms.isEmpty else { return [] }
        var p = parameters
        if let feedbackTerms { p.feedbackTerms = feedbackTerms }
        var hits: [(Int64, Double)]
        if p.feedbackTerms > 0, p.feedbackWeight > 0 {
            // Feedback re-ranks the first pass's best rows: it reorders, and never brings in a
            // passage without a word of the query, at the cost of one seek per row.
            let first = try topRows(db, required: terms, stats: stats, scope: scope, limit: max(limit, p.rerankDepth), paths: paths)
            let (original, added) = try expand(db, terms: terms, feedback: Array(first.prefix(p.feedbackPassages)), stats: stats, feedbackTerms: p.feedbackTerms)
            hits = added.isEmpty ? first : try rescore(db, rows: first.map(\.0), terms: original + added, stats: stats)
        } else {
            hits = try topRows(db, required: terms, stats: stats, scope: scope, limit: limit, paths: paths)
        }
        hits = Array(hits.prefix(limit))
        let queryStems = Set(terms.map(\.stem))
        return try passages(db, hits: hits, stems: queryStems)
    }

    // MARK: - Terms

    private func queryTerms(_ db: Database, tokens: [QueryAnalyzer.Token], stats: Statistics) throws -> [Term] {
        var order: [String] = []
        var counts: [String: Int] = [:]
        var surfaces: [String: String] = [:]
        for token in tokens where !StopWords.english.contains(token.surface) && token.stem.count <= 64 {
            if counts[token.stem] == nil { order.append(token.stem); surfaces[token.stem] = token.surface }
            counts[token.stem, default: 0] += 1
        }
        var terms: [Term] = []
        for stem in order {
            let df = try documentFrequency(db, stem, stats)
            guard df > 0 else { continue }
            terms.append(Term(surface: surfaces[stem]!, stem: stem, documentFrequency: df, idf: idf(df, stats), weight: Double(counts[stem]!)))
        }
        if terms.count > parameters.maxTerms {
            terms = Array(terms.sorted { $0.idf * $0.weight > $1.idf * $1.weight }.prefix(parameters.maxTerms))
        }
        return terms
    }

    private func expansionTerms(_ db: Database, _ expansion: [(word: String, weight: Double)], excluding: Set<String>, stats: Statistics) throws -> [Term] {
        let tokenized = try lock.withLock { try analyzer.tokenize(expansion.map(\.word)) }
        var seen = excluding
        var terms: [Term] = []
        for ((_, weight), tokens) in zip(expansion, tokenized) where tokens.count == 1 && weight > 0 {
            let token = tokens[0]
            guard !StopWords.english.contains(token.surface), seen.insert(token.stem).inserted else { continue }
            let df = try documentFrequency(db, token.stem, stats)
            guard df > 0 else { continue }
            terms.append(Term(surface: token.surface, stem: token.stem, documentFrequency: df, idf: idf(df, stats), weight: weight))
        }
        return terms
    }

    /// How many of the passages the organization sees hold each word (by its stem), for
    /// telling the words a question shares with the knowledge base from those it never uses.
    func documentFrequencies(_ db: Database, words: [String], scope: String) throws -> [String: Int] {
        try validateCache(db)
        guard let stats = try statistics(db, scope: scope), stats.rows > 0 else { return [:] }
        let tokenized = try lock.withLock { try analyzer.tokenize(words) }
        var out: [String: Int] = [:]
        for (word, tokens) in zip(words, tokenized) {
            // A word the tokenizer cuts in two ("wi-fi") counts by its rarer part.
            out[word] = try tokens.map { try documentFrequency(db, $0.stem, stats) }.min() ?? 0
        }
        return out
    }

    /// Rows the organization sees, for turning document frequencies into idf.
    func visibleRows(_ db: Database, scope: String) throws -> Int {
        try validateCache(db)
        return try statistics(db, scope: scope)?.rows ?? 0
    }

    /// Passages the organization sees that hold `stem`: the whole index's count, less the
    /// other organizations' (`ScopeStatistics`).
    private func documentFrequency(_ db: Database, _ stem: String, _ stats: Statistics) throws -> Int {
        let key = stats.excludesOtherScopes ? stats.scope + "\u{0}" + stem : stem
        if let known = lock.withLock({ cache.frequencies[key] }) { return known }
        var df = try Int.fetchOne(db.cachedStatement(sql: "SELECT doc FROM chunkVocab WHERE term = ?"), arguments: [stem]) ?? 0
        if stats.excludesOtherScopes, df > 0 {
            df = max(0, df - (try ScopeStatistics.passagesOutside(db, scope: stats.scope, term: stem)))
        }
        lock.withLock {
            if cache.frequencies.count > 100_000 { cache.frequencies.removeAll() }
            cache.frequencies[key] = df
        }
        return df
    }

    private func idf(_ df: Int, _ stats: Statistics) -> Double {
        log(1 + (Double(stats.rows) - Double(df) + 0.5) / (Double(df) + 0.5))
    }

    /// Row count and average column lengths of what `scope` sees: FTS5's own "averages"
    /// record, less the other organizations' passages when there are any.
    func statistics(_ db: Database, scope: String) throws -> Statistics? {
        guard let blob = try Data.fetchOne(db, sql: "SELECT block FROM chunkFTS_data WHERE id = 1") else { return nil }
        var values: [Int64] = []
        var index = blob.startIndex
        while index < blob.endIndex, values.count < 3 {
            var value: Int64 = 0
            var length = 0
            while index < blob.endIndex {
                let byte = blob[index]
                index += 1
                length += 1
                if length == 9 { value = (value << 8) | Int64(byte); break }
                value = (value << 7) | Int64(byte & 0x7f)
                if byte & 0x80 == 0 { break }
            }
            values.append(value)
        }
        guard values.count == 3, values[0] > 0 else { return Statistics(rows: 0, headingAverage: 1, bodyAverage: 1) }
        var (rows, heading, body) = (Int(values[0]), Int(values[1]), Int(values[2]))
        let scoped = lock.withLock { cache.hasScopedPassages }
        if scoped {
            let outside = try ScopeStatistics.outside(db, scope: scope)
            rows -= outside.passages
            heading -= outside.headingTokens
            body -= outside.bodyTokens
        }
        guard rows > 0 else { return Statistics(rows: 0, headingAverage: 1, bodyAverage: 1) }
        return Statistics(
            rows: rows, headingAverage: max(Double(heading) / Double(rows), 1), bodyAverage: max(Double(body) / Double(rows), 1),
            scope: scope, excludesOtherScopes: scoped)
    }

    // MARK: - Ranking

    /// The best rows of the scope holding at least one of the `required` terms, with their
    /// scores over all terms (required and `extra`), best first: exactly those that scoring
    /// every such row would give, but FTS5 only visits the rows holding one of the
    /// "essential" (rarest) required terms, as long as the other terms together cannot lift
    /// a row without them above the current k-th score (the MaxScore bound).
    func topRows(
        _ db: Database, required: [Term], extra: [Term] = [], stats: Statistics, scope: String, limit: Int, paths: [String]? = nil
    ) throws -> [(Int64, Double)] {
        let p = parameters
        func bounded(_ list: [Term]) -> [Term] {
            list.map { t in
                var t = t
                t.maxScore = t.idf * t.weight * (p.k1 + 1)
                return t
            }.sorted { $0.maxScore > $1.maxScore }
        }
        let required = bounded(required)
        let terms = required + bounded(extra)
        let n = required.count
        // rest[i]: the most the terms outside required[..<i] can add to a row.
        var rest = Array(repeating: 0.0, count: n + 1)
        let extraTotal = terms[n...].reduce(0) { $0 + $1.maxScore }
        rest[n] = extraTotal
        for i in stride(from: n - 1, through: 0, by: -1) { rest[i] = rest[i + 1] + required[i].maxScore }
        let all = terms.map { phrase($0.surface) }.joined(separator: " OR ")
        // Start with the terms that are rare enough to be cheap to visit.
        var essential = 1
        while essential < n, required[essential].documentFrequency * 50 < stats.rows { essential += 1 }
        if p.exhaustive { essential = n }
        while true {
            let match: String
            let phraseStart: Int
            if essential >= n, extra.isEmpty {
                match = all
                phraseStart = 0
            } else {
                match = "(" + required[..<essential].map { phrase($0.surface) }.joined(separator: " OR ") + ") AND (" + all + ")"
                phraseStart = essential
            }
            let rows = try rank(db, match: match, phraseStart: phraseStart, terms: terms, stats: stats, scope: scope, limit: limit, paths: paths)
            if essential >= n { return rows }
            if rows.count >= limit, let threshold = rows.last?.1, threshold > rest[essential] {
                return rows
            }
            // Not proven yet: widen the essential set just enough for the k-th score seen.
            var next = essential + 1
            if rows.count >= limit, let threshold = rows.last?.1 {
                while next < n, rest[next] >= threshold { next += 1 }
            }
            essential = next
        }
    }

    private func rank(
        _ db: Database, match: String, phraseStart: Int, terms: [Term], stats: Statistics, scope: String, limit: Int, paths: [String]? = nil
    ) throws -> [(Int64, Double)] {
        let p = parameters
        var params: [Double] = [
            p.k1, Double(phraseStart), p.headingWeight, p.bodyWeight, p.headingB, p.bodyB, stats.headingAverage, stats.bodyAverage,
        ]
        params += terms.map { $0.maxScore }
        let blob = params.withUnsafeBufferPointer { Data(buffer: $0) }
        let scoped = lock.withLock { cache.hasScopedPassages }
        let statement: Statement
        let arguments: StatementArguments
        if let paths {
            // Few files, asked for by name: the rows of those files only (and only those the
            // scope sees).
            let marks = Array(repeating: "?", count: max(1, paths.count)).joined(separator: ", ")
            statement = try db.makeStatement(sql: """
                SELECT chunkFTS.rowid, corbi_rank(chunkFTS, ?) AS score
                FROM chunkFTS CROSS JOIN chunk ON chunk.id = chunkFTS.rowid
                WHERE chunkFTS MATCH ? AND chunk.scope IN ('', ?)
                  AND chunk.documentId IN (SELECT id FROM document WHERE path IN (\(marks)))
                ORDER BY score DESC, chunkFTS.rowid LIMIT ?
                """)
            var list: StatementArguments = [blob, match, scope]
            list += StatementArguments(paths.isEmpty ? [""] : paths)
            list += [limit]
            arguments = list
        } else if scoped {
            statement = try db.cachedStatement(sql: """
                SELECT chunkFTS.rowid, corbi_rank(chunkFTS, ?) AS score
                FROM chunkFTS CROSS JOIN chunk ON chunk.id = chunkFTS.rowid
                WHERE chunkFTS MATCH ? AND chunk.scope IN ('', ?)
                ORDER BY score DESC, chunkFTS.rowid LIMIT ?
                """)
            arguments = [blob, match, scope, limit]
        } else {
            // No passage is scoped: every row is visible, no seek into `chunk` per row.
            statement = try db.cachedStatement(sql: """
                SELECT chunkFTS.rowid, corbi_rank(chunkFTS, ?) AS score
                FROM chunkFTS WHERE chunkFTS MATCH ?
                ORDER BY score DESC, chunkFTS.rowid LIMIT ?
                """)
            arguments = [blob, match, limit]
        }
        var out: [(Int64, Double)] = []
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        while let row = try rows.next() { out.append((row[0], row[1])) }
        return out
    }

    /// Scores the given rows again over `terms`, best first.
    private func rescore(_ db: Database, rows: [Int64], terms unsorted: [Term], stats: Statistics) throws -> [(Int64, Double)] {
        let p = parameters
        var terms = unsorted
        for i in terms.indices { terms[i].maxScore = terms[i].idf * terms[i].weight * (p.k1 + 1) }
        let match = terms.map { phrase($0.surface) }.joined(separator: " OR ")
        var params: [Double] = [
            p.k1, 0, p.headingWeight, p.bodyWeight, p.headingB, p.bodyB, stats.headingAverage, stats.bodyAverage,
        ]
        params += terms.map(\.maxScore)
        let blob = params.withUnsafeBufferPointer { Data(buffer: $0) }
        let statement = try db.cachedStatement(
            sql: "SELECT corbi_rank(chunkFTS, ?) FROM chunkFTS WHERE chunkFTS MATCH ? AND chunkFTS.rowid = ?")
        var out: [(Int64, Double)] = []
        for id in rows {
            let score = try Double.fetchOne(statement, arguments: [blob, match, id]) ?? 0
            out.append((id, score))
        }
        return out.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
    }

    /// One FTS5 phrase for one token: quoted, so no user text is ever FTS5 syntax.
    private func phrase(_ surface: String) -> String {
        "\"" + surface.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - Feedback

    /// RM3: the query's own terms plus the terms most typical of the top passages,
    /// weighted by how well those passages scored. The passages are cut into words here,
    /// on bytes; only the few best candidate words go through FTS5's stemmer.
    private func expand(
        _ db: Database, terms: [Term], feedback: [(Int64, Double)], stats: Statistics, feedbackTerms: Int
    ) throws -> ([Term], [Term]) {
        var p = parameters
        p.feedbackTerms = feedbackTerms
        guard feedback.count >= 2 else { return (terms, []) }
        let total = feedback.reduce(0) { $0 + $1.1 }
        guard total > 0 else { return (terms, []) }
        let statement = try db.cachedStatement(sql: "SELECT heading, body FROM chunk WHERE id = ?")
        var relevance: [String: Double] = [:]
        for (id, score) in feedback {
            guard let row = try Row.fetchOne(statement, arguments: [id]) else { continue }
            let words = Self.words((row[0] as String) + "\n" + (row[1] as String))
            guard !words.isEmpty else { continue }
            var counts: [String: Int] = [:]
            for word in words { counts[word, default: 0] += 1 }
            let weight = score / total / Double(words.count)
            for (word, count) in counts where word.utf8.count > 1 && !StopWords.english.contains(word) {
                relevance[word, default: 0] += weight * Double(count)
            }
        }
        let best = relevance.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
            .filter { !$0.key.allSatisfy(\.isNumber) }
            .prefix(p.feedbackTerms * 4)
        let stemmed = try lock.withLock { try analyzer.tokenize(best.map(\.key)) }
        var byStem: [String: (surface: String, rel: Double)] = [:]
        var order: [String] = []
        for ((_, rel), tokens) in zip(best, stemmed) where tokens.count == 1 {
            let stem = tokens[0].stem
            if let existing = byStem[stem] {
                byStem[stem] = (existing.surface, existing.rel + rel)
            } else {
                byStem[stem] = (tokens[0].surface, rel)
                order.append(stem)
            }
        }
        var candidates: [Term] = []
        for stem in order.sorted(by: { byStem[$0]!.rel > byStem[$1]!.rel }) {
            if candidates.count >= p.feedbackTerms { break }
            let df = try documentFrequency(db, stem, stats)
            guard df > 1 else { continue }
            let entry = byStem[stem]!
            candidates.append(Term(surface: entry.surface, stem: stem, documentFrequency: df, idf: idf(df, stats), weight: entry.rel))
        }
        // Original terms keep their relative weights; feedback terms share feedbackWeight.
        let originalTotal = terms.reduce(0) { $0 + $1.weight }
        let feedbackTotal = candidates.reduce(0) { $0 + $1.weight }
        var original = terms
        for i in original.indices { original[i].weight = (1 - p.feedbackWeight) * original[i].weight / originalTotal }
        var index: [String: Int] = [:]
        for (i, t) in original.enumerated() { index[t.stem] = i }
        var added: [Term] = []
        if feedbackTotal > 0 {
            for t in candidates {
                let w = p.feedbackWeight * t.weight / feedbackTotal
                if let i = index[t.stem] { original[i].weight += w } else {
                    var t = t
                    t.weight = w
                    added.append(t)
                }
            }
        }
        return (original, added)
    }

    /// Lower-cased words of a text (letters and digits; other bytes separate), as FTS5's
    /// unicode61 tokenizer cuts ASCII text.
    static func words(_ text: String) -> [String] {
        var out: [String] = []
        var word: [UInt8] = []
        for b in text.utf8 {
            if (b >= 48 && b <= 57) || (b >= 97 && b <= 122) || b >= 0x80 {
                word.append(b)
            } else if b >= 65 && b <= 90 {
                word.append(b + 32)
            } else if !word.isEmpty {
                out.append(String(decoding: word, as: UTF8.self))
                word.removeAll(keepingCapacity: true)
            }
        }
        if !word.isEmpty { out.append(String(decoding: word, as: UTF8.self)) }
        return out
    }

    // MARK: - Passages

    private func passages(_ db: Database, hits: [(Int64, Double)], stems: Set<String>) throws -> [Passage] {
        let statement = try db.cachedStatement(sql: """
            SELECT document.path, chunk.lineStart, chunk.lineEnd, chunk.heading, chunk.body
            FROM chunk JOIN document ON document.id = chunk.documentId WHERE chunk.id = ?
            """)
        var out: [Passage] = []
        for (id, score) in hits {
            guard let row = try Row.fetchOne(statement, arguments: [id]) else { continue }
            let body: String = row[4]
            out.append(Passage(
                path: row[0], lineStart: row[1], lineEnd: row[2], heading: row[3], text: body,
                score: (score * 10_000).rounded() / 10_000, snippet: Snippet.make(body, stems: stems)))
        }
        return out
    }
}
