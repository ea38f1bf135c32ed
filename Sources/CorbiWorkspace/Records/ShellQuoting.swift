/// Words of a command line written so that a POSIX shell (and Corbi's own shell, which
/// splits lines the same way) reads them back unchanged.
public enum ShellQuoting {
    /// `word` as is when it is plain, in double quotes when it holds spaces or quotes of
    /// its own, in single quotes when it holds characters double quotes would expand.
    public static func quote(_ word: String) -> String {
        let plain = !word.isEmpty && !word.hasPrefix("#") && !word.hasPrefix("~") && word.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.,@+:/%=".unicodeScalars.contains(scalar)
        }
        if plain { return word }
        if !word.contains(where: { "\"\\$`!".contains($0) }) { return "\"" + word + "\"" }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The words joined as one command line; `literal` words (the command's own names and
    /// flags) are written as they are.
    static func line(_ words: [Word]) -> String {
        words.map { word in
            switch word {
            case .literal(let text): text
            case .value(let text): quote(text)
            }
        }.joined(separator: " ")
    }

    enum Word: ExpressibleByStringLiteral {
        case literal(String)
        case value(String)
        init(stringLiteral value: String) { self = .literal(value) }
    }
}
