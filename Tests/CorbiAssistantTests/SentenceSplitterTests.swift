import CorbiKnowledge
import Testing

@testable import CorbiAssistant

@Suite struct SentenceSplitterTests {
    @Test func keepsLineNumbersOfWrappedSentences() {
        let text = """
            # Notice period

            Please give us at least 24 hours' notice if you need to cancel or move an appointment,
            by phone or by email. Late cancellations cost €40.
            """
        let sentences = SentenceSplitter.sentences(text: text, firstLine: 10)
        #expect(sentences.map(\.text) == [
            "Notice period",
            "Please give us at least 24 hours' notice if you need to cancel or move an appointment, by phone or by email.",
            "Late cancellations cost €40.",
        ])
        #expect(sentences[0].isHeading)
        #expect(sentences[1].lineStart == 12 && sentences[1].lineEnd == 13)
        #expect(sentences[2].lineStart == 13 && sentences[2].lineEnd == 13)
    }

    @Test func stripsMarkdownFromListsAndTables() {
        let text = """
            | Treatment | Price |
            | --- | --- |
            | **Composite filling**, one surface | €120 |
            - Ibuprofen, taken as the [label](https://x.example) says, helps.
            1. Bring your `ID card`
            """
        let sentences = SentenceSplitter.sentences(text: text, firstLine: 1)
        #expect(sentences.map(\.text) == [
            "Treatment — Price",
            "Composite filling, one surface — €120",
            "Ibuprofen, taken as the label says, helps.",
            "Bring your ID card",
        ])
        #expect(sentences.map(\.lineStart) == [1, 3, 4, 5])
    }

    @Test func doesNotSplitAbbreviationsOrShortLinesTogether() {
        let text = """
            Dr. Omar Haddad treats children, e.g. anxious ones. He works on Mondays.
            Saturday: 9:00–13:00
            Sunday: closed
            """
        let sentences = SentenceSplitter.sentences(text: text, firstLine: 1)
        #expect(sentences.map(\.text) == [
            "Dr. Omar Haddad treats children, e.g. anxious ones.",
            "He works on Mondays.",
            "Saturday: 9:00–13:00",
            "Sunday: closed",
        ])
    }

    @Test func stemsMeetAcrossWordForms() {
        let cancel = TextAnalysis.stem("cancel")
        #expect(TextAnalysis.stem("cancellation") == cancel)
        #expect(TextAnalysis.stem("cancelling") == cancel)
        #expect(TextAnalysis.stem("cancelled") == cancel)
        #expect(TextAnalysis.stem("prices") == TextAnalysis.stem("price"))
        #expect(TextAnalysis.stem("appointments") == TextAnalysis.stem("appointment"))
        #expect(TextAnalysis.stem("hours") == "hour")
        #expect(TextAnalysis.keyTerms("What are your opening hours on Saturday?") == ["open", "hour", TextAnalysis.stem("saturday")])
    }

    @Test func plainTextFAQQuestionsTitleTheirAnswers() {
        let text = """
            Q: Do I need an appointment?
            A: Yes. We work by appointment only.
            """
        let sentences = SentenceSplitter.sentences(text: text, firstLine: 3)
        #expect(sentences.map(\.text) == ["Do I need an appointment?", "Yes. We work by appointment only."])
        #expect(sentences.map(\.isHeading) == [true, false])
        #expect(sentences[1].lineStart == 4)
    }
}

/// Hard-wrapped text read as the writer meant it.
@Suite struct ReflowTests {
    @Test func shortWrappedLinesDoNotEndSentences() {
        let text = """
            adm: Group adm is used for system monitoring tasks. Members
            of this group can read many log files in /var/log, and can use
            xconsole. Historically, /var/log was /usr/adm (and later
            /var/adm), thus the name of the group.
            """
        let sentences = SentenceSplitter.sentences(text: text, firstLine: 1)
        #expect(sentences.map(\.text) == [
            "adm: Group adm is used for system monitoring tasks.",
            "Members of this group can read many log files in /var/log, and can use xconsole.",
            "Historically, /var/log was /usr/adm (and later /var/adm), thus the name of the group.",
        ])
        #expect(sentences.map(\.lineStart) == [1, 1, 3])
        #expect(sentences.map(\.lineEnd) == [1, 3, 4])
    }

    @Test func brokenWordsAreWholeAgainAndControlCharactersGo() {
        let text = "       -N or --LINE-NUMBERS\n              Causes  a  line  number to be dis\u{2010}\n              played at the beginning of each line.\u{0007}"
        let sentences = SentenceSplitter.sentences(text: text, firstLine: 5)
        #expect(sentences.map(\.text) == ["-N or --LINE-NUMBERS", "Causes a line number to be displayed at the beginning of each line."])
        #expect(sentences[1].lineStart == 6 && sentences[1].lineEnd == 7)
    }

    @Test func aWrappedFAQQuestionIsAHeadingAndItsAnswerFollows() {
        let text = """
            7.12. How do I put a package on hold? And how do I take it
            off hold again?

                With apt, you can set a package to hold using apt-mark hold.
            """
        let sentences = SentenceSplitter.sentences(text: text, firstLine: 1)
        #expect(sentences.filter(\.isHeading).count == 2)
        #expect(sentences.last?.text == "With apt, you can set a package to hold using apt-mark hold.")
        #expect(sentences.last?.isHeading == false)
    }
}

@Suite struct WordNetTests {
    @Test func synonymsOfCommonWordsAndTheirForms() {
        #expect(WordNet.synonyms(of: "colleague").contains("co-worker"))
        #expect(WordNet.synonyms(of: "colleagues").contains("co-worker"))
        #expect(!WordNet.synonyms(of: "forgot").isEmpty)
        #expect(WordNet.synonyms(of: "forgot") == WordNet.synonyms(of: "forget"))
        #expect(WordNet.synonyms(of: "qwertyuiop").isEmpty)
        #expect(WordNet.synonyms(of: "").isEmpty)
    }
}
