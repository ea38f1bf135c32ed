import ArgumentParser
import CorbiCore

/// `corbi kb`: Index and search the knowledge base. (not built yet)
public struct KBCommand: CorbiCommand {
    public static let configuration = CommandConfiguration(commandName: "kb", abstract: "Index and search the knowledge base.")
    @OptionGroup public var globals: GlobalOptions
    public init() {}

    public func execute(in session: Session) throws -> CommandOutput {
        throw CorbiError.usage("corbi kb is not available yet.")
    }
}
