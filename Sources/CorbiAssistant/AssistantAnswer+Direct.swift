extension AssistantAnswer {
    /// An answer that did not come from the knowledge base (an answer from the
    /// organization's records, say): it cites no passage.
    public init(direct answer: String, question: String, answered: Bool, confidence: Double, usedModel: Bool = false, notes: [String] = []) {
        self.question = question
        self.answered = answered
        self.answer = answer
        self.confidence = confidence
        self.citations = []
        self.usedModel = usedModel
        self.notes = notes
    }
}
