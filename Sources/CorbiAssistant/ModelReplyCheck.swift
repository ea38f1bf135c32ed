import CorbiKnowledge
import Foundation

/// What a model may say: a short reply whose every sentence cites the passages it was
/// given and says nothing they do not. A model can invent a bank account, a price or a
/// phone number and still write one valid `[n]`; so each sentence is checked against the
/// passages it cites: every number must be in them, and most of its other words too.
/// A reply that fails is not shown (the extractive answer is, with the reason on stderr).
public enum ModelReplyCheck {
    /// The longest reply shown (the prompt asks for one to three short sentences).
    public static let maximumCharacters = 1200
    /// The share of a sentence's content words (not numbers) that must be in its passages.
    public static let minimumWordSupport = 0.6
    /// Words a sentence may add regardless of the share ("otherwise", "ahead"): a short
    /// paraphrase has so few words that one connective would otherwise fail it.
    public static let allowedUnsupportedWords = 1

    /// Throws `LLMError` unless `reply` passes; `passages` are numbered from 1.
    public static func check(_ reply: String, passages: [Passage]) throws {
        guard reply.count <= maximumCharacters else { throw LLMError.unsupported("longer than \(maximumCharacters) characters") }
        guard !reply.unicodeScalars.contains(where: isControl) else { throw LLMError.unsupported("control characters") }
        let sentences = Self.sentences(of: reply)
        guard !sentences.isEmpty else { throw LLMError.uncited }
        for sentence in sentences {
            let cited = LLMClient.citedNumbers(in: sentence)
            guard !cited.isEmpty else { throw LLMError.unsupported("a sentence cites no passage") }
            if let unknown = cited.first(where: { !(1...passages.count).contains($0) }) { throw LLMError.unknownCitation(unknown) }
            let source = cited.map { passages[$0 - 1].heading + "\n" + passages[$0 - 1].text }.joined(separator: "\n")
            let sourceNumbers = Set(numbers(in: source))
            if let invented = numbers(in: withoutCitations(sentence)).first(where: { !sourceNumbers.contains($0) }) {
                throw LLMError.unsupported("\(invented) is not in the cited passages")
            }
            let words = contentWords(in: withoutCitations(sentence))
            guard !words.isEmpty else { continue }
            let sourceWords = Set(contentWords(in: source).map(stem))
            let supported = words.filter { sourceWords.contains(stem($0)) }.count
            if words.count - supported > allowedUnsupportedWords && Double(supported) / Double(words.count) < minimumWordSupport {
                throw LLMError.unsupported("a sentence says what the cited passages do not")
            }
        }
    }

    /// Sentences of a reply: ends at `.`, `!`, `?` (after any citations that follow them).
    static func sentences(of text: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        let characters = Array(text)
        var i = 0
        while i < characters.count {
            let c = characters[i]
            current.append(c)
            if ".!?".contains(c) {
                // Citations written after the full stop belong to this sentence.
                var j = i + 1
                while true {
                    var k = j
                    while k < characters.count, characters[k] == " " { k += 1 }
                    guard k < characters.count, characters[k] == "[",
                        let close = characters[k...].firstIndex(of: "]"),
                        characters[(k + 1)..<close].allSatisfy({ $0.isNumber || $0 == "," || $0 == " " })
                    else { break }
                    current += String(characters[j...close])
                    j = close + 1
                }
                // "3.5" or "e.g." is not an end.
                let nextIsSpaceOrEnd = j >= characters.count || characters[j].isWhitespace
                if nextIsSpaceOrEnd {
                    let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !trimmed.isEmpty { sentences.append(trimmed) }
                    current = ""
                }
                i = j
                continue
            }
            i += 1
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { sentences.append(rest) }
        return sentences
    }

    static func withoutCitations(_ sentence: String) -> String {
        sentence.replacingOccurrences(of: #"\[[0-9 ,]+\]"#, with: " ", options: .regularExpression)
    }

    /// Runs of digits (with inner separators removed: `DE89 3704`, `030-1234` and `€40.00`
    /// compare by their digits).
    static func numbers(in text: String) -> [String] {
        var found: [String] = []
        var current = ""
        var pendingSeparator = false
        for c in text {
            if c.isASCII && c.isNumber {
                current.append(c)
                pendingSeparator = false
            } else if !current.isEmpty && !pendingSeparator && (c == " " || c == "-" || c == "." || c == "," || c == "/") {
                pendingSeparator = true
            } else {
                if !current.isEmpty { found.append(current) }
                current = ""
                pendingSeparator = false
            }
        }
        if !current.isEmpty { found.append(current) }
        return found
    }

    static let stopWords: Set<String> = [
        "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "by", "from", "is", "are", "was",
        "were", "be", "been", "it", "its", "this", "that", "these", "those", "you", "your", "we", "our", "us", "they",
        "their", "can", "will", "may", "must", "should", "please", "if", "as", "not", "no", "yes", "do", "does", "have",
        "has", "there", "here", "also", "than", "then", "so", "all", "any", "which", "who", "what", "when", "how", "about",
    ]

    static func contentWords(in text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
            .filter { $0.count >= 3 && !stopWords.contains($0) }
    }

    /// A crude stem (plural and common endings off) so "cancelled" meets "cancellation".
    static func stem(_ word: String) -> String {
        var w = word
        for suffix in ["ations", "ation", "ingly", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly"]
        where w.count > suffix.count + 3 && w.hasSuffix(suffix) {
            w.removeLast(suffix.count)
            break
        }
        return String(w.prefix(6))
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
