import ArgumentParser
import CorbiCore
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
        let arguments = ArgumentOrder.movingLeadingGlobals(arguments)
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
            let stdout = json ? JSONOutput.encode(output.json) : output.text
            return CommandResult(stdout: stdout, stderr: output.notes, exitCode: output.exitCode, json: json)
        } catch {
            let corbiError = map(error)
            return failure(corbiError.cliMessage, code: corbiError.exitCode, json: json)
        }
    }

    /// Runs a one-shot command in a new session from the process environment, prints its
    /// result and returns the exit code.
    public static func runOneShot(arguments: [String]) -> Int32 {
        let session = Session.fromProcess(options: .none)
        let result = run(arguments: arguments, in: session)
        Output.print(result)
        return result.exitCode
    }

    /// Any error as a `CorbiError` with its exit code.
    public static func map(_ error: any Error) -> CorbiError {
        switch error {
        case let error as CorbiError: return error
        case let error as DatabaseError: return CorbiError(error)
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

extension Session {
    /// A session for this process: settings from options and environment, terminal facts
    /// from the standard streams.
    public static func fromProcess(options: GlobalOptions) -> Session {
        let env = ProcessInfo.processInfo.environment
        let session = Session(
            settings: Settings.resolve(options, environment: env), processEnvironment: env,
            stdoutIsTerminal: isatty(STDOUT_FILENO) != 0, stderrIsTerminal: isatty(STDERR_FILENO) != 0,
            stdinIsTerminal: isatty(STDIN_FILENO) != 0)
        // Questions are asked only when a person can answer them.
        if session.stdinIsTerminal { session.confirm = askOnTerminal }
        return session
    }

    /// Asks a yes/no question on stderr and reads the answer from the terminal. In the
    /// REPL this runs on the command's worker while readline is not reading (the terminal
    /// is back in cooked mode then), so a plain line read is right.
    public static let askOnTerminal: @Sendable (String) -> Bool = { question in
        TerminalQuestion.isOpen = true
        defer { TerminalQuestion.isOpen = false }
        FileHandle.standardError.write(Data((question + " ").utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return answer == "y" || answer == "yes"
    }
}

/// Moves global options typed before the subcommand (`corbi --json contacts list`) to
/// after it, where every command declares them.
enum ArgumentOrder {
    /// Splits off the global options at the start: (globals, the rest).
    static func leadingGlobals(_ arguments: [String]) -> ([String], [String]) {
        var globals: [String] = []
        var index = 0
        while index < arguments.count {
            let arg = arguments[index]
            let name = arg.split(separator: "=", maxSplits: 1).first.map(String.init) ?? arg
            if GlobalOptions.flagOptions.contains(arg) || (GlobalOptions.valueOptions.contains(name) && arg.contains("=")) {
                globals.append(arg)
                index += 1
            } else if GlobalOptions.valueOptions.contains(name) {
                globals.append(contentsOf: arguments[index..<min(index + 2, arguments.count)])
                index += 2
            } else {
                break
            }
        }
        return (globals, Array(arguments[min(index, arguments.count)...]))
    }

    static func movingLeadingGlobals(_ arguments: [String]) -> [String] {
        var globals: [String] = []
        var index = 0
        while index < arguments.count {
            let arg = arguments[index]
            let name = arg.split(separator: "=", maxSplits: 1).first.map(String.init) ?? arg
            if GlobalOptions.flagOptions.contains(arg) {
                globals.append(arg)
                index += 1
            } else if GlobalOptions.valueOptions.contains(name) {
                if arg.contains("=") {
                    globals.append(arg)
                    index += 1
                } else {
                    globals.append(arg)
                    if index + 1 < arguments.count { globals.append(arguments[index + 1]) }
                    index += 2
                }
            } else {
                break
            }
        }
        guard !globals.isEmpty, index < arguments.count, !arguments[index].hasPrefix("-") else { return arguments }
        var rest = Array(arguments[index...])
        if let dashes = rest.firstIndex(of: "--") {
            rest.insert(contentsOf: globals, at: dashes)
        } else {
            rest.append(contentsOf: globals)
        }
        return rest
    }
}

/// Whether a command is waiting for a person's answer, so the shell's spinner stays off
/// the question's line.
public enum TerminalQuestion {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var open = false

    public static var isOpen: Bool {
        get { lock.withLock { open } }
        set { lock.withLock { open = newValue } }
    }
}
