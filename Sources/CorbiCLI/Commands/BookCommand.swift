import ArgumentParser
import CorbiCore

/// `corbi book`: Book an appointment. (not built yet)
public struct BookCommand: CorbiCommand {
    public static let configuration = CommandConfiguration(commandName: "book", abstract: "Book an appointment.")
    @OptionGroup public var globals: GlobalOptions
    public init() {}

    public func execute(in session: Session) throws -> CommandOutput {
        throw CorbiError.usage("corbi book is not available yet.")
    }
}
