import Foundation

/// What one command produced: text for people, one JSON object for scripts, and the
/// exit status. Commands never print; the front end (one-shot, REPL, batch) renders this.
public struct CommandOutput: @unchecked Sendable {
    /// Printed on stdout in text mode; may be empty.
    public var text: String
    /// Printed on stdout (as one line of JSON) in `--json` mode.
    public var json: any Encodable
    /// 0, or 1 for an unanswered question.
    public var exitCode: Int32
    /// Diagnostics for stderr, in both modes (skipped rows, warnings).
    public var notes: [String]

    public init(text: String, json: any Encodable, exitCode: Int32 = 0, notes: [String] = []) {
        self.text = text
        self.json = json
        self.exitCode = exitCode
        self.notes = notes
    }
}

extension CommandOutput {
    /// A sentence of confirmation.
    public static func message(_ text: String) -> CommandOutput {
        CommandOutput(text: text, json: ConfirmationJSON(message: text))
    }
}
