import CorbiCore
import CorbiWorkspace
import Foundation

/// The front ends without a subcommand: the REPL on a terminal, batch mode on a pipe.
public enum Shell {
    /// Runs the shell for the root command's options and returns the exit status.
    public static func run(_ root: CorbiRoot, globals: GlobalOptions) -> Int32 {
        let streams = StandardStreams()
        let session: Session
        do {
            let base = try Configuration.forProcess(globals.overrides)
            let configuration = root.demo ? try DemoWorkspace.configuration(overrides: globals.overrides, base: base) : base
            session = Session(workspace: Workspace(configuration: configuration), terminal: .standardStreams)
        } catch {
            let mapped = CommandRunner.map(error)
            let prefix = root.demo ? "Cannot open the demo workspace: " : ""
            ResultPrinter(streams: streams).print(
                CommandRunner.failure(prefix + mapped.cliMessage, code: mapped.exitCode, json: globals.json))
            return mapped.exitCode
        }
        session.isShell = true
        if session.terminal.stdin {
            session.confirm = TerminalQuestion.ask
            session.askText = TerminalQuestion.askText
        }
        guard session.terminal.stdin else {
            let interpreter = ShellInterpreter(session: session, json: globals.json)
            return BatchRunner(interpreter: interpreter, bail: root.bail).run(lines: StandardInputLines())
        }
        return runREPL(session: session, json: globals.json, demo: root.demo)
    }

    private static func runREPL(session: Session, json: Bool, demo: Bool) -> Int32 {
        let streams = StandardStreams()
        let reader: ReadlineLineReader
        do {
            reader = try ReadlineLineReader(
                history: HistoryFile(path: session.configuration.historyPath), showProgress: session.colorErr)
        } catch {
            streams.writeErr("\(error)\n")
            return 70
        }
        defer { reader.close() }
        // Open the database on the worker while readline reads its inputrc and terminfo here.
        reader.startEarly { _ = try? session.actor() }
        reader.initializeReadline()
        reader.completer = Completer(session: session) { work in reader.quickly(work) ?? [] }
        let interpreter = ShellInterpreter(session: session, json: json, columns: Terminal.size()?.columns)
        var pager: ((String) -> Bool)?
        if session.terminal.stdout, let command = session.configuration.pagerCommand { pager = Pager(command: command).page }
        let repl = REPL(
            interpreter: interpreter, reader: reader, colorOut: session.colorOut, colorErr: session.colorErr, pager: pager)

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
            let c = session.configuration
            greeting = "Corbi demo workspace: database \(c.databasePath), knowledge base \(c.knowledgeBasePath).\n" + greeting
        }
        streams.writeOut(greeting + "\n")
        if let problem, let message = problem { streams.writeErr(message + "\n") }
        return repl.run()
    }
}
