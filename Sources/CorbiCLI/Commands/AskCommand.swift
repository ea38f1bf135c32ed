import ArgumentParser
import CorbiAssistant
import CorbiCore
import CorbiKnowledge
import Foundation

/// `corbi ask QUESTION...`: a grounded answer from the organization's knowledge base with
/// numbered citations, or an honest refusal (exit 1). Every question is audited.
public struct AskCommand: CorbiCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ask", abstract: "Answer a question from the knowledge base, citing file and lines.",
        discussion: """
            Exits 1 when the knowledge base holds no supported answer. With CORBI_LLM_URL and \
            CORBI_LLM_MODEL set, a local model writes the answer from the same passages.
            """)

    @Argument(help: "The question, in plain words.")
    var words: [String] = []

    @OptionGroup public var globals: GlobalOptions

    public init() {}

    /// The `ask` JSON of the contract.
    struct AnswerJSON: Encodable {
        var question: String
        var answered: Bool
        var answer: String
        var confidence: Double
        var citations: [Citation]
    }

    public func execute(in session: Session) throws -> CommandOutput {
        let question = words.joined(separator: " ").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !question.isEmpty else { throw CorbiError.usage("Ask a question: corbi ask QUESTION...") }
        guard question.count <= 2000 else { throw CorbiError.invalid("The question is too long (2,000 characters at most).") }
        let actor = try session.actor()
        let database = try session.database()
        let domain = actor.organization.domain

        let prompts = Prompts.load(from: session.settings.promptsPath)
        let knowledgeBase: KnowledgeBase
        let fingerprint: String
        let result: AssistantAnswer
        do {
            knowledgeBase = try session.knowledgeBase()
            // An edited file must show in the very next answer; an unchanged tree costs a stat per file.
            try knowledgeBase.refresh()
            fingerprint = try knowledgeBase.fingerprint(organizationDomain: domain)
            let llm = LLMConfiguration.fromEnvironment(session.processEnvironment).map(LLMClient.init)
            var assistant = Assistant(
                retriever: KnowledgeBaseRetriever(knowledgeBase: knowledgeBase, organizationDomain: domain),
                prompts: prompts, llm: llm)
            assistant.debug = !(session.processEnvironment["CORBI_ASK_DEBUG"] ?? "").isEmpty
            result = try assistant.answer(question)
        } catch {
            // A question that could not be answered at all is still on the record.
            let mapped = (error as? KnowledgeBaseError).map(KBCommand.map) ?? CommandRunner.map(error)
            try? database.auditRefusal(
                actor, entry: AuditEntry(action: "assistant.ask", details: ["question": .string(question)]), error: mapped)
            throw mapped
        }

        try database.perform(
            actor, "assistant.ask", requires: .read,
            details: [
                "question": .string(question),
                "answered": .bool(result.answered),
                "confidence": .double(result.confidence),
                "citations": .array(result.answered ? result.citations.map { .string($0.location) } : []),
                "closest": .array(result.answered ? [] : result.citations.map { .string($0.location) }),
                "model": .bool(result.usedModel),
                "kbFingerprint": .string(fingerprint),
            ]
        ) { _, _ in }

        session.lastCitations = result.citations.map {
            CitationRef(n: $0.n, path: $0.path, lineStart: $0.lineStart, lineEnd: $0.lineEnd, heading: $0.heading)
        }
        let json = AnswerJSON(
            question: question, answered: result.answered, answer: result.answer, confidence: result.confidence,
            citations: result.citations)
        return CommandOutput(
            text: Self.render(result, prompts: prompts), json: json, exitCode: result.answered ? 0 : 1, notes: result.notes)
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
