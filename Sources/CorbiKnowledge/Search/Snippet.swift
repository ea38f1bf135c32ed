/// A short excerpt of a passage around the words of the query.
enum Snippet {
    static let maxBytes = 180

    /// The line holding the most distinct query words (a word matches a stem it starts
    /// with, ASCII case folded), cut to about 180 bytes around the first of them, with runs
    /// of white space collapsed. Works on bytes: it runs for every result of every search.
    static func make(_ text: String, stems: Set<String>) -> String {
        let stemBytes = stems.filter { !$0.isEmpty }.map { Array($0.utf8) }
        var bestLine: ArraySlice<UInt8> = []
        var bestValue = -1
        var bestFirst = 0
        var word: [UInt8] = []
        word.reserveCapacity(64)
        let bytes = Array(text.utf8)
        var lineStart = 0
        while lineStart <= bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 10 { lineEnd += 1 }
            let line = bytes[lineStart..<lineEnd]
            if !line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) {
                var hits = 0 as UInt64
                var first = -1
                var i = lineStart
                while i < lineEnd {
                    guard isWordByte(bytes[i]) else { i += 1; continue }
                    let start = i
                    word.removeAll(keepingCapacity: true)
                    while i < lineEnd, isWordByte(bytes[i]) {
                        let b = bytes[i]
                        word.append(b >= 65 && b <= 90 ? b + 32 : b)
                        i += 1
                    }
                    for (k, stem) in stemBytes.enumerated() where word.starts(with: stem) {
                        hits |= 1 << UInt64(k & 63)
                        if first < 0 { first = start }
                        break
                    }
                }
                // On a tie, a line of text reads better than a heading.
                let value = hits.nonzeroBitCount * 2 - (bytes[lineStart] == 35 ? 1 : 0)
                if value > bestValue {
                    bestValue = value
                    bestLine = line
                    bestFirst = first < 0 ? lineStart : first
                }
            }
            lineStart = lineEnd + 1
        }
        var start = bestLine.startIndex
        var end = bestLine.endIndex
        var prefix = "", suffix = ""
        if end - start > maxBytes {
            if bestFirst - start > 40 {
                start = bestFirst - 40
                while start < end, bytes[start] & 0xC0 == 0x80 { start += 1 }
                prefix = "…"
            }
            if end - start > maxBytes {
                end = start + maxBytes
                while end > start, bytes[end] & 0xC0 == 0x80 { end -= 1 }
                suffix = "…"
            }
        }
        let excerpt = String(decoding: bytes[start..<end], as: UTF8.self)
        let collapsed = excerpt.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
        return prefix + collapsed + suffix
    }

    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b >= 0x80
    }
}
