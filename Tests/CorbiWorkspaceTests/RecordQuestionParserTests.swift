import CorbiCore
import Foundation
import Testing

@testable import CorbiWorkspace

/// The parser reads many phrasings of the same records questions, takes days and channels
/// apart, and leaves every other question to the knowledge base.
@Suite struct RecordQuestionParserTests {
    static let cases: [(String, RecordQuestion)] = [
        // Contact fields, possessive and "of"
        ("What is Anna Müller's phone number?", .contactField(contact: "Anna Müller", field: .phone)),
        ("what's Jonas's email?", .contactField(contact: "Jonas", field: .email)),
        ("Jonas' e-mail address", .contactField(contact: "Jonas", field: .email)),
        ("whats anna's number", .contactField(contact: "anna", field: .phone)),
        ("Can you tell me Ben’s mobile number please?", .contactField(contact: "Ben", field: .phone)),
        ("phone number of Anna Müller", .contactField(contact: "Anna Müller", field: .phone)),
        ("What is the email address for Zoë Fischer?", .contactField(contact: "Zoë Fischer", field: .email)),
        ("Does Jonas have an email?", .contactField(contact: "Jonas", field: .email)),
        ("what tags does Ben have", .contactField(contact: "Ben", field: .tags)),
        ("What's Hannah's Telegram id?", .contactField(contact: "Hannah", field: .telegram)),
        ("how can I reach Anna?", .contactField(contact: "Anna", field: .details)),
        ("show contact Anna Müller", .contactField(contact: "Anna Müller", field: .details)),
        ("Anna's contact details", .contactField(contact: "Anna", field: .details)),
        ("Is Zoë blocked?", .contactStatusIs(contact: "Zoë", status: .blocked)),
        ("What is Anna Müller phone number?", .contactField(contact: "Anna Müller", field: .phone)),
        ("Ben Weber email", .contactField(contact: "Ben Weber", field: .email)),
        // Last contact
        ("When was Carl last in touch?", .lastContact(contact: "Carl")),
        ("when did Carl last write", .lastContact(contact: "Carl")),
        ("When did we last hear from Anna Müller?", .lastContact(contact: "Anna Müller")),
        ("when was the last contact with Ben", .lastContact(contact: "Ben")),
        // Suppressions
        ("Is Ben suppressed on WhatsApp?", .suppression(contact: "Ben", channel: .whatsapp)),
        ("is ben opted out by email", .suppression(contact: "ben", channel: .email)),
        ("Has Anna opted out?", .suppression(contact: "Anna", channel: nil)),
        ("Has Ben unsubscribed from WhatsApp?", .suppression(contact: "Ben", channel: .whatsapp)),
        ("Is Ben on the suppression list?", .suppression(contact: "Ben", channel: nil)),
        ("When did Carl last contact us?", .lastContact(contact: "Carl")),
        // Bookings
        ("Who is booked tomorrow?", .bookings(BookingQuestion(days: .day("tomorrow")))),
        ("who's coming in today", .bookings(BookingQuestion(days: .day("today")))),
        ("Who is booked on Friday?", .bookings(BookingQuestion(days: .day("fri")))),
        ("which appointments are there next week?", .bookings(BookingQuestion(days: .nextWeek))),
        ("how many appointments do we have this week", .bookings(BookingQuestion(days: .thisWeek))),
        ("any cancellations tomorrow?", .bookings(BookingQuestion(days: .day("tomorrow"), status: .cancelled))),
        ("What bookings were cancelled yesterday?", .bookings(BookingQuestion(days: .day("yesterday"), status: .cancelled))),
        ("Which appointments does Zoë have next week?", .bookings(BookingQuestion(days: .nextWeek, contact: "Zoë"))),
        ("Does Anna have an appointment tomorrow?", .bookings(BookingQuestion(days: .day("tomorrow"), contact: "Anna"))),
        ("is anyone booked on 2026-04-02", .bookings(BookingQuestion(days: .day("2026-04-02")))),
        ("who is booked on April 7th?", .bookings(BookingQuestion(days: .monthDay(month: 4, day: 7)))),
        ("appointments on the 7th of April", .bookings(BookingQuestion(days: .monthDay(month: 4, day: 7)))),
        ("When is Anna's next appointment?", .bookings(BookingQuestion(contact: "Anna", nextOnly: true))),
        ("what's on the calendar tomorrow", .bookings(BookingQuestion(days: .day("tomorrow")))),
        ("Anna Müller's bookings", .bookings(BookingQuestion(contact: "Anna Müller"))),
        ("bookings for the next 7 days", .bookings(BookingQuestion(days: .nextSevenDays))),
        ("Who's booked for tomorrow?", .bookings(BookingQuestion(days: .day("tomorrow")))),
        ("Who has an appointment tomorrow?", .bookings(BookingQuestion(days: .day("tomorrow")))),
        ("What appointments do we have on Friday?", .bookings(BookingQuestion(days: .day("fri")))),
        ("List tomorrow's bookings", .bookings(BookingQuestion(days: .day("tomorrow")))),
        ("What's Zoë's schedule next week?", .bookings(BookingQuestion(days: .nextWeek, contact: "Zoë"))),
        ("Does Zoë have anything next week?", .bookings(BookingQuestion(days: .nextWeek, contact: "Zoë"))),
        // Outbox
        ("How many messages failed today?", .outbox(OutboxQuestion(status: .failed, days: .day("today")))),
        ("Is there anything pending in the outbox?", .outbox(OutboxQuestion(status: .pending))),
        ("which messages failed", .outbox(OutboxQuestion(status: .failed))),
        ("any failed messages this week?", .outbox(OutboxQuestion(status: .failed, days: .thisWeek))),
        ("what's in the outbox", .outbox(OutboxQuestion())),
        ("messages to Anna", .outbox(OutboxQuestion(contact: "Anna"))),
        ("how many messages were sent today", .outbox(OutboxQuestion(status: .sent, days: .day("today")))),
        ("How many failed messages today?", .outbox(OutboxQuestion(status: .failed, days: .day("today")))),
        ("Did any messages fail today?", .outbox(OutboxQuestion(status: .failed, days: .day("today")))),
        ("Anything pending in the outbox?", .outbox(OutboxQuestion(status: .pending))),
        ("How many messages are pending?", .outbox(OutboxQuestion(status: .pending))),
        // Inbound
        ("What did Anna last write?", .inbound(contact: "Anna", limit: 1)),
        ("last message from Anna Müller", .inbound(contact: "Anna Müller", limit: 1)),
        ("any new messages from Ben?", .inbound(contact: "Ben", limit: 10)),
        // Lists
        ("How many contacts are tagged recall?", .contacts(tag: "recall")),
        ("who is tagged vip", .contacts(tag: "vip")),
        ("how many patients have the tag recall", .contacts(tag: "recall")),
        ("how many contacts do we have?", .contacts(tag: nil)),
        ("How many contacts have the recall tag?", .contacts(tag: "recall")),
        ("Which contacts are tagged recall?", .contacts(tag: "recall")),
        ("who are the admins?", .members(role: .admin)),
        ("who has access", .members(role: nil)),
        ("which templates are approved?", .templates(name: nil, approved: true)),
        ("what templates do we have", .templates(name: nil, approved: nil)),
    ]

    @Test(arguments: cases) func readsRecordsQuestions(_ question: String, _ expected: RecordQuestion) {
        #expect(RecordQuestionParser.parse(question) == expected, "\(question)")
    }

    /// Questions for the knowledge base, some with the records' words in them.
    static let knowledgeQuestions = [
        "How much does a late cancellation cost?",
        "What are the opening hours?",
        "Is parking available?",
        "How do I book an appointment?",
        "Can I reschedule my appointment?",
        "What is the clinic's phone number?",
        "What's your email address?",
        "What is the price of a cleaning?",
        "What happens to failed messages?",
        "How do I cancel a pending message?",
        "Do you have appointments on Saturday?",
        "What is the status of my order?",
        "Are there appointments available tomorrow?",
        "What is the cancellation policy?",
        "Who is the dentist?",
        "How do I add a contact?",
        "what is the phone number for the front desk?",
        "Is the clinic open on Friday?",
        "What does a whitening cost?",
        "What is office phone number?",
        "Clinic email",
        "How do I call off a shutdown I scheduled?",
        "",
    ]

    @Test(arguments: knowledgeQuestions) func leavesOtherQuestionsToTheKnowledgeBase(_ question: String) {
        #expect(RecordQuestionParser.parse(question) == nil, "\(question)")
    }

    @Test func aQuestionThatCannotTakeItsDaysIsNotARecordsQuestion() {
        #expect(RecordQuestionParser.parse("what is Anna's phone number tomorrow?") == nil)
        #expect(RecordQuestionParser.parse("who is booked tomorrow on whatsapp?") == nil)
    }
}

/// The keys that let a question skip the records patterns (`QuestionKeys`) change no answer:
/// every question of the parser's tests, the demo and evaluation questions, and variants of
/// them (days, channels, polite openings, "please") are read the same with and without them.
@Suite struct RecordQuestionKeysTests {
    static func corpus() throws -> [String] {
        var questions = RecordQuestionParserTests.cases.map(\.0) + RecordQuestionParserTests.knowledgeQuestions
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for name in ["questions-demo.jsonl", "questions-dev.jsonl", "questions-heldout.jsonl"] {
            let text = try String(contentsOf: root.appendingPathComponent("eval/\(name)"), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                if let question = object?["question"] as? String { questions.append(question) }
            }
        }
        let base = questions
        for question in base {
            questions.append("please " + question)
            questions.append("Can you tell me " + question.lowercased())
            questions.append(question + " tomorrow")
            questions.append(question + " on WhatsApp")
            questions.append(question + " next week please")
        }
        return questions
    }

    @Test func keysChangeNoAnswer() throws {
        let questions = try Self.corpus()
        #expect(questions.count > 1_000)
        var recordsQuestions = 0
        for question in questions {
            let keyed = RecordQuestionParser.parse(question, usingKeys: true)
            #expect(keyed == RecordQuestionParser.parse(question, usingKeys: false), "\(question)")
            if keyed != nil { recordsQuestions += 1 }
        }
        // The comparison means something only if both kinds of question are in the corpus.
        #expect(recordsQuestions >= RecordQuestionParserTests.cases.count)
    }

    @Test func questionsPlainlyNotAboutRecordsSkipEveryPattern() {
        for question in ["How much notice do I need to give to cancel?", "Do you sell cars?", "Can I pay in instalments?", "What are the opening hours on Saturday?",
            "Who started the Debian project, and in what year?"]
        {
            #expect(!RecordQuestionParser.mayBeAboutRecords(QuestionKeys.Line(RecordQuestionParser.normalized(question))), "\(question)")
        }
    }
}
