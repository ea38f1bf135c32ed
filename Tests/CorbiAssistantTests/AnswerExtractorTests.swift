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

    @Test func aDefinitionIsAnsweredWithItsTermAndTheTermAloneIsNever() throws {
        let option = passage(
            "useradd.8.txt", 138, "OPTIONS › -m, --create-home",
            """
                   -m, --create-home
                       Create the user's home directory if it does not exist. The files
                       and directories of the skeleton directory are copied there.
            """)
        let extraction = AnswerExtractor().extract(question: "How do I make useradd create the home directory?", passages: [option])
        #expect(!extraction.picks.isEmpty)
        #expect(!extraction.picks.contains { $0.sentence.text == "-m, --create-home" })
        let answer = Assistant.extractiveAnswer(question: "q", extraction: extraction, passages: [option], confidence: 1)
        #expect(answer.answer.hasPrefix("-m, --create-home: Create the user's home directory if it does not exist."))
        #expect(answer.citations.first?.lineStart == 138)
    }

    @Test func aPlainTextFAQAnswersWithItsAnswerNeverItsQuestion() throws {
        let entry = passage(
            "faq.txt", 116, "9. Keeping up to date › 9.2. Must I go into single user mode in order to upgrade a package?",
            """
            9.2. Must I go into single user mode in order to upgrade a package?

                No. Packages can be upgraded in place, even in running systems.
                Debian has a start-stop-daemon program that is invoked to stop,
                then restart running process if necessary during a package
                upgrade.
            """)
        let extraction = AnswerExtractor().extract(question: "Do I have to switch to single-user mode to upgrade a package?", passages: [entry])
        let answer = Assistant.extractiveAnswer(question: "q", extraction: extraction, passages: [entry], confidence: 1)
        #expect(answer.answer.hasPrefix("No. Packages can be upgraded in place, even in running systems."))
        #expect(!answer.answer.contains("Must I"))
        #expect(answer.citations.first?.lineStart == 118)
    }
}
