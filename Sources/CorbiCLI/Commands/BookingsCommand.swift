import ArgumentParser
import CorbiCore

/// `corbi bookings`: List and change bookings. (not built yet)
public struct BookingsCommand: CorbiCommand {
    public static let configuration = CommandConfiguration(commandName: "bookings", abstract: "List and change bookings.")
    @OptionGroup public var globals: GlobalOptions
    public init() {}

    public func execute(in session: Session) throws -> CommandOutput {
        throw CorbiError.usage("corbi bookings is not available yet.")
    }
}
