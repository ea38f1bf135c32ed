import ArgumentParser
import CorbiCore

/// `corbi draft`: Draft a message from a template. (not built yet)
public struct DraftCommand: CorbiCommand {
    public static let configuration = CommandConfiguration(commandName: "draft", abstract: "Draft a message from a template.")
    @OptionGroup public var globals: GlobalOptions
    public init() {}

    public func execute(in session: Session) throws -> CommandOutput {
        throw CorbiError.usage("corbi draft is not available yet.")
    }
}
