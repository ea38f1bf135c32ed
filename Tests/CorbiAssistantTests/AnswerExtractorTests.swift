import CorbiKnowledge
import Testing

@testable import CorbiAssistant

/// Passages given as they are, for tests that need no index.
struct FixedRetriever: PassageRetriever {
    var passages: [Passage]
    func retrieve(_ question: String, limit: Int) throws -> [Passage] { Array(passages.prefix(limit)) }
}

func passage(_ path: String, _ lineStart: Int, _ heading: String, _ text: String, score: Double = 1) -> Passage {
    Passage(
        path: path, lineStart: lineStart, lineEnd: lineStart + text.split(separator: "\n", omittingEmptySubsequences: false).count - 1,
        heading: heading, text: text, score: score, snippet: "")
}

@Suite struct AnswerExtractorTests {
    let passages = [
        passage(
            "orgs/a.example/cancellation.md", 5, "Cancellation › Notice period",
            """
            ## Notice period

            Please give us at least 24 hours' notice if you need to cancel.
            You can cancel by phone or by email.

            ## Late cancellations

            Late cancellations cost €40 for a check-up.
            """, score: 3),
        passage("opening.md", 1, "Hours", "# Hours\n\nWe open at 8:00 on weekdays.", score: 1),
    ]

    @Test func picksTheSentenceThatCoversTheQuestionAndCitesItsLines() throws {
        let answer = try Assistant(retriever: FixedRetriever(passages: passages)).answer("How much notice do I need to give to cancel?")
        #expect(answer.answered)
        #expect(answer.answer.hasPrefix("Please give us at least 24 hours' notice if you need to cancel."))
        #expect(answer.answer.hasSuffix("[1]"))
        #expect(answer.citations.first == Citation(n: 1, path: "orgs/a.example/cancellation.md", lineStart: 7, lineEnd: 7, heading: "Cancellation › Notice period", score: answer.citations[0].score))
        #expect(answer.confidence >= AnswerExtractor.defaultThreshold && answer.confidence <= 1)
    }

    @Test func prefersAPriceForAHowMuchQuestion() throws {
        let answer = try Assistant(retriever: FixedRetriever(passages: passages)).answer("What does a late cancellation cost?")
        #expect(answer.answered)
        #expect(answer.answer.contains("€40"))
        #expect(answer.citations[0].lineStart == 12)
    }

    @Test func refusesWhenTheKeyWordsAreNotThere() throws {
        let answer = try Assistant(retriever: FixedRetriever(passages: passages)).answer("Do you sell electric toothbrushes?")
        #expect(!answer.answered)
        #expect(answer.answer == Prompts.defaults.refusal)
        #expect(answer.confidence < AnswerExtractor.defaultThreshold)
        #expect(answer.citations.map(\.path) == ["orgs/a.example/cancellation.md", "opening.md"])
    }

    @Test func refusesWithNothingRetrieved() throws {
        let answer = try Assistant(retriever: FixedRetriever(passages: [])).answer("What are the opening hours?")
        #expect(!answer.answered && answer.citations.isEmpty && answer.confidence == 0)
    }

    @Test func refusalUsesThePromptsWording() throws {
        var prompts = Prompts.defaults
        prompts.refusal = "Sorry, I do not know."
        let answer = try Assistant(retriever: FixedRetriever(passages: passages), prompts: prompts).answer("Where do I park my boat?")
        #expect(answer.answer == "Sorry, I do not know.")
    }

    @Test func answersFromTheSectionTheQuestionTitles() throws {
        let faq = passage(
            "faq.txt", 1, "",
            """
            Q: Do I need an appointment?
            A: Yes. We work by appointment only, but keep two walk-in slots on Saturday.

            Q: What is your cancellation policy?
            A: Cancel at least 48 hours before your appointment.
            """)
        let answer = try Assistant(retriever: FixedRetriever(passages: [faq])).answer("Do I need an appointment?")
        #expect(answer.answer == "Yes. We work by appointment only, but keep two walk-in slots on Saturday. [1]")
        #expect(answer.citations.map(\.location) == ["faq.txt:2-2"])
    }
}
