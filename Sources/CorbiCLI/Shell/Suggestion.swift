/// "Did you mean ...?": the closest known name to a mistyped one.
public enum Suggestion {
    /// The known name a typo most likely meant: the only name it starts, else the name at
    /// the smallest edit distance if that distance is small for the word's length.
    public static func closest(to typed: String, among names: [String]) -> String? {
        let word = typed.lowercased()
        guard !word.isEmpty else { return nil }
        let prefixed = names.filter { $0.lowercased().hasPrefix(word) }
        if prefixed.count == 1 { return prefixed[0] }
        let scored = names.map { ($0, distance(word, $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let allowed = max(1, min(3, (word.count + 1) / 3))
        return best.1 <= allowed ? best.0 : prefixed.first
    }

    /// Levenshtein distance, with a swap of two neighbours counting as one edit.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, table[i - 2][j - 2] + 1)
                }
                table[i][j] = value
            }
        }
        return table[a.count][b.count]
    }
}
