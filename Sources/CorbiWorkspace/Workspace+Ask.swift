import CorbiAssistant
import CorbiCore
import CorbiKnowledge
import Foundation

/// A question answered (or refused) for a member, with what the audit trail recorded.
public struct AskResult: Sendable {
    public var question: String
    public var answer: AssistantAnswer
    /// The fingerprint of the knowledge base the organization saw.
    public var knowledgeBaseFingerprint: String
}

extension Workspace {
    /// The longest question accepted.
    public static let maximumQuestionLength = 2000

    /// Answers `question` for `actor` from the organization's visible knowledge base (an
    /// edited file shows in the very next answer) and audits it: the question, whether it
    /// was answered, the answer given, the citations (or the closest sources of a
    /// refusal), whether a model wrote it, and the knowledge base's fingerprint. A
    /// question that could not be answered at all is audited as refused. Every member may
    /// ask; a removed member may not.
    public func ask(_ actor: Actor, _ question: String) throws -> AskResult {
        let question = question.trimmingCharacters(in: .whitespacesAndNewlines)
        let db = try database()
        let entry = AuditEntry(action: "assistant.ask", details: ["question": .string(question)])
        let answer: AssistantAnswer
        let fingerprint: String
        do {
            guard !question.isEmpty else { throw CorbiError.usage("Ask a question.") }
            guard question.count <= Self.maximumQuestionLength else {
                throw CorbiError.invalid("The question is too long (2,000 characters at most).")
            }
            let knowledgeBase = try knowledgeBase()
            let domain = actor.organization.domain
            (answer, fingerprint) = try Self.mapping {
                try knowledgeBase.refresh()
                let fingerprint = try knowledgeBase.fingerprint(organizationDomain: domain)
                var assistant = Assistant(
                    retriever: KnowledgeBaseRetriever(knowledgeBase: knowledgeBase, organizationDomain: domain),
                    prompts: prompts, llm: configuration.llm.map(LLMClient.init))
                assistant.debug = configuration.askDebug
                return (try assistant.answer(question), fingerprint)
            }
        } catch {
            let mapped = (error as? CorbiError) ?? .internal("Internal error: \(error)")
            try? db.auditRefusal(actor, entry: entry, error: mapped)
            throw mapped
        }
        let locations = answer.citations.map { JSONValue.string($0.location) }
        try db.perform(
            actor, "assistant.ask", requires: .read,
            details: [
                "question": .string(question),
                "answered": .bool(answer.answered),
                "answer": .string(answer.answered ? answer.answer : ""),
                "confidence": .double(answer.confidence),
                "citations": .array(answer.answered ? locations : []),
                "closest": .array(answer.answered ? [] : locations),
                "model": .bool(answer.usedModel),
                "kbFingerprint": .string(fingerprint),
            ]
        ) { _, _ in }
        return AskResult(question: question, answer: answer, knowledgeBaseFingerprint: fingerprint)
    }
}
