import CorbiAssistant
import CorbiCore
import CorbiKnowledge
import Foundation

/// A question answered (or refused) for a member, with what the audit trail recorded.
public struct AskResult: Sendable {
    public var question: String
    public var answer: AssistantAnswer
    /// The fingerprint of the knowledge base the organization saw (empty for an answer
    /// from the records).
    public var knowledgeBaseFingerprint: String
    /// For an answer from the organization's records, the command that shows the same
    /// records for the same member (`bookings list --from tomorrow --to tomorrow`); nil
    /// for an answer from the knowledge base.
    public var command: String?
}

extension Workspace {
    /// The longest question accepted.
    public static let maximumQuestionLength = 2000

    /// Answers `question` for `actor` and audits it. A question about the organization's
    /// own records ("who is booked tomorrow?") is answered from them through the commands'
    /// read-only queries, with the equivalent command; any other from the organization's
    /// visible knowledge base (an edited file shows in the very next answer). The audit
    /// event holds the question, whether it was answered, the answer given, the citations
    /// (or the closest sources of a refusal) or the command, whether a model wrote it, and
    /// the knowledge base's fingerprint. A question that could not be answered at all is
    /// audited as refused. Every member may ask; a removed member may not.
    public func ask(_ actor: Actor, _ question: String) throws -> AskResult {
        let question = question.trimmingCharacters(in: .whitespacesAndNewlines)
        let db = try database()
        let entry = AuditEntry(action: "assistant.ask", details: ["question": .string(question)])
        var answer: AssistantAnswer?
        var fingerprint = ""
        var records: RecordsOutcome?
        do {
            guard !question.isEmpty else { throw CorbiError.usage("Ask a question.") }
            guard question.count <= Self.maximumQuestionLength else {
                throw CorbiError.invalid("The question is too long (2,000 characters at most).")
            }
            var notes: [String] = []
            var modelUnreachable = false
            records = try answerFromRecords(actor, question, database: db, notes: &notes, modelUnreachable: &modelUnreachable)
            if records == nil {
                (answer, fingerprint) = try knowledgeAnswer(actor, question, notes: notes, useModel: !modelUnreachable)
            }
        } catch {
            let mapped = (error as? CorbiError) ?? .internal("Internal error: \(error)")
            try? db.auditRefusal(actor, entry: entry, error: mapped)
            throw mapped
        }
        if let records { return try auditRecords(actor, question, records, database: db) }
        guard let answer else { throw CorbiError.internal("No answer and no refusal.") }
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
        return AskResult(question: question, answer: answer, knowledgeBaseFingerprint: fingerprint, command: nil)
    }

    /// The knowledge base's answer (refreshed first: an edited file shows at once) and the
    /// fingerprint of what the organization sees; `notes` go before the assistant's own.
    /// Without `useModel`, a configured model is not asked.
    func knowledgeAnswer(_ actor: Actor, _ question: String, notes: [String], useModel: Bool = true) throws -> (AssistantAnswer, String) {
        let knowledgeBase = try knowledgeBase()
        let domain = actor.organization.domain
        return try Self.mapping {
            try knowledgeBase.refresh()
            let fingerprint = try knowledgeBase.fingerprint(organizationDomain: domain)
            var assistant = Assistant(
                retriever: KnowledgeBaseRetriever(knowledgeBase: knowledgeBase, organizationDomain: domain),
                prompts: prompts, llm: useModel ? configuration.llm.map(LLMClient.init) : nil)
            assistant.debug = configuration.askDebug
            var answer = try assistant.answer(question)
            answer.notes = notes + answer.notes
            return (answer, fingerprint)
        }
    }

    /// Audits an answer from the records like any question, with its command, and returns it.
    func auditRecords(_ actor: Actor, _ question: String, _ records: RecordsOutcome, database db: AppDatabase) throws -> AskResult {
        let r = records.answer
        // 1.0: the answer is the records' own values, not a judgement of support.
        let answer = AssistantAnswer(direct: r.text, question: question, answered: r.answered, confidence: r.answered ? 1 : 0)
        var details: [String: JSONValue] = [
            "question": .string(question),
            "answered": .bool(r.answered),
            "answer": .string(r.text),
            "confidence": .double(answer.confidence),
            "citations": .array([]),
            "closest": .array([]),
            "model": .bool(false),
            "command": .string(r.command),
            "source": .string("records"),
        ]
        if let tool = records.modelTool { details["modelTool"] = .string(tool) }
        try db.perform(actor, "assistant.ask", requires: .read, details: details) { _, _ in }
        return AskResult(question: question, answer: answer, knowledgeBaseFingerprint: "", command: r.command)
    }
}
