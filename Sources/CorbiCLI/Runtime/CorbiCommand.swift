import ArgumentParser
import CorbiCore

/// A command of Corbi's one command set. The same type runs as `corbi X ...` and as
/// `/X ...` in the REPL or a piped script: it reads the session and returns its output,
/// and the front end renders it.
public protocol CorbiCommand: ParsableCommand {
    var globals: GlobalOptions { get }
    func execute(in session: Session) throws -> CommandOutput
}

extension CorbiCommand {
    // Corbi's own entry point runs commands through `CommandRunner`; this keeps
    // ArgumentParser's `main()` working too.
    public mutating func run() throws {
        let code = CommandRunner.runOneShot(arguments: Array(CommandLine.arguments.dropFirst()))
        throw ExitCode(code)
    }
}
