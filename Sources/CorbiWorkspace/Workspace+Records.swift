import CorbiAssistant
import CorbiCore
import Foundation

/// A question answered from the organization's records, and how it was read.
struct RecordsOutcome {
    var answer: RecordAnswer
    /// The tool a model chose, when the question's words alone did not say.
    var modelTool: String?
}

extension Workspace {
    /// The answer from the records when `question` is about them: first the question's
    /// own words (a pattern check that costs microseconds), then, with a model configured,
    /// the read-only query the model chooses. Nil: a question for the knowledge base.
    /// `notes` collects why a model's choice was not used; `modelUnreachable` is set when
    /// the model did not answer at all (timed out, unreachable, an HTTP error), so that
    /// the knowledge base's answer does not wait for it a second time.
    func answerFromRecords(
        _ actor: Actor, _ question: String, database: AppDatabase, notes: inout [String], modelUnreachable: inout Bool
    ) throws -> RecordsOutcome? {
        let answerer = RecordAnswerer(database: database, actor: actor, now: environment.now())
        if let parsed = RecordQuestionParser.parse(question) {
            if let answer = try answerer.answer(parsed) { return RecordsOutcome(answer: answer) }
            return nil
        }
        guard let llm = configuration.llm.map(LLMClient.init) else { return nil }
        let reply: LLMToolReply
        do {
            reply = try llm.chooseTool(
                system: RecordTools.systemPrompt(organization: actor.organization, now: environment.now()), user: question,
                tools: RecordTools.all)
        } catch {
            switch error as? LLMError {
            case .timedOut, .transport, .http:
                modelUnreachable = true
                notes.append("The model was not used (\(error)); answering without it.")
            default:
                notes.append("The model could not choose a records query (\(error)).")
            }
            return nil
        }
        guard case .call(let name, let arguments) = reply else { return nil }
        do {
            let chosen = try RecordTools.question(tool: name, arguments: arguments)
            // The answer is Corbi's own rendering of what the query returned: nothing the
            // model wrote is shown.
            guard let answer = try answerer.answer(chosen) else { return nil }
            return RecordsOutcome(answer: answer, modelTool: name)
        } catch let refusal as RecordTools.Refusal {
            notes.append("The model's records query was not run: \(refusal).")
            return nil
        }
    }
}
