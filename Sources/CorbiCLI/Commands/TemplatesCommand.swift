import ArgumentParser
import CorbiCore

/// `corbi templates`: Manage message templates. (not built yet)
public struct TemplatesCommand: CorbiCommand {
    public static let configuration = CommandConfiguration(commandName: "templates", abstract: "Manage message templates.")
    @OptionGroup public var globals: GlobalOptions
    public init() {}

    public func execute(in session: Session) throws -> CommandOutput {
        throw CorbiError.usage("corbi templates is not available yet.")
    }
}
