import CorbiKnowledge
import Foundation

/// The wording of answers and the LLM prompts, read at run time from the prompts folder
/// so a business can change them without rebuilding. A missing folder or file falls back
/// to the built-in default, so a fresh install works anywhere.
public struct Prompts: Sendable, Equatable {
    /// Printed above an answer in text mode (may be empty).
    public var answerHeader: String
    /// The sentence of an unanswered question.
    public var refusal: String
    /// Heads the list of sources under an answer.
    public var sourcesHeader: String
    /// Heads the list of closest sources under a refusal.
    public var closestSourcesHeader: String
    /// The LLM's system prompt (`answer.md`).
    public var system: String
    /// The LLM's user message; `{{question}}` and `{{passages}}` are filled in.
    public var user: String

    /// The files of the prompts folder, by property.
    public enum File: String, CaseIterable, Sendable {
        case answerHeader = "answer-header.txt"
        case refusal = "refusal.txt"
        case sourcesHeader = "sources-header.txt"
        case closestSourcesHeader = "closest-sources-header.txt"
        case system = "answer.md"
        case user = "answer-user.md"
    }

    public static let defaults = Prompts(
        answerHeader: "",
        refusal: "The knowledge base does not hold an answer to that question.",
        sourcesHeader: "Sources:",
        closestSourcesHeader: "Closest sources (they do not answer it):",
        system: """
            You answer staff questions for a business using ONLY the numbered passages from its \
            knowledge base given in the user message. Never use outside knowledge.
            Rules:
            - Answer in one to three short sentences, in the language of the question.
            - After every sentence, cite the passage(s) it comes from as [n], using only the given numbers.
            - Keep figures, times, prices and names exactly as written in the passages.
            - If the passages do not answer the question, reply exactly: NO_ANSWER
            """,
        user: """
            Question: {{question}}

            Passages:
            {{passages}}
            """)

    public init(answerHeader: String, refusal: String, sourcesHeader: String, closestSourcesHeader: String, system: String, user: String) {
        self.answerHeader = answerHeader
        self.refusal = refusal
        self.sourcesHeader = sourcesHeader
        self.closestSourcesHeader = closestSourcesHeader
        self.system = system
        self.user = user
    }

    /// Reads the prompts folder; each missing or unreadable file keeps its default.
    public static func load(from folder: String) -> Prompts {
        var prompts = defaults
        func read(_ file: File) -> String? {
            let path = (folder as NSString).appendingPathComponent(file.rawValue)
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let s = read(.answerHeader) { prompts.answerHeader = s }
        if let s = read(.refusal), !s.isEmpty { prompts.refusal = s }
        if let s = read(.sourcesHeader) { prompts.sourcesHeader = s }
        if let s = read(.closestSourcesHeader) { prompts.closestSourcesHeader = s }
        if let s = read(.system), !s.isEmpty { prompts.system = s }
        if let s = read(.user), !s.isEmpty { prompts.user = s }
        return prompts
    }

    /// The user message for a question and its numbered passages.
    public func userMessage(question: String, passages: [Passage]) -> String {
        let numbered: String = passages.enumerated().map { (index: Int, p: Passage) -> String in
            let heading: String = p.heading.isEmpty ? "" : " (\(p.heading))"
            return "[\(index + 1)] \(p.path):\(p.lineStart)-\(p.lineEnd)\(heading)\n\(p.text)"
        }.joined(separator: "\n\n")
        return user.replacingOccurrences(of: "{{question}}", with: question)
            .replacingOccurrences(of: "{{passages}}", with: numbered)
    }
}
