import CorbiAssistant
@testable import CorbiCore
import Foundation
import Testing

@testable import CorbiWorkspace

/// The records answerer over a real SQLite workspace: exact answers from the commands'
/// queries, the command that shows the same rows, honest refusals, roles and
/// organizations as for the commands, and nothing written but the question's audit event.
@Suite struct RecordAnswererTests {
    func answer(_ f: RecordsFixture, _ question: String, as actor: Actor? = nil) throws -> RecordAnswer? {
        let parsed = try #require(RecordQuestionParser.parse(question), "not read as a records question: \(question)")
        return try f.answerer(actor).answer(parsed)
    }

    @Test func answersAContactsFieldsAndNamesContactsShow() throws {
        let f = try RecordsFixture()
        let phone = try #require(try answer(f, "What is Anna Müller's phone number?"))
        #expect(phone.answered && phone.text == "Anna Müller's WhatsApp number is +491701234567.")
        #expect(phone.command == "contacts show \"Anna Müller\"")
        // "Anna" is Anna Müller, not Hannah: the core's lookup decides, and the command
        // names the contact in full.
        let email = try #require(try answer(f, "what's anna's email?"))
        #expect(email.text == "Anna Müller's email address is anna@example.com.")
        #expect(email.command == "contacts show \"Anna Müller\"")
        let none = try #require(try answer(f, "What is Ben's email address?"))
        #expect(none.answered && none.text == "Ben Weber has no email address on record.")
        let status = try #require(try answer(f, "Is Zoë blocked?"))
        #expect(status.text == "Yes: Zoë Fischer is blocked.")
        let notBlocked = try #require(try answer(f, "Is Anna blocked?"))
        #expect(notBlocked.text == "No: Anna Müller's status is active.")
        let telegram = try #require(try answer(f, "What's Hannah's Telegram id?"))
        #expect(telegram.text == "Hannah Berg's Telegram chat id is 123456789.")
    }

    @Test func aNameThatMatchesNobodyIsAnsweredHonestlyNeverGuessed() throws {
        let f = try RecordsFixture()
        // Carl Braun is beta.example's contact: alpha never finds him.
        let other = try #require(try answer(f, "What is Carl Braun's phone number?"))
        #expect(!other.answered)
        #expect(other.text == "No contact matches 'Carl Braun'.")
        #expect(other.command == "contacts show \"Carl Braun\"")
        let found = try #require(try answer(f, "What is Carl Braun's phone number?", as: f.betaAdmin))
        #expect(found.answered && found.text == "Carl Braun's WhatsApp number is +491605550000.")
        // Several contacts match: the core's own list, and no answer.
        let ambiguous = try #require(try f.answerer().answer(.contactField(contact: "er", field: .phone)))
        #expect(!ambiguous.answered && ambiguous.text.contains("matches several contacts"))
        // Words that are no name and match nobody are a question for the knowledge base.
        #expect(try f.answerer().answer(.contactField(contact: "front desk", field: .phone)) == nil)
        #expect(try f.answerer().answer(.contactField(contact: "Alpha Clinic", field: .email)) == nil)
        #expect(try f.answerer().answer(.contactField(contact: "Alpha", field: .phone)) == nil)
        let unknownBookings = try #require(try answer(f, "Which appointments does Carl Braun have next week?"))
        #expect(!unknownBookings.answered && unknownBookings.text == "No contact matches 'Carl Braun'.")
    }

    @Test func answersWhoIsBookedWithTheRowsOfTheCommand() throws {
        let f = try RecordsFixture()
        let a = try #require(try answer(f, "Who is booked tomorrow?"))
        #expect(a.command == "bookings list --from tomorrow --to tomorrow")
        let rows = try f.db.bookings(f.staff, BookingFilter(from: "tomorrow", to: "tomorrow"))
        #expect(rows.count == 3)
        #expect(a.text.hasPrefix("3 bookings tomorrow (Tue 2026-03-31) (1 cancelled):"))
        for row in rows { #expect(a.text.contains(row.contactName)) }
        #expect(a.text.contains("- Tue 2026-03-31 09:30-10:00 +02:00, Anna Müller, Cleaning, confirmed, Room 1"))
        #expect(a.text.contains("Ben Weber, Check-up, cancelled"))

        let zoe = try #require(try answer(f, "Which appointments does Zoë have next week?"))
        #expect(zoe.command == "bookings list --from 2026-04-06 --to 2026-04-12 --contact \"Zoë Fischer\"")
        #expect(zoe.text == "1 booking next week (Mon 2026-04-06 to Sun 2026-04-12) for Zoë Fischer:\n- Tue 2026-04-07 15:00-15:30 +02:00, Zoë Fischer, Follow-up, pending")
        let next = try #require(try answer(f, "When is Anna's next appointment?"))
        #expect(next.command == "bookings list --upcoming --contact \"Anna Müller\"")
        #expect(next.text == "The next booking for Anna Müller: Tue 2026-03-31 09:30-10:00 +02:00, Anna Müller, Cleaning, confirmed, Room 1.")
        let cancelled = try #require(try answer(f, "any cancellations tomorrow?"))
        #expect(cancelled.command == "bookings list --from tomorrow --to tomorrow --status cancelled")
        #expect(cancelled.text.hasPrefix("1 cancelled booking tomorrow"))
        let friday = try #require(try answer(f, "who is booked on Friday?"))
        #expect(friday.text == "No bookings on Fri 2026-04-03.")
        #expect(friday.command == "bookings list --from fri --to fri")
    }

    @Test func answersOutboxQuestionsWithTheStatusAndDays() throws {
        let f = try RecordsFixture()
        let failed = try #require(try answer(f, "How many messages failed today?"))
        #expect(failed.command == "outbox list --status failed --from today --to today")
        #expect(failed.text.hasPrefix("2 failed messages scheduled today (Mon 2026-03-30):"))
        #expect(failed.text.contains("to Ben Weber, failed (blocked by provider)"))
        #expect(!failed.text.contains("timeout"), "a message of another day")
        let pending = try #require(try answer(f, "Is there anything pending in the outbox?"))
        #expect(pending.command == "outbox list --status pending")
        #expect(pending.text.hasPrefix("1 pending message:\n- #"))
        #expect(pending.text.contains("to Zoë Fischer, pending"))
        let all = try #require(try answer(f, "what's in the outbox?"))
        #expect(all.text.hasPrefix("5 messages (1 pending, 1 sent, 3 failed):"))
        let none = try #require(try answer(f, "how many messages were delivered today?"))
        #expect(none.text == "No delivered messages scheduled today (Mon 2026-03-30).")
    }

    @Test func answersSuppressionsLastContactTagsAndInbound() throws {
        let f = try RecordsFixture()
        let ben = try #require(try answer(f, "Is Ben suppressed on WhatsApp?"))
        #expect(ben.command == "suppressions list --channel whatsapp")
        #expect(ben.text == "Yes: Ben Weber's WhatsApp number +491717654321 is suppressed on whatsapp since Mon 2026-03-30 10:00 +02:00, reason: opt-out.")
        let anna = try #require(try answer(f, "is Anna suppressed?"))
        #expect(anna.command == "suppressions list")
        #expect(anna.text == "No: Anna Müller's WhatsApp number +491701234567 is not suppressed on whatsapp; Anna Müller's email address anna@example.com is not suppressed on email.")
        let zoe = try #require(try answer(f, "is Zoë suppressed on WhatsApp?"))
        #expect(zoe.text == "No: Zoë Fischer has no WhatsApp number, so nothing of theirs is suppressed on whatsapp.")

        let touch = try #require(try answer(f, "When was Anna last in touch?"))
        #expect(touch.text == "Anna Müller was last in touch on Mon 2026-03-30 08:00 +02:00: last message from Anna Müller Mon 2026-03-30 08:00 +02:00; last message to Anna Müller none on record.")
        #expect(touch.command == "contacts show \"Anna Müller\"")
        let never = try #require(try answer(f, "when was Ben last in touch"))
        #expect(never.text == "No message from or to Ben Weber is on record.")

        let recall = try #require(try answer(f, "How many contacts are tagged recall?"))
        #expect(recall.command == "contacts list --tag recall")
        #expect(recall.text == "2 contacts are tagged recall: Anna Müller, Ben Weber.")
        let count = try #require(try answer(f, "how many contacts do we have?"))
        #expect(count.text == "The organization has 5 contacts.")
        #expect(count.command == "contacts list --limit 0")

        let last = try #require(try answer(f, "What did Anna last write?"))
        #expect(last.command == "inbound list --contact \"Anna Müller\" --limit 1")
        #expect(last.text == "Anna Müller's last message: Mon 2026-03-30 08:00 +02:00, whatsapp, from Anna Müller: \"See you tomorrow!\".")
        let admins = try #require(try answer(f, "who are the admins?"))
        #expect(admins.text == "1 admin: admin@alpha.example." && admins.command == "members list")
    }

    @Test func aViewerReadsTheSameAndARemovedMemberIsRefused() throws {
        let f = try RecordsFixture()
        for question in ["Who is booked tomorrow?", "What is Anna Müller's phone number?", "How many messages failed today?"] {
            #expect(try answer(f, question, as: f.viewer) == answer(f, question, as: f.staff))
        }
        _ = try f.db.removeMember(f.admin, email: "viewer@alpha.example")
        #expect(throws: CorbiError.self) { try answer(f, "Who is booked tomorrow?", as: f.viewer) }
        let workspace = try f.workspace()
        #expect(throws: CorbiError.self) { try workspace.ask(f.viewer, "Who is booked tomorrow?") }
        #expect(try f.auditActions().last == "assistant.ask:refused")
    }

    @Test func askAnswersFromRecordsFirstAuditsOnceAndWritesNothingElse() throws {
        let f = try RecordsFixture()
        let workspace = try f.workspace()
        let before = try f.snapshot()
        let auditBefore = try f.auditActions()
        let questions = [
            "Who is booked tomorrow?", "What is Anna Müller's phone number?", "How many messages failed today?",
            "Is Ben suppressed on WhatsApp?", "When was Carl Braun last in touch?", "Which appointments does Zoë have next week?",
            "How many contacts are tagged recall?", "Is there anything pending in the outbox?", "What did Anna last write?",
            "What is the cancellation policy?",
        ]
        for question in questions { _ = try workspace.ask(f.viewer, question) }
        let after = try f.snapshot()
        #expect(after == before, "\(Set(after).symmetricDifference(before))")
        #expect(try f.auditActions() == auditBefore + Array(repeating: "assistant.ask:ok", count: questions.count))

        let result = try workspace.ask(f.viewer, "Who is booked tomorrow?")
        #expect(result.command == "bookings list --from tomorrow --to tomorrow")
        #expect(result.answer.answered && result.answer.confidence == 1 && result.answer.citations.isEmpty)
        let event = try #require(try f.db.auditEvents(f.admin, limit: 1).first)
        guard case .object(let details) = event.detailsValue else { Issue.record("details"); return }
        #expect(details["command"] == .string("bookings list --from tomorrow --to tomorrow"))
        #expect(details["answer"] == .string(result.answer.answer))
        #expect(details["source"] == .string("records"))
        let kb = try workspace.ask(f.viewer, "What is the cancellation policy?")
        #expect(kb.command == nil && !kb.answer.answered)
    }

    @Test func controlCharactersFromRecordsNeverReachAnAnswer() throws {
        let f = try RecordsFixture()
        // Written past the input rules, as an old import or a webhook might have.
        try f.db.writer.write { db in
            try db.execute(
                sql: "UPDATE contact SET fullName = ?, notes = ? WHERE id = ?",
                arguments: ["Anna \u{1B}[31mMüller\u{202E}", "line one\nline two\u{7}", f.anna.id!])
        }
        for question in ["What is Anna's phone number?", "what are Anna's notes", "Who is booked tomorrow?", "What did Anna last write?"] {
            let a = try #require(try answer(f, question))
            #expect(!a.text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value) }, "\(question): \(a.text)")
        }
    }

    @Test func aRecordsQuestionTakesAFewMilliseconds() throws {
        let f = try RecordsFixture()
        let workspace = try f.workspace()
        _ = try workspace.ask(f.staff, "Who is booked tomorrow?")
        let questions = ["Who is booked tomorrow?", "What is Anna Müller's phone number?", "How many messages failed today?"]
        let start = Date()
        for _ in 0..<10 { for q in questions { _ = try workspace.ask(f.staff, q) } }
        let each = Date().timeIntervalSince(start) / 30
        // A debug build on a shared machine; a release build is several times faster.
        #expect(each < 0.05, "\(each * 1000) ms a question")
    }
}
