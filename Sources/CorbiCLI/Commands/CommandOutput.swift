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

/// `{"error": {"exitCode": 65, "message": "..."}}`.
public struct ErrorJSON: Encodable, Sendable {
    public struct Body: Encodable, Sendable {
        public var exitCode: Int32
        public var message: String
    }
    public var error: Body

    public init(exitCode: Int32, message: String) {
        error = Body(exitCode: exitCode, message: message)
    }
}

/// `{"ok": true, ...}` for commands whose result is just a message.
public struct MessageJSON: Encodable, Sendable {
    public var ok = true
    public var message: String
}

extension CommandOutput {
    /// A sentence of confirmation.
    public static func message(_ text: String) -> CommandOutput {
        CommandOutput(text: text, json: MessageJSON(message: text))
    }
}

/// Encodes JSON the way every Corbi command prints it: one line, sorted keys.
public enum JSONOutput {
    public static func encode(_ value: any Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(AnyEncodable(value)), as: UTF8.self)
        } catch {
            return JSONOutput.encode(ErrorJSON(exitCode: 70, message: "Cannot encode the result: \(error)"))
        }
    }

    private struct AnyEncodable: Encodable {
        let value: any Encodable
        init(_ value: any Encodable) { self.value = value }
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }
}
