import CorbiCore
import Foundation

/// The front ends without a subcommand: the REPL on a terminal, batch mode on a pipe.
public enum Shell {
    /// Runs the shell for the root command's options and returns the exit status.
    public static func run(_ root: CorbiRoot, globals: GlobalOptions) -> Int32 {
        let env = ProcessInfo.processInfo.environment
        var settings = Settings.resolve(globals, environment: env)
        if root.demo {
            do {
                settings = try DemoWorkspace.prepare(globals: globals, environment: env)
            } catch {
                let mapped = CommandRunner.map(error)
                Output.writeError("Cannot open the demo workspace: \(mapped.cliMessage)")
                return mapped.exitCode
            }
        }
        let session = Session(
            settings: settings, processEnvironment: env,
            stdoutIsTerminal: isatty(STDOUT_FILENO) != 0, stderrIsTerminal: isatty(STDERR_FILENO) != 0,
            stdinIsTerminal: isatty(STDIN_FILENO) != 0)
        if session.stdinIsTerminal { session.confirm = Session.askOnTerminal }
        guard session.stdinIsTerminal else {
            let interpreter = ShellInterpreter(session: session, json: globals.json)
            return BatchRunner(interpreter: interpreter, bail: root.bail).run(lines: StandardInputLines())
        }
        return runREPL(session: session, json: globals.json, demo: root.demo)
    }

    private static func runREPL(session: Session, json: Bool, demo: Bool) -> Int32 {
        let env = session.processEnvironment
        let colorErr = session.stderrIsTerminal && (env["NO_COLOR"] ?? "").isEmpty && env["TERM"] != "dumb"
        let reader: ReadlineLineReader
        do {
            reader = try ReadlineLineReader(history: HistoryFile(path: HistoryFile.defaultPath(environment: env)), showProgress: colorErr)
        } catch {
            Output.writeError("\(error)")
            return 70
        }
        defer { reader.close() }
        // Open the database on the worker while readline reads its inputrc and terminfo here.
        reader.startEarly { _ = try? session.actor() }
        reader.initializeReadline()
        reader.completer = Completer(session: session) { work in reader.quickly(work) ?? [] }
        let interpreter = ShellInterpreter(session: session, json: json, columns: Terminal.size()?.columns)
        var pager: ((String) -> Bool)?
        if session.stdoutIsTerminal, let p = Pager(environment: env) { pager = p.page }
        let repl = REPL(
            interpreter: interpreter, reader: reader, colorOut: session.useColor, colorErr: colorErr, pager: pager)

        // Resolving the member opens the database: done once here so the prompt is ready,
        // and so the user learns at once why no organization shows in it.
        let problem = reader.quickly { () -> String? in
            do {
                _ = try session.actor()
                return nil
            } catch {
                return CommandRunner.map(error).cliMessage
            }
        }
        var greeting = "Corbi: ask a question, or type /help. Ctrl-D leaves."
        if demo {
            greeting = "Corbi demo workspace: database \(session.settings.databasePath), knowledge base \(session.settings.knowledgeBasePath).\n" + greeting
        }
        Output.write(greeting + "\n")
        if let problem, let message = problem { Output.writeError(message) }
        return repl.run()
    }
}
