/// A sendmail-compatible command (`/usr/sbin/sendmail -t -oi`, `msmtp -t`, ...), given as
/// one command line and split the way a POSIX shell splits words: blanks separate,
/// single quotes keep everything, double quotes keep all but `\"`, `\\`, `\$` and `` \` ``,
/// a backslash outside quotes keeps the next character. Nothing is expanded: no
/// variables, globs or substitutions, and no shell ever runs.
public struct SendmailCommand: Sendable, Equatable {
    /// The program and its arguments.
    public let arguments: [String]

    /// Splits `commandLine` (default `/usr/sbin/sendmail -t -oi`).
    public init(_ commandLine: String = ProviderEndpoints.sendmail) throws(SendmailCommandError) {
        let words = try Self.split(commandLine)
        guard let program = words.first else { throw .empty }
        // A program name without a slash is looked up by /usr/bin/env, which would read
        // `NAME=VALUE` as an assignment.
        if !program.contains("/") && program.contains("=") { throw .invalidProgram }
        arguments = words
    }

    /// The words of `commandLine`.
    public static func split(_ commandLine: String) throws(SendmailCommandError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for ch in commandLine {
            if escaped {
                if quote == "\"" && !"\"\\$`".contains(ch) { current.append("\\") }
                if !(quote == nil && ch == "\n") { current.append(ch) }
                escaped = false
                inWord = true
                continue
            }
            switch (quote, ch) {
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case ("'", _):
                current.append(ch)
            case ("\"", "\\"), (nil, "\\"):
                escaped = true
            case ("\"", _):
                current.append(ch)
            case (nil, "'"), (nil, "\""):
                quote = ch
                inWord = true
            case (nil, " "), (nil, "\t"), (nil, "\n"):
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(ch)
                inWord = true
            }
        }
        if escaped { throw .trailingBackslash }
        if quote != nil { throw .unterminatedQuote }
        if inWord { words.append(current) }
        return words
    }
}

/// Why a sendmail command line was refused.
public enum SendmailCommandError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case unterminatedQuote
    case trailingBackslash
    case invalidProgram

    /// A sentence for an error message.
    public var description: String {
        switch self {
        case .empty: "The sendmail command is empty."
        case .unterminatedQuote: "The sendmail command has a quote that is never closed."
        case .trailingBackslash: "The sendmail command ends with a lone backslash."
        case .invalidProgram: "The sendmail program name holds '='; give its full path."
        }
    }
}
