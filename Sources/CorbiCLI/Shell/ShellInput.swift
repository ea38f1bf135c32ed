import Foundation

/// One input of the shell as the user meant it: a question, a `/command`, or nothing.
///
/// An input may span several physical lines: a line ending in `\` continues on the next,
/// and a bracketed paste of several lines arrives as one input. Newlines separate words
/// of a command (inside quotes they are kept, so a message body can have several lines)
/// and become spaces in a question.
public enum ShellInput: Equatable, Sendable {
    /// A blank line or a `#` comment.
    case nothing
    /// Plain words: asked as `ask <question>`.
    case question(String)
    /// `/name args...`, split shell-style (without the slash).
    case command([String])
    /// A command line that cannot be split (an unterminated quote).
    case malformed(String)

    /// Classifies one (possibly multi-line) input.
    public static func parse(_ text: String) -> ShellInput {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return .nothing }
        if trimmed.hasPrefix("/") {
            do {
                return .command(try ShellWords.split(String(trimmed.dropFirst())))
            } catch {
                return .malformed("\(error)")
            }
        }
        let words = trimmed.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == " " || $0 == "\t" })
        return .question(words.joined(separator: " "))
    }
}

/// Joins physical lines into inputs: a line ending in an unescaped `\` continues on the next.
public struct ContinuationBuffer: Sendable {
    private var pieces: [String] = []

    public init() {}

    /// Whether a continued input is waiting for its next line.
    public var isContinuing: Bool { !pieces.isEmpty }

    /// Adds a physical line; returns the whole input once it is complete, else nil.
    public mutating func add(_ line: String) -> String? {
        // A pasted block may hold continuation lines of its own.
        var line = line.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\\\n", with: "\n")
        if line.hasSuffix("\r") { line.removeLast() }
        if Self.continues(line) {
            line.removeLast()
            pieces.append(line)
            return nil
        }
        pieces.append(line)
        defer { pieces.removeAll() }
        return pieces.joined(separator: "\n")
    }

    /// Forgets a half-entered input (Ctrl-C).
    public mutating func reset() { pieces.removeAll() }

    /// The unfinished input at the end of a stream, if any.
    public mutating func flush() -> String? {
        guard isContinuing else { return nil }
        defer { pieces.removeAll() }
        return pieces.joined(separator: "\n")
    }

    /// A line continues when it ends in an odd number of backslashes (`\\` is a literal one).
    static func continues(_ line: String) -> Bool {
        var count = 0
        for c in line.reversed() {
            guard c == "\\" else { break }
            count += 1
        }
        return count % 2 == 1
    }
}

extension String {
    /// The input as one history line: continuation and pasted lines joined by spaces.
    var asHistoryEntry: String {
        split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}
