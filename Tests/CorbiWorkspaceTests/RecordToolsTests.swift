import CorbiAssistant
@testable import CorbiCore
import Foundation
import Testing

@testable import CorbiWorkspace

/// With a model configured, the model may choose one of the read-only records queries
/// (OpenAI-compatible tool calls); Corbi checks the call like a typed question, runs the
/// query itself and shows its own rendering. Nothing else is ever called.
@Suite(.serialized) struct RecordToolsTests {
    @Test func toolCallsBecomeTheQuestionsTheyName() throws {
        func q(_ tool: String, _ json: String) throws -> RecordQuestion {
            try RecordTools.question(tool: tool, arguments: Data(json.utf8))
        }
        #expect(try q("contact_details", #"{"contact": "Anna Müller", "field": "phone"}"#) == .contactField(contact: "Anna Müller", field: .phone))
        #expect(try q("list_bookings", #"{"days": "tomorrow"}"#) == .bookings(BookingQuestion(days: .day("tomorrow"))))
        #expect(try q("list_bookings", #"{"days": "next week", "contact": "Zoë"}"#) == .bookings(BookingQuestion(days: .nextWeek, contact: "Zoë")))
        #expect(try q("list_bookings", #"{"contact": "Anna", "next_only": true}"#) == .bookings(BookingQuestion(contact: "Anna", nextOnly: true)))
        #expect(try q("list_outbox", #"{"status": "failed", "days": "today"}"#) == .outbox(OutboxQuestion(status: .failed, days: .day("today"))))
        #expect(try q("suppression_status", #"{"contact": "Ben", "channel": "whatsapp"}"#) == .suppression(contact: "Ben", channel: .whatsapp))
        #expect(try q("count_contacts", #"{"tag": "recall"}"#) == .contacts(tag: "recall"))
        #expect(try q("list_inbound", #"{"contact": "Anna", "limit": 500}"#) == .inbound(contact: "Anna", limit: 50))
        #expect(try q("last_contact", #"{"contact": "Carl"}"#) == .lastContact(contact: "Carl"))

        #expect(throws: RecordTools.Refusal.unknownTool("delete_contact")) { try q("delete_contact", #"{"contact": "Anna"}"#) }
        #expect(throws: RecordTools.Refusal.self) { try q("contact_details", #"{"contact": "Anna", "field": "password"}"#) }
        #expect(throws: RecordTools.Refusal.self) { try q("contact_details", #"{"field": "phone"}"#) }
        #expect(throws: RecordTools.Refusal.self) { try q("list_outbox", #"{"status": "exploded"}"#) }
        #expect(throws: RecordTools.Refusal.self) { try q("last_contact", #"["Anna"]"#) }
        // Every tool's schema is JSON the model can read.
        for tool in RecordTools.all {
            #expect((try? JSONSerialization.jsonObject(with: Data(tool.parametersJSON.utf8))) is [String: Any], "\(tool.name)")
        }
    }

    @Test func theModelChoosesAReadOnlyQueryAndCorbiRendersItsResult() throws {
        let f = try RecordsFixture()
        let server = try ToolModelServer()
        let workspace = try f.workspace(llm: server.url)
        let before = try f.snapshot()
        try server.replyCalling("list_bookings", arguments: #"{"days": "tomorrow"}"#)
        let result = try workspace.ask(f.viewer, "Give me a rundown of the visitors we expect the day after today")
        #expect(result.command == "bookings list --from tomorrow --to tomorrow")
        #expect(result.answer.answered && result.answer.answer.hasPrefix("3 bookings tomorrow (Tue 2026-03-31)"))
        let request = try server.lastRequest()
        let tools = try #require(request["tools"] as? [[String: Any]])
        let names = tools.compactMap { ($0["function"] as? [String: Any])?["name"] as? String }
        #expect(names == RecordTools.all.map(\.name))
        #expect(request["tool_choice"] as? String == "auto")
        let event = try #require(try f.db.auditEvents(f.admin, limit: 1).first)
        guard case .object(let details) = event.detailsValue else { Issue.record("details"); return }
        #expect(details["modelTool"] == .string("list_bookings"))
        #expect(try f.snapshot() == before)
    }

    @Test func aCallOfAnythingElseIsNeverRunAndTheKnowledgeBaseAnswers() throws {
        let f = try RecordsFixture()
        let server = try ToolModelServer()
        let workspace = try f.workspace(llm: server.url)
        let before = try f.snapshot()
        try server.replyCalling("delete_contact", arguments: #"{"contact": "Anna Müller"}"#)
        let refused = try workspace.ask(f.staff, "Please get rid of the record for the lady who visited on Monday")
        #expect(refused.command == nil && !refused.answer.answered)
        #expect(refused.answer.notes.contains { $0.contains("delete_contact") && $0.contains("not a read-only query") })
        try server.replyText("NONE")
        let kb = try workspace.ask(f.staff, "What is the cancellation policy?")
        #expect(kb.command == nil)
        #expect(try f.snapshot() == before)
        #expect(try f.db.contact(f.staff, ref: "Anna Müller").fullName == "Anna Müller")
    }

    @Test func aModelThatCannotBeReachedIsNotWaitedForTwice() throws {
        let f = try RecordsFixture()
        try Data("# Policies\n\nPlease cancel at least 24 hours before your appointment.\n".utf8)
            .write(to: f.folder.appendingPathComponent("kb/policies.md"))
        // Port 9 (discard) refuses the connection at once.
        let workspace = try f.workspace(llm: URL(string: "http://127.0.0.1:9/v1/chat/completions")!)
        let result = try workspace.ask(f.staff, "How many hours before my appointment should I cancel?")
        #expect(result.command == nil)
        #expect(result.answer.answered && !result.answer.usedModel)
        #expect(result.answer.notes.count == 1 && result.answer.notes[0].contains("answering without it"), "\(result.answer.notes)")
    }

    @Test func aQuestionTheWordsSettleNeverReachesTheModel() throws {
        let f = try RecordsFixture()
        let server = try ToolModelServer()
        let workspace = try f.workspace(llm: server.url)
        let result = try workspace.ask(f.staff, "Who is booked tomorrow?")
        #expect(result.command == "bookings list --from tomorrow --to tomorrow")
        #expect(throws: (any Error).self) { try server.lastRequest() }
    }
}
