import Testing

@testable import CorbiCLI

@Suite struct CountedTests {
    @Test func oneIsSingularAndEveryOtherCountPlural() {
        #expect(counted(1, "question") == "1 question")
        #expect(counted(0, "question") == "0 questions")
        #expect(counted(2, "opt-out") == "2 opt-outs")
        #expect(counted(1, "delivery status", "delivery statuses") == "1 delivery status")
        #expect(counted(3, "delivery status", "delivery statuses") == "3 delivery statuses")
    }
}
