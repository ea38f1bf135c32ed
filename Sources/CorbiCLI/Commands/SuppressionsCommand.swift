import ArgumentParser
import CorbiCore

/// `corbi suppressions`: Identifiers that must never be messaged. (not built yet)
public struct SuppressionsCommand: CorbiCommand {
    public static let configuration = CommandConfiguration(commandName: "suppressions", abstract: "Identifiers that must never be messaged.")
    @OptionGroup public var globals: GlobalOptions
    public init() {}

    public func execute(in session: Session) throws -> CommandOutput {
        throw CorbiError.usage("corbi suppressions is not available yet.")
    }
}
