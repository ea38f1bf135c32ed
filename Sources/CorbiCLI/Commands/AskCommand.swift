import ArgumentParser
import CorbiCore

/// `corbi ask`: Answer a question from the knowledge base. (not built yet)
public struct AskCommand: CorbiCommand {
    public static let configuration = CommandConfiguration(commandName: "ask", abstract: "Answer a question from the knowledge base.")
    @OptionGroup public var globals: GlobalOptions
    public init() {}

    public func execute(in session: Session) throws -> CommandOutput {
        throw CorbiError.usage("corbi ask is not available yet.")
    }
}
