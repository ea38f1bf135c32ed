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

    @Test func picksTheSentenceThatCoversTheQuestionAndCitesItsPassage() throws {
        let answer = try Assistant(retriever: FixedRetriever(passages: passages)).answer("How much notice do I need to give to cancel?")
        #expect(answer.answered)
        #expect(answer.answer.hasPrefix("Please give us at least 24 hours' notice if you need to cancel. [1]"))
        // A short passage is cited whole: lines 5-12 as they are on disk.
        #expect(answer.citations.first == Citation(n: 1, path: "orgs/a.example/cancellation.md", lineStart: 5, lineEnd: 12, heading: "Cancellation › Notice period", score: answer.citations[0].score))
        #expect(answer.confidence >= AnswerExtractor.defaultThreshold && answer.confidence <= 1)
    }

    @Test func prefersAPriceForAHowMuchQuestion() throws {
        let answer = try Assistant(retriever: FixedRetriever(passages: passages)).answer("What does a late cancellation cost?")
        #expect(answer.answered)
        #expect(answer.answer.hasPrefix("Late cancellations cost €40 for a check-up. [1]"))
        #expect(answer.citations[0].location == "orgs/a.example/cancellation.md:5-12")
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
        #expect(answer.citations.map(\.location) == ["faq.txt:1-5"])
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
        #expect(answer.citations.first?.location == "useradd.8.txt:138-140")
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
        #expect(answer.citations.first?.location == "faq.txt:116-121")
    }

    @Test func aLongPassageIsCitedAtTheAnswersLines() throws {
        let filler = (1...50).map { "Line \($0) of the chapter says nothing about the question." }.joined(separator: "\n")
        let long = passage("policy.txt", 100, "10. Files", filler + "\nLog files must be rotated weekly by logrotate.")
        let extraction = AnswerExtractor().extract(question: "How often must log files be rotated?", passages: [long])
        let answer = Assistant.extractiveAnswer(question: "q", extraction: extraction, passages: [long], confidence: 1)
        #expect(answer.answer == "Log files must be rotated weekly by logrotate. [1]")
        #expect(answer.citations.map(\.location) == ["policy.txt:150-150"])
    }

    @Test func anotherPassageWithTheFactAskedForSupportsTheAnswer() throws {
        let aftercare = passage(
            "aftercare/whitening.md", 1, "After teeth whitening",
            "# After teeth whitening\n\nFor 48 hours after whitening, avoid coffee and red wine.", score: 3)
        let other = passage("children.md", 1, "Children", "# Children\n\nChildren brush twice a day.", score: 2)
        let prices = passage(
            "prices.md", 20, "Prices › Cosmetic", "## Cosmetic\n\n| Teeth whitening | €390 |", score: 1)
        let extraction = AnswerExtractor().extract(question: "How much is teeth whitening?", passages: [aftercare, other, prices])
        #expect(extraction.support.contains { $0.sentence.text.contains("€390") })
        let answer = Assistant.extractiveAnswer(question: "q", extraction: extraction, passages: [aftercare, other, prices], confidence: 1)
        #expect(answer.answer.contains("€390"))
        #expect(answer.citations.contains { $0.path == "prices.md" })
        #expect(answer.citations.map(\.n) == Array(1...answer.citations.count))
    }

    @Test func aNameTheKnowledgeBaseNeverMentionsIsAFeature() throws {
        let payments = passage("payments.md", 1, "Payments", "# Payments\n\nWe do not accept cash.")
        let statistics = TermStatistics(frequencies: ["accept": 1, "bitcoin": 0], passages: 40)
        let unknown = AnswerExtractor().extract(question: "Do you accept Bitcoin?", passages: [payments], statistics: statistics)
        #expect(unknown.features.unknownName == 1)
        let known = AnswerExtractor().extract(question: "Do you accept cash?", passages: [payments], statistics: TermStatistics(frequencies: ["accept": 1, "cash": 1], passages: 40))
        #expect(known.features.unknownName == 0)
        #expect(AnswerDecision.fitted.probability(unknown.features) < AnswerDecision.fitted.probability(known.features))
    }

    @Test func anAnswerWithoutTheKindOfFactAskedForIsAFeature() throws {
        let team = passage("team.md", 1, "Team", "# Team\n\nComplaints are handled by Priya Raman, the practice manager.")
        let vague = passage("complaints.md", 1, "Complaints", "# Complaints\n\nComplaints are handled by the practice manager.")
        let named = AnswerExtractor().extract(question: "Who handles complaints?", passages: [team])
        #expect(named.features.answerTypeMissing == 0)
        let unnamed = AnswerExtractor().extract(question: "Who handles complaints?", passages: [vague])
        #expect(unnamed.features.answerTypeMissing == 1)
        var found = unnamed.features
        found.answerTypeMissing = 0
        #expect(AnswerDecision.fitted.probability(unnamed.features) < AnswerDecision.fitted.probability(found))
        // A question asking for an explanation asks for no kind of fact.
        let how = AnswerExtractor().extract(question: "How are complaints handled?", passages: [vague])
        #expect(how.features.answerTypeMissing == 0)
        // A manual page's option: the passage is titled by the option, its sentence describes it.
        let option = passage("df.1.txt", 1, "df › OPTIONS › -T, --print-type", "-T, --print-type\n       print file system type")
        let prose = passage("fstab.5.txt", 1, "DESCRIPTION", "The third field describes the type of the file system.")
        let question = "Which df option prints the file system type?"
        #expect(AnswerExtractor().extract(question: question, passages: [option]).features.answerTypeMissing == 0)
        #expect(AnswerExtractor().extract(question: question, passages: [prose]).features.answerTypeMissing == 1)
    }
}
