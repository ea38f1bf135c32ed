import CorbiKnowledge
import Testing

@testable import CorbiAssistant

/// The assistant's re-ranking of its retrieval pool, and the phrase synonyms it expands with.
@Suite struct PassageRerankerTests {
    @Test func aPassageTitledWithTheQuestionRisesAboveOneThatOnlyScoredHigher() {
        let pool = [
            passage("apt.8.txt", 10, "DESCRIPTION › upgrade", "upgrade installs available upgrades of all packages.", score: 3),
            passage(
                "faq.txt", 40, "7. Basics › 7.12. How do I put a package on hold?",
                "7.12. How do I put a package on hold?\n\n    apt-mark hold package_name", score: 2.4),
        ]
        let terms = PassageReranker.weightedTerms(TextAnalysis.keyWords("How do I put a package on hold?"), statistics: nil)
        #expect(PassageReranker().rerank(pool, terms: terms).map(\.passage.path) == ["faq.txt", "apt.8.txt"])
        // BM25 alone keeps the retrieval order.
        var plain = PassageReranker()
        plain.weights = [1, 0, 0, 0, 0]
        #expect(plain.rerank(pool, terms: terms).map(\.passage.path) == ["apt.8.txt", "faq.txt"])
    }

    @Test func aFileNamedByTheQuestionCounts() {
        let pool = [
            passage("usermod.8.txt", 5, "OPTIONS › -e, --expiredate", "The date on which the user account will be disabled.", score: 2),
            passage("useradd.8.txt", 5, "OPTIONS › -e, --expiredate", "The date on which the user account will be disabled.", score: 2),
        ]
        let terms = PassageReranker.weightedTerms(TextAnalysis.keyWords("With useradd, when is the account disabled?"), statistics: nil)
        let ranked = PassageReranker().rerank(pool, terms: terms)
        #expect(ranked.first?.passage.path == "useradd.8.txt")
        #expect(ranked[0].signals.file > 0 && ranked[1].signals.file == 0)
        #expect(ranked[0].passage.score > ranked[1].passage.score)
    }

    @Test func fileWordsDropTheExtensionSectionAndNumbering() {
        #expect(PassageReranker.fileWords("useradd.8.txt") == "useradd")
        #expect(PassageReranker.fileWords("man/login.defs.5.txt") == "login defs")
        #expect(PassageReranker.fileWords("10-files.txt") == "files")
        #expect(PassageReranker.fileWords("orgs/a.example/location-and-parking.md") == "location and parking")
    }

    @Test func wordsTheKnowledgeBaseNeverUsesLeaveTheTerms() {
        let statistics = TermStatistics(frequencies: ["bitcoin": 0, "accept": 3], passages: 100)
        let terms = PassageReranker.weightedTerms(TextAnalysis.keyWords("Do you accept Bitcoin?"), statistics: statistics)
        #expect(terms.map(\.stem) == [TextAnalysis.stem("accept")])
    }

    @Test func phrasesMeanWhatTheirSynonymsSay() {
        let callOff = TextAnalysis.phraseSynonyms("How do I call off a shutdown I scheduled?")
        #expect(callOff.first?.words == ["call", "off"])
        #expect(callOff.first?.synonyms.contains("cancel") == true)
        let leaveOut = TextAnalysis.phraseSynonyms("How do I leave certain files out?")
        #expect(leaveOut.isEmpty)
        let leavingOut = TextAnalysis.phraseSynonyms("Leaving out the backups, what is left?")
        #expect(leavingOut.first?.synonyms.contains("exclude") == true)
        #expect(TextAnalysis.phraseSynonyms("How do I get rid of old packages?").first?.synonyms.contains("remove") == true)
    }

    @Test func wordNetFindsEveryLineInPlace() {
        let lines = WordNet.data.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count > 12_000)
        for line in lines {
            let fields = line.split(separator: " ").map(String.init)
            #expect(WordNet.entry(fields[0]) == Array(fields.dropFirst()), "\(fields[0])")
        }
        #expect(WordNet.entry("aaaaa") == nil && WordNet.entry("zzzzzz") == nil && WordNet.entry("") == nil)
    }
}
