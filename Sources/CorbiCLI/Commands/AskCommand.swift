import ArgumentParser
import CorbiAssistant
import CorbiCore
import CorbiKnowledge
import CorbiWorkspace
import Foundation

/// `corbi ask QUESTION...`: a grounded answer from the organization's knowledge base with
/// numbered citations, or an honest refusal (exit 1). Every question is audited.
public struct AskCommand: CorbiCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ask", abstract: "Answer a question from the knowledge base (citing file and lines) or the records.",
        discussion: """
            Questions about the organization's own records ("who is booked tomorrow?", "what is \
            Anna's phone number?") are answered from them, with the command that shows the same \
            records. Exits 1 when the knowledge base holds no supported answer, or the records \
            name nobody the question names. With CORBI_LLM_URL and CORBI_LLM_MODEL set, a local \
            model writes the answer from the same passages, and chooses among the read-only \
            records queries when the question's words alone do not say.
            """)

    @Argument(help: "The question, in plain words.")
    var words: [String] = []

    @OptionGroup public var globals: GlobalOptions

    public init() {}

    public func execute(in session: Session) throws -> CommandOutput {
        let question = words.joined(separator: " ")
        guard !question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CorbiError.usage("Ask a question: corbi ask QUESTION...")
        }
        let result = try session.workspace.ask(try session.actor(), question)
        let answer = result.answer
        session.lastCitations = answer.citations.map {
            CitationRef(n: $0.n, path: $0.path, lineStart: $0.lineStart, lineEnd: $0.lineEnd, heading: $0.heading)
        }
        let json = AnswerJSON(question: result.question, answer: answer, command: result.command)
        var text = Self.render(answer, prompts: session.workspace.prompts)
        if let command = result.command { text += "\n\nCommand: " + command }
        return CommandOutput(text: text, json: json, exitCode: answer.answered ? 0 : 1, notes: answer.notes)
    }

    /// The answer with its Sources list: `[1] path:12-14 (Heading)`.
    static func render(_ result: AssistantAnswer, prompts: Prompts) -> String {
        var lines: [String] = []
        if result.answered, !prompts.answerHeader.isEmpty { lines.append(prompts.answerHeader) }
        lines.append(result.answer)
        if !result.citations.isEmpty {
            lines.append("")
            lines.append(result.answered ? prompts.sourcesHeader : prompts.closestSourcesHeader)
            for c in result.citations {
                lines.append("[\(c.n)] \(c.location)" + (c.heading.isEmpty ? "" : " (\(c.heading))"))
            }
        }
        return lines.joined(separator: "\n")
    }
}
