/// `{"error": {"exitCode": 65, "message": "..."}}`: a failure, in every JSON mode.
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

/// `{"ok": true, "message": "..."}`: a command whose result is a sentence.
public struct ConfirmationJSON: Encodable, Sendable {
    public var ok = true
    public var message: String
}

/// `{"help": "..."}`: help text as one JSON object.
struct HelpJSON: Encodable {
    var help: String
}

/// `/help` in JSON: every command and its one-line description.
struct CommandOverviewJSON: Encodable {
    struct Entry: Encodable {
        var name: String
        var abstract: String
        var shellOnly: Bool
    }
    var commands: [Entry]
}
