import Foundation

/// A short excerpt of a passage around the words of the query.
enum Snippet {
    static let maxCharacters = 180

    /// The line holding the most query words (by stem prefix), cut to about 180 characters
    /// around the first of them, with runs of white space collapsed.
    static func make(_ text: String, stems: Set<String>) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        var best: Substring = lines.first ?? ""
        var bestHits = -1
        var bestFirst: String.Index? = nil
        for line in lines {
            var hits = Set<String>()
            var first: String.Index? = nil
            var index = line.startIndex
            while index < line.endIndex {
                guard line[index].isLetter || line[index].isNumber else { index = line.index(after: index); continue }
                var end = index
                while end < line.endIndex, line[end].isLetter || line[end].isNumber { end = line.index(after: end) }
                let word = line[index..<end].lowercased().folding(options: .diacriticInsensitive, locale: nil)
                if let stem = stems.first(where: { word.hasPrefix($0) }) {
                    hits.insert(stem)
                    if first == nil { first = index }
                }
                index = end
            }
            // On a tie, a line of text reads better than a heading.
            let value = hits.count * 2 - (line.hasPrefix("#") ? 1 : 0)
            if value > bestHits {
                best = line; bestHits = value; bestFirst = first
            }
        }
        var excerpt = best
        var prefix = "", suffix = ""
        if excerpt.count > maxCharacters {
            var start = excerpt.startIndex
            if let first = bestFirst, excerpt.distance(from: excerpt.startIndex, to: first) > 40 {
                start = excerpt.index(first, offsetBy: -40)
                prefix = "…"
            }
            let end = excerpt.index(start, offsetBy: maxCharacters, limitedBy: excerpt.endIndex) ?? excerpt.endIndex
            if end < excerpt.endIndex { suffix = "…" }
            excerpt = excerpt[start..<end]
        }
        let collapsed = excerpt.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
        return prefix + collapsed + suffix
    }
}
