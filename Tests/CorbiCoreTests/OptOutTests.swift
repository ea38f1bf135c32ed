import Testing

@testable import CorbiCore

@Suite struct OptOutTests {
    @Test(arguments: [
        ("STOP", "STOP"), ("stop", "STOP"), ("  Stop!  ", "STOP"), ("stop.", "STOP"), ("STOPALL", "STOPALL"),
        ("Unsubscribe", "UNSUBSCRIBE"), ("cancel", "CANCEL"), ("End", "END"), ("quit?!", "QUIT"), ("Stopp", "STOPP"),
        ("abmelden", "ABMELDEN"), ("\nSTOP\n", "STOP"),
    ])
    func optOutWords(_ text: String, _ word: String) {
        let found = OptOut.keyword(in: text)
        #expect(found?.word == word && found?.intent == .optOut)
    }

    @Test(arguments: ["START", "start", "Unstop!", " unstop "])
    func optInWords(_ text: String) {
        #expect(OptOut.keyword(in: text)?.intent == .optIn)
    }

    @Test(arguments: ["Please stop", "STOP it", "stop stop", "Can I stop by?", "", "!!", "STO P", "stopping", "ENDE", "¡STOP"])
    func otherMessagesAreNoKeyword(_ text: String) {
        #expect(OptOut.keyword(in: text) == nil)
    }

    @Test func emailSubjectsCountOnlyForUnsubscribe() {
        #expect(OptOut.keyword(inEmailSubject: "unsubscribe", body: nil)?.word == "UNSUBSCRIBE")
        #expect(OptOut.keyword(inEmailSubject: "Unsubscribe", body: "Sent from my phone")?.word == "UNSUBSCRIBE")
        #expect(OptOut.keyword(inEmailSubject: "Hello", body: "STOP")?.word == "STOP")
        #expect(OptOut.keyword(inEmailSubject: "stop", body: "Thanks for the reminder") == nil)
        #expect(OptOut.keyword(inEmailSubject: "Re: unsubscribe me", body: nil) == nil)
    }

    @Test func onlyOptOutReasonsAreLiftedByAnOptIn() {
        #expect(OptOut.reason(word: "STOP") == "opt-out: STOP")
        #expect(OptOut.isOptOutReason("opt-out: STOP"))
        #expect(!OptOut.isOptOutReason("complaint"))
        #expect(!OptOut.isOptOutReason(nil))
    }
}
