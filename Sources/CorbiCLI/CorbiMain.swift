import ArgumentParser
import Foundation

/// The `corbi` executable's entry point.
public enum CorbiMain {
    public static func main() -> Never {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // No subcommand (only global options and the root's own flags, in any order): the shell.
        let split = GlobalArguments.splitLeading(arguments, extraFlags: ["--demo", "--bail"])
        if split.complete, split.rest.isEmpty, let root = try? CorbiRoot.parse(split.extra),
            let globals = try? GlobalOptions.parse(split.globals)
        {
            exit(Shell.run(root, globals: globals))
        }
        exit(CommandRunner.runOneShot(arguments: arguments))
    }
}
