import CorbiAssistant

/// `ask`: `{"question", "answered", "answer", "confidence", "citations": [{"n", "path",
/// "lineStart", "lineEnd", "heading", "score"}], "command"}`; `command` is the equivalent
/// command of an answer from the records, null for the knowledge base.
struct AnswerJSON: Encodable {
    var question: String
    var answered: Bool
    var answer: String
    var confidence: Double
    var citations: [CitationJSON]
    @Nullable var command: String?

    init(question: String, answer: AssistantAnswer, command: String? = nil) {
        self.question = question
        answered = answer.answered
        self.answer = answer.answer
        confidence = answer.confidence
        citations = answer.citations.map(CitationJSON.init)
        self.command = command
    }
}

/// A citation of an answer, with its retrieval score.
struct CitationJSON: Encodable {
    var n: Int
    var path: String
    var lineStart: Int
    var lineEnd: Int
    var heading: String
    var score: Double

    init(_ c: Citation) {
        n = c.n
        path = c.path
        lineStart = c.lineStart
        lineEnd = c.lineEnd
        heading = c.heading
        score = c.score
    }
}

/// A citation the shell keeps for `/sources` and `/cite N`: a file under the
/// knowledge-base root and a line range.
public struct CitationRef: Codable, Equatable, Sendable {
    public var n: Int
    /// Relative to the knowledge-base root.
    public var path: String
    public var lineStart: Int
    public var lineEnd: Int
    public var heading: String

    public init(n: Int, path: String, lineStart: Int, lineEnd: Int, heading: String) {
        self.n = n
        self.path = path
        self.lineStart = lineStart
        self.lineEnd = lineEnd
        self.heading = heading
    }
}

/// `/sources`: `{"citations": [...]}`.
struct SourcesJSON: Encodable {
    var citations: [CitationRef]
}

/// `/cite N`: the citation and its lines as they are on disk now.
struct CitedLinesJSON: Encodable {
    struct Line: Encodable {
        var number: Int
        var text: String
    }
    var citation: CitationRef
    var lines: [Line]
}
