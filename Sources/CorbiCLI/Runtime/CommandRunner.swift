import ArgumentParser
import CorbiCore
import CorbiKnowledge
import CorbiWorkspace
import Foundation
import GRDB

/// What running one command line gave, ready to render.
public struct CommandResult: Sendable {
    /// Text for stdout (text mode) or one JSON line (JSON mode).
    public var stdout: String
    /// Lines for stderr.
    public var stderr: [String]
    public var exitCode: Int32
    /// Whether the line asked for JSON.
    public var json: Bool

    public init(stdout: String, stderr: [String], exitCode: Int32, json: Bool) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
        self.json = json
    }
}

/// Parses and runs command lines with the root command's parser, for every front end.
public enum CommandRunner {
    /// Runs one command given as arguments (without the program name) in `session`.
    /// Parse errors, refusals and bugs all become a result with the contract's exit code.
    public static func run(arguments: [String], in session: Session) -> CommandResult {
        let arguments = GlobalArguments.movingLeading(arguments)
        let wantsJSON = arguments.contains("--json")
        let command: any ParsableCommand
        do {
            command = try CorbiRoot.parseAsRoot(arguments)
        } catch {
            let code = CorbiRoot.exitCode(for: error).rawValue
            if code == 0 {
                // --help and similar: help text on stdout.
                return CommandResult(stdout: CorbiRoot.fullMessage(for: error), stderr: [], exitCode: 0, json: false)
            }
            return failure(CorbiRoot.fullMessage(for: error), code: code, json: wantsJSON)
        }
        guard let corbiCommand = command as? any CorbiCommand else {
            if !(command is CorbiRoot) {
                // `--help` after a subcommand: ArgumentParser returns its own help command.
                return CommandResult(stdout: HelpTarget.text(for: arguments), stderr: [], exitCode: 0, json: false)
            }
            // The root itself: the shell is started by the caller, not from inside a line.
            return failure("Give a command; try /help.", code: 64, json: wantsJSON)
        }
        let json = corbiCommand.globals.json
        let lineSession = session.applying(corbiCommand.globals)
        do {
            let output = try corbiCommand.execute(in: lineSession)
            guard json else { return CommandResult(stdout: output.text, stderr: output.notes, exitCode: output.exitCode, json: false) }
            let (stdout, ok) = JSONOutput.encodeChecked(output.json)
            return CommandResult(stdout: stdout, stderr: output.notes, exitCode: ok ? output.exitCode : 70, json: true)
        } catch {
            let corbiError = map(error)
            return failure(corbiError.cliMessage, code: corbiError.exitCode, json: json)
        }
    }

    /// Runs a one-shot command in a new session from the process environment, prints its
    /// result and returns the exit code.
    public static func runOneShot(arguments: [String]) -> Int32 {
        let result: CommandResult
        do {
            result = run(arguments: arguments, in: try Session.forProcess())
        } catch {
            let mapped = map(error)
            result = failure(mapped.cliMessage, code: mapped.exitCode, json: arguments.contains("--json"))
        }
        ResultPrinter(streams: StandardStreams()).print(result)
        return result.exitCode
    }

    /// Any error as a `CorbiError` with its exit code.
    public static func map(_ error: any Error) -> CorbiError {
        switch error {
        case let error as CorbiError: return error
        case let error as DatabaseError: return CorbiError(error)
        case let error as KnowledgeBaseError: return CorbiError(error)
        case let error as ExitCode: return .internal("exit \(error.rawValue)")
        default: return .internal("Internal error: \(error)")
        }
    }

    static func failure(_ message: String, code: Int32, json: Bool) -> CommandResult {
        if json {
            return CommandResult(
                stdout: JSONOutput.encode(ErrorJSON(exitCode: code, message: message)), stderr: [], exitCode: code, json: true)
        }
        return CommandResult(stdout: "", stderr: [message], exitCode: code, json: false)
    }
}
