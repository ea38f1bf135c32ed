// TEMPORARY: a copy of CorbiKnowledge's promised `Passage` until the `kb` branch is merged.
// Delete this file when `CorbiKnowledge.Passage` exists.

/// A ranked piece of a knowledge-base file (stand-in for `CorbiKnowledge.Passage`).
public struct Passage: Sendable, Equatable, Codable {
    public var path: String
    public var lineStart: Int
    public var lineEnd: Int
    public var heading: String
    public var text: String
    public var score: Double
    public var snippet: String

    public init(path: String, lineStart: Int, lineEnd: Int, heading: String, text: String, score: Double, snippet: String) {
        self.path = path
        self.lineStart = lineStart
        self.lineEnd = lineEnd
        self.heading = heading
        self.text = text
        self.score = score
        self.snippet = snippet
    }
}
