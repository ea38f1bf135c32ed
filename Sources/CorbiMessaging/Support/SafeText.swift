import Foundation

/// Text that came from outside (a provider's reply, a child process's stderr, a webhook)
/// made fit for an error message or a log line: control characters become spaces, runs
/// of blanks shrink to one, and the result is cut to a bounded length, so a hostile peer
/// can neither steer a terminal nor flood a log.
enum SafeText {
    /// `text` with control and format characters replaced, trimmed and cut to `limit` characters.
    static func clean(_ text: String, limit: Int = 300) -> String {
        var out = String.UnicodeScalarView()
        var lastWasSpace = true
        var count = 0
        for scalar in text.unicodeScalars {
            let replaced: Unicode.Scalar
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                replaced = " "
            default:
                replaced = scalar.properties.isWhitespace ? " " : scalar
            }
            if replaced == " " {
                if lastWasSpace { continue }
                lastWasSpace = true
            } else {
                lastWasSpace = false
            }
            if count == limit {
                out.append("…")
                break
            }
            out.append(replaced)
            count += 1
        }
        var result = String(out)
        while result.last == " " { result.removeLast() }
        return result
    }

    /// The first non-blank line of `text`, cleaned.
    static func firstLine(_ text: String, limit: Int = 300) -> String {
        let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return clean(line.map(String.init) ?? "", limit: limit)
    }
}
