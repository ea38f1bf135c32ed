import ArgumentParser
import Foundation

/// The options of a command as ArgumentParser declares them, read from its own JSON
/// description of the command (the same data its completion scripts are made from), so
/// the shell's completion never re-declares an option or a value list.
enum CommandTree {
    /// A long option and what its value can be.
    struct Option: Equatable, Sendable {
        /// `--status`.
        var name: String
        var takesValue: Bool
        /// The values declared for it (an enum's cases), empty when any text goes.
        var values: [String]
        /// Its value is a file or folder.
        var isPath: Bool
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [ObjectIdentifier: [Option]] = [:]

    /// The long options of `type`, cached.
    static func options(of type: ParsableCommand.Type) -> [Option] {
        let key = ObjectIdentifier(type)
        if let cached = lock.withLock({ cache[key] }) { return cached }
        let options = decode(type._dumpHelp())
        lock.withLock { cache[key] = options }
        return options
    }

    static func decode(_ json: String) -> [Option] {
        struct Dump: Decodable {
            struct Command: Decodable { var arguments: [Argument]? }
            struct Argument: Decodable {
                struct Name: Decodable {
                    var kind: String
                    var name: String
                }
                var kind: String
                var names: [Name]?
                var allValues: [String]?
                var completionKind: [String: JSONBlob]?
            }
            var command: Command
        }
        /// Any JSON value, ignored.
        struct JSONBlob: Decodable {}
        guard let dump = try? JSONDecoder().decode(Dump.self, from: Data(json.utf8)) else { return [] }
        return (dump.command.arguments ?? []).compactMap { argument in
            guard argument.kind != "positional", let long = argument.names?.first(where: { $0.kind == "long" }) else {
                return nil
            }
            let completion = argument.completionKind?.keys.first
            return Option(
                name: "--" + long.name, takesValue: argument.kind == "option", values: argument.allValues ?? [],
                isPath: completion == "file" || completion == "directory")
        }
    }
}
