import ArgumentParser
import Foundation

/// The `corbi` executable's entry point.
public enum CorbiMain {
    public static func main() -> Never {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // No subcommand (only global options and the root's own flags, in any order): the shell.
        if let (rootFlags, globalArguments) = shellArguments(arguments), let root = try? CorbiRoot.parse(rootFlags),
            let globals = try? GlobalOptions.parse(globalArguments)
        {
            exit(Shell.run(root, globals: globals))
        }
        exit(CommandRunner.runOneShot(arguments: arguments))
    }

    /// Splits arguments that start the shell into the root's flags and the global options;
    /// nil when they name a subcommand (or anything else).
    static func shellArguments(_ arguments: [String]) -> ([String], [String])? {
        let rootFlags: Set<String> = ["--demo", "--bail"]
        var flags: [String] = []
        var globals: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
            if rootFlags.contains(argument) {
                flags.append(argument)
            } else if GlobalOptions.flagOptions.contains(argument) {
                globals.append(argument)
            } else if GlobalOptions.valueOptions.contains(name) {
                globals.append(argument)
                if !argument.contains("=") {
                    guard index + 1 < arguments.count else { return nil }
                    globals.append(arguments[index + 1])
                    index += 1
                }
            } else {
                return nil
            }
            index += 1
        }
        return (flags, globals)
    }
}
