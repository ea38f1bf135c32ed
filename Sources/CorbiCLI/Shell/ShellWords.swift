/// Splits a command line into words the way a POSIX shell does for quoting: single
/// quotes literal, double quotes with backslash escapes, backslash outside quotes.
public enum ShellWords {
    public struct UnterminatedQuote: Error, CustomStringConvertible {
        public var description: String { "Unterminated quote in the command line." }
    }

    public static func split(_ line: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = line.makeIterator()
        while let c = iterator.next() {
            switch c {
            case " ", "\t", "\n":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            case "'":
                inWord = true
                var closed = false
                while let d = iterator.next() {
                    if d == "'" { closed = true; break }
                    current.append(d)
                }
                if !closed { throw UnterminatedQuote() }
            case "\"":
                inWord = true
                var closed = false
                while let d = iterator.next() {
                    if d == "\"" { closed = true; break }
                    if d == "\\" {
                        guard let e = iterator.next() else { break }
                        if e != "\"" && e != "\\" && e != "$" && e != "`" { current.append("\\") }
                        current.append(e)
                    } else {
                        current.append(d)
                    }
                }
                if !closed { throw UnterminatedQuote() }
            case "\\":
                inWord = true
                if let d = iterator.next() { current.append(d) }
            default:
                inWord = true
                current.append(c)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
