import CorbiKnowledge
import CorbiTestSupport
import Foundation
import Testing

@testable import CorbiAssistant

/// The demo knowledge base's questions (`kb/`), part of the data the answer decision was
/// fitted on (`eval/demo-eval.py`): each answerable one must be answered from the expected
/// file with the fact inside the cited lines; each unanswerable one must be refused.
@Suite(.serialized) struct AnswerCalibrationTests {
    static let kbRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("kb").path

    static let brightsmile = "brightsmile.example"
    static let brightsmileFiles = "orgs/brightsmile.example/"

    /// (question, expected file, the fact the answer and the cited lines must hold)
    static let answerable: [(String, String, String)] = [
        ("What are the opening hours on Saturday?", brightsmileFiles + "opening-hours.md", "9:00–13:00"),
        ("How much does a routine check-up cost?", brightsmileFiles + "prices.md", "€55"),
        ("How much is a porcelain crown?", brightsmileFiles + "prices.md", "€890"),
        ("How much notice do I need to give to cancel an appointment?", brightsmileFiles + "cancellation-policy.md", "24 hours"),
        ("What is the fee for a missed appointment?", brightsmileFiles + "cancellation-policy.md", "€40"),
        ("Which insurers do you bill directly?", brightsmileFiles + "insurance.md", "Zilveren Kruis"),
        ("Is teeth whitening covered by insurance?", brightsmileFiles + "insurance.md", "not covered"),
        ("Do you accept cash?", brightsmileFiles + "payments.md", "do not accept cash"),
        ("Can I pay in instalments?", brightsmileFiles + "payments.md", "10 monthly instalments"),
        ("Where can patients park?", brightsmileFiles + "location-and-parking.md", "park for free"),
        ("What should I bring to my first visit?", brightsmileFiles + "new-patients.md", "ID card"),
        ("What number do I call for an emergency outside opening hours?", brightsmileFiles + "emergency-contact.md", "030 555 0999"),
        ("How long do you keep dental records?", brightsmileFiles + "privacy.html", "20 years"),
        ("Who handles complaints?", brightsmileFiles + "team.md", "Priya Raman"),
        ("Which days does the hygienist work?", brightsmileFiles + "team.md", "Tuesday, Thursday"),
        ("Do you offer sedation?", brightsmileFiles + "faq.md", "do not offer sedation"),
        ("What should I avoid eating or drinking after teeth whitening?", "aftercare/teeth-whitening.md", "coffee"),
        ("How long does the numbness last after a filling?", "aftercare/fillings.md", "2 to 4 hours"),
        ("What should I do with a knocked-out tooth?", "dental-emergencies.md", "milk"),
        ("How often should I replace my toothbrush?", "oral-hygiene.md", "three months"),
        // Paraphrases: other words than the files use.
        ("When does the clinic close on Friday?", brightsmileFiles + "opening-hours.md", "8:00–16:00"),
        ("What time do you open on Monday?", brightsmileFiles + "opening-hours.md", "8:00–19:00"),
        ("How much is teeth whitening?", brightsmileFiles + "prices.md", "€390"),
        ("Do I have to pay if I miss my appointment?", brightsmileFiles + "cancellation-policy.md", "€40"),
        ("What happens if I arrive late?", brightsmileFiles + "cancellation-policy.md", "15 minutes"),
        ("Where is the clinic?", brightsmileFiles + "location-and-parking.md", "BrightSmile Dental Clinic"),
        ("What is the address?", brightsmileFiles + "location-and-parking.md", "Lindenlaan 42"),
        ("Which bus goes to the clinic?", brightsmileFiles + "location-and-parking.md", "Bus lines 7 and 12"),
        ("Who is the practice owner?", brightsmileFiles + "team.md", "Sanne de Vries"),
        ("How long does the first appointment take?", brightsmileFiles + "new-patients.md", "45 minutes"),
        ("Can I smoke after an extraction?", "aftercare/tooth-extraction.md", "48 hours"),
        ("What is the wifi password?", brightsmileFiles + "faq.md", "password is on the card"),
        ("How long do you keep my data?", brightsmileFiles + "privacy.html", "20 years"),
    ]

    static let unanswerable: [String] = [
        "Do you offer Invisalign clear aligners?",
        "Can I bring my dog to the appointment?",
        "What is the price of dental implants?",
        "Who won the football match yesterday?",
        "What is the capital of France?",
        "Do you have a vegan menu?",
        "Do you do implants?",
        "How much is a dental bridge?",
        "Can I book online?",
        "Do you accept Bitcoin?",
        "What is your refund policy for whitening?",
        // Held only in Northpeak's private files.
        "How much does the Smile Plan membership cost per month?",
        "Do you offer laughing gas?",
        "What are the Northpeak opening hours?",
        "Does the membership plan include hygiene visits?",
    ]

    /// An assistant over the demo knowledge base, and the folder of its index (removed
    /// when the caller lets it go).
    static func assistant(for domain: String) throws -> (Assistant, TemporaryFolder) {
        let folder = try TemporaryFolder("corbi-assistant")
        let kb = try KnowledgeBase(root: kbRoot, indexPath: folder.path("index.sqlite"))
        try kb.refresh()
        return (Assistant(retriever: KnowledgeBaseRetriever(knowledgeBase: kb, organizationDomain: domain)), folder)
    }

    static func citedText(_ citation: Citation) throws -> String {
        try CitedLines.read(root: kbRoot, path: citation.path, lineStart: citation.lineStart, lineEnd: citation.lineEnd)
            .joined(separator: "\n")
    }

    @Test func answersEachAnswerableQuestionFromTheRightLines() throws {
        let (assistant, index) = try Self.assistant(for: Self.brightsmile)
        defer { withExtendedLifetime(index) {} }
        for (question, path, fact) in Self.answerable {
            let answer = try assistant.answer(question)
            #expect(answer.answered, "refused: \(question) (confidence \(answer.confidence))")
            guard answer.answered else { continue }
            #expect(answer.answer.contains(fact), "\(question) -> \(answer.answer)")
            let holding = try answer.citations.filter { try Self.citedText($0).contains(fact) }
            #expect(holding.map(\.path).contains(path), "\(question) -> \(answer.citations.map(\.location))")
            #expect(answer.confidence >= AnswerExtractor.defaultThreshold && answer.confidence <= 1)
        }
    }

    @Test func refusesEachUnanswerableQuestion() throws {
        let (assistant, index) = try Self.assistant(for: Self.brightsmile)
        defer { withExtendedLifetime(index) {} }
        for question in Self.unanswerable {
            let answer = try assistant.answer(question)
            #expect(!answer.answered, "answered: \(question) -> \(answer.answer) (\(answer.confidence))")
            #expect(!answer.citations.contains { $0.path.hasPrefix("orgs/northpeak.example/") })
            #expect(answer.confidence < AnswerExtractor.defaultThreshold)
        }
    }

    @Test func anotherOrganizationAnswersFromItsOwnFiles() throws {
        let (assistant, index) = try Self.assistant(for: "northpeak.example")
        defer { withExtendedLifetime(index) {} }
        let answer = try assistant.answer("How much does the Smile Plan membership cost per month?")
        #expect(answer.answered)
        #expect(answer.answer.contains("€19.50"))
        #expect(answer.citations.first?.path == "orgs/northpeak.example/membership-plan.md")
        #expect(!answer.citations.contains { $0.path.hasPrefix(Self.brightsmileFiles) })
    }

    @Test func privateFilesOfOtherOrganizationsAreNeverVisible() {
        #expect(KnowledgeBaseRetriever.isVisible("faq.md", to: "a.example"))
        #expect(KnowledgeBaseRetriever.isVisible("orgs/a.example/faq.md", to: "a.example"))
        #expect(!KnowledgeBaseRetriever.isVisible("orgs/b.example/faq.md", to: "a.example"))
        #expect(!KnowledgeBaseRetriever.isVisible("orgs/a.example.evil/faq.md", to: "a.example"))
    }
}
