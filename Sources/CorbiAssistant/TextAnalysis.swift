import Foundation

/// Words, stems and the small vocabulary knowledge the extractor needs to compare a
/// question with the sentences of the knowledge base.
public enum TextAnalysis {
    /// Lower-cased word tokens (letters and digits; `check-up` gives `check`, `up` and
    /// `checkup`, so "Wi-Fi" meets "wifi"; `don't` gives `don`).
    public static func words(_ text: String) -> [String] {
        var result: [String] = []
        var current = String.UnicodeScalarView()
        var skipping = false
        var hyphenated: String?
        func flush() {
            if !current.isEmpty {
                let word = String(current)
                result.append(word)
                if let first = hyphenated { result.append(first + word) }
            }
            current = String.UnicodeScalarView()
        }
        for scalar in text.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                if !skipping { current.append(scalar) }
            } else if (scalar == "'" || scalar == "\u{2019}") && !current.isEmpty {
                // The possessive or contraction tail adds nothing to match on.
                flush()
                hyphenated = nil
                skipping = true
            } else if scalar == "-" && !current.isEmpty && !skipping {
                let first = String(current)
                flush()
                hyphenated = first
            } else {
                flush()
                hyphenated = nil
                skipping = false
            }
        }
        flush()
        return result
    }

    /// The question's key terms: stems of its words without stop words, in order, unique.
    public static func keyTerms(_ text: String) -> [String] {
        var seen = Set<String>()
        var terms: [String] = []
        for word in words(text) where !stopWords.contains(word) {
            let stem = stem(word)
            if stem.isEmpty || stopWords.contains(stem) { continue }
            if seen.insert(stem).inserted { terms.append(stem) }
        }
        return terms
    }

    /// Stems of all words of a text (stop words kept out), for matching.
    public static func stems(_ text: String) -> Set<String> {
        Set(words(text).filter { !stopWords.contains($0) }.map(stem))
    }

    /// How much a key term counts: words that any question could contain count less.
    public static func weight(of term: String) -> Double {
        if genericTerms.contains(term) { return 0.25 }
        // "Where" asks for a place, but the place words are many and the thing asked about counts more.
        if term == stem("location") { return 0.75 }
        if term.allSatisfy(\.isNumber) { return 0.8 }
        return 1.0
    }

    /// A light English stemmer (plural, -ing, -ed, -ation, -ly, ...): enough to match
    /// "cancelling", "cancellation" and "cancel", never so strong that unrelated words meet.
    public static func stem(_ word: String) -> String {
        var w = word
        if let irregular = irregularStems[w] { return irregular }
        guard w.count > 3, w.allSatisfy({ $0.isLetter }) else { return w }
        let suffixes: [(String, String, Int)] = [
            ("ational", "ate", 3), ("ization", "ize", 3), ("isation", "ize", 3), ("ations", "ate", 3), ("ation", "ate", 3),
            ("ements", "", 3), ("ement", "", 3), ("ments", "", 3), ("ment", "", 3),
            ("nesses", "", 3), ("ness", "", 3), ("ities", "", 3), ("ity", "", 3),
            ("ously", "ous", 3), ("ically", "ic", 3), ("ingly", "", 4), ("edly", "", 4),
            ("ies", "y", 2), ("ied", "y", 2), ("ing", "", 4), ("ed", "", 4), ("ly", "", 4),
            ("sses", "ss", 2), ("es", "e", 3), ("s", "", 3),
        ]
        for (suffix, replacement, minimum) in suffixes where w.hasSuffix(suffix) {
            if suffix == "s" && (w.hasSuffix("ss") || w.hasSuffix("us") || w.hasSuffix("is")) { break }
            let base = String(w.dropLast(suffix.count)) + replacement
            // "eating" -> "eat": a three-letter base with a vowel is a word ("string" keeps its "ing").
            let shortWord = suffix == "ing" && base.count == 3 && base.contains(where: { "aeiou".contains($0) })
            if base.count >= minimum || shortWord {
                w = base
                break
            }
        }
        if w.hasSuffix("ate") && w.count > 6 { w.removeLast(3) }
        if w.hasSuffix("e") && w.count > 4 { w.removeLast() }
        // "cancell" (from cancelling, cancellation) must meet "cancel"; "stopp" "stop".
        let chars = Array(w)
        if chars.count > 4, chars[chars.count - 1] == chars[chars.count - 2], "bdglmnprt".contains(chars[chars.count - 1]) {
            w.removeLast()
        }
        if w.hasSuffix("y") && w.count > 4 { w = String(w.dropLast()) + "i" }
        return w
    }

    /// The question's key words with their stems, in order, one per stem.
    public static func keyWords(_ text: String) -> [(stem: String, word: String)] {
        var seen = Set<String>()
        var out: [(stem: String, word: String)] = []
        for word in words(text) where !stopWords.contains(word) {
            let stem = stem(word)
            if stem.isEmpty || stopWords.contains(stem) { continue }
            if seen.insert(stem).inserted { out.append((stem, word)) }
        }
        return out
    }

    /// Stems of a word's general-purpose synonyms (WordNet), the word's own stem included.
    public static func synonymStems(ofWord word: String) -> Set<String> {
        var out: Set<String> = [stem(word)]
        for synonym in WordNet.synonyms(of: word) {
            for part in words(synonym) where !stopWords.contains(part) { out.insert(stem(part)) }
        }
        return out
    }

    /// The phrases of a text that WordNet knows ("call off", "leave out", "get rid of"),
    /// each with its words and its single-word synonyms ("cancel"; "exclude", "omit";
    /// "remove"): people ask with phrasal verbs where reference text uses one word.
    public static func phraseSynonyms(_ text: String) -> [(words: [String], synonyms: [String])] {
        let all = words(text)
        var out: [(words: [String], synonyms: [String])] = []
        var i = 0
        while i < all.count {
            var matched = 0
            search: for n in [3, 2] where i + n <= all.count {
                for head in WordNet.baseForms(of: all[i]) {
                    let key = ([head] + all[(i + 1)..<(i + n)]).joined(separator: "_")
                    let synonyms = WordNet.entry(key)?.filter { !$0.hasPrefix(">") } ?? []
                    if !synonyms.isEmpty {
                        out.append((Array(all[i..<(i + n)]), synonyms))
                        matched = n
                        break search
                    }
                }
            }
            i += max(1, matched)
        }
        return out
    }

    private static let irregularStems: [String: String] = [
        "children": "child", "kids": "kid", "teeth": "tooth", "men": "man", "women": "woman",
        "goes": "go", "paid": "pay", "bought": "buy", "took": "take", "taken": "take", "went": "go", "gone": "go",
    ]

    /// Words that carry no subject of their own in a question.
    public static let stopWords: Set<String> = [
        "a", "an", "the", "and", "or", "but", "if", "then", "of", "to", "in", "on", "at", "by", "for", "with",
        "about", "from", "into", "over", "after", "before", "under", "up", "down", "out", "as",
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done", "doing",
        "have", "has", "had", "having", "can", "could", "will", "would", "shall", "should", "may", "might", "must",
        "i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your", "yours", "he", "she", "it", "its",
        "they", "them", "their", "his", "her", "this", "that", "these", "those", "there", "here",
        "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "whether",
        "any", "some", "all", "each", "every", "no", "not", "so", "than", "too", "very", "just", "also",
        "please", "tell", "know", "let", "get", "got", "one", "ones", "s", "t", "don", "doesn", "isn", "aren",
        "there's", "what's", "it's", "i'm", "much", "many", "long", "often", "else", "other", "else",
        "need", "needs", "want", "wants", "like", "ok", "okay", "hi", "hello", "thanks", "yes",
        "still", "ever", "really", "actually", "exactly", "usually", "normally",
    ]

    /// Stems of words common to questions about any business: they count, but less.
    public static let genericTerms: Set<String> = Set([
        "offer", "provide", "available", "avail", "possible", "allow", "allowed", "way", "kind", "type", "sort",
        "clinic", "practice", "office", "patient", "patients", "customer", "client", "service", "services",
        "make", "give", "use", "new", "day", "days", "week", "weeks", "time", "take", "go", "come",
        "happen", "work", "best", "good", "right", "first", "next", "same", "old", "year", "years",
        "policy", "policies", "rule", "rules", "information", "info", "detail", "details",
    ].map(stem))
}
