import ArgumentParser

/// Which command's help a command line asks for (`contacts add --help`, `help contacts`).
enum HelpTarget {
    /// The deepest command named by the leading words of `arguments`, options skipped.
    static func command(for arguments: [String]) -> ParsableCommand.Type {
        var type: ParsableCommand.Type = CorbiRoot.self
        for word in arguments where !word.hasPrefix("-") && word != "help" {
            guard let sub = type.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
            type = sub
        }
        return type
    }

    /// The help text for `arguments`, as `--help` prints it.
    static func text(for arguments: [String], columns: Int? = nil) -> String {
        let type = command(for: arguments)
        return type == CorbiRoot.self ? CorbiRoot.helpMessage(columns: columns) : CorbiRoot.helpMessage(for: type, columns: columns)
    }
}
