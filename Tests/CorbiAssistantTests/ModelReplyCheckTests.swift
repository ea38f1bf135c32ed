import CorbiKnowledge
import Testing

@testable import CorbiAssistant

@Suite struct ModelReplyCheckTests {
    let passages = [
        Passage(
            path: "payments.md", lineStart: 3, lineEnd: 4, heading: "Payments › Bank transfer",
            text: "Pay by bank transfer to IBAN DE89 3704 0044 0532 0130 00 within 14 days.", score: 3, snippet: ""),
        Passage(
            path: "cancel.md", lineStart: 5, lineEnd: 5, heading: "Cancellation",
            text: "Please cancel at least 24 hours ahead; a missed appointment costs €40.", score: 2, snippet: ""),
    ]

    @Test func aSupportedReplyPasses() throws {
        try ModelReplyCheck.check(
            "Please cancel at least 24 hours ahead [2]. Transfers go to IBAN DE89 3704 0044 0532 0130 00 within 14 days [1].",
            passages: passages)
        try ModelReplyCheck.check("A missed appointment costs €40. [2]", passages: passages)
        // One connective word of its own is a paraphrase, not an invention.
        try ModelReplyCheck.check("It costs €40 otherwise [2].", passages: passages)
    }

    @Test(arguments: [
        "Pay to IBAN DE12 5000 0000 0000 0000 00 within 14 days [1].",  // invented account
        "Cancel at least 48 hours ahead [2].",  // wrong number
        "Please cancel 24 hours ahead [2]. We also offer free parking and valet service for everyone.",  // uncited sentence
        "Our dentists recommend whitening treatments combined with fluoride varnish regularly [2].",  // words not in the passage
        "Cancel 24 hours ahead [2] \u{1B}]0;x\u{07}.",  // control characters
        "Cancel at least 24 hours ahead [3].",  // unknown passage
    ])
    func anUnsupportedReplyIsRefused(_ reply: String) {
        #expect(throws: LLMError.self) { try ModelReplyCheck.check(reply, passages: passages) }
    }

    @Test func aHugeReplyIsRefused() {
        let reply = String(repeating: "Please cancel at least 24 hours ahead [2]. ", count: 100)
        #expect(throws: LLMError.self) { try ModelReplyCheck.check(reply, passages: passages) }
    }

    @Test func sentencesKeepTheirCitations() {
        #expect(ModelReplyCheck.sentences(of: "One [1]. Two. [2] Three 3.5 euros [1, 2].") == ["One [1].", "Two. [2]", "Three 3.5 euros [1, 2]."])
    }
}
