import ArgumentParser
import Foundation

/// The `corbi` executable's entry point.
public enum CorbiMain {
    public static func main() -> Never {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // Global options and the root's own flags alone (no subcommand) start the shell.
        let (globalArguments, rest) = ArgumentOrder.leadingGlobals(arguments)
        let rootFlags: Set<String> = ["--demo", "--bail"]
        if rest.allSatisfy(rootFlags.contains), let root = try? CorbiRoot.parse(rest),
            let globals = try? GlobalOptions.parse(globalArguments)
        {
            exit(Shell.run(root, globals: globals))
        }
        exit(CommandRunner.runOneShot(arguments: arguments))
    }
}
