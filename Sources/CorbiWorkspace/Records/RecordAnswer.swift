/// What the records said to a question: a short exact answer (or why there is none) and
/// the command that shows the same records for the same member.
public struct RecordAnswer: Equatable, Sendable {
    /// False when the question named nobody or nothing known (or several contacts).
    public var answered: Bool
    /// One or a few lines: the commands' own values, times in the organization's zone.
    public var text: String
    /// The equivalent command as a user would type it (`bookings list --from tomorrow --to
    /// tomorrow`), without the program's name.
    public var command: String
    /// The question as it was read.
    public var question: RecordQuestion

    public init(answered: Bool, text: String, command: String, question: RecordQuestion) {
        self.answered = answered
        self.text = text
        self.command = command
        self.question = question
    }
}
