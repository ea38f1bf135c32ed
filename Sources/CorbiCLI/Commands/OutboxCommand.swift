import ArgumentParser
import CorbiCore

/// `corbi outbox`: Scheduled outbound messages. (not built yet)
public struct OutboxCommand: CorbiCommand {
    public static let configuration = CommandConfiguration(commandName: "outbox", abstract: "Scheduled outbound messages.")
    @OptionGroup public var globals: GlobalOptions
    public init() {}

    public func execute(in session: Session) throws -> CommandOutput {
        throw CorbiError.usage("corbi outbox is not available yet.")
    }
}
