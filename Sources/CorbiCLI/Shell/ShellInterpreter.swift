import ArgumentParser
import CorbiCore
import CorbiKnowledge
import CorbiWorkspace
import Foundation

/// What one input of the shell gave.
public struct ShellOutcome: Sendable {
    /// The rendered result (text or one JSON object) and its exit code.
    public var result: CommandResult
    /// `/quit`: the shell should stop reading.
    public var quits: Bool

    public init(result: CommandResult, quits: Bool = false) {
        self.result = result
        self.quits = quits
    }
}

/// Runs shell inputs — questions, `/commands` and the shell's own commands — against one
/// session, for both the REPL and batch mode. It never prints; the front end renders.
public final class ShellInterpreter: @unchecked Sendable {
    /// The session every input runs in (`/org` switches its organization).
    public let session: Session
    /// Whether every result is one JSON object (`corbi --json`).
    public let json: Bool
    /// The terminal's width, for help text; nil for the default.
    public var columns: Int?

    public init(session: Session, json: Bool, columns: Int? = nil) {
        self.session = session
        self.json = json
        self.columns = columns
    }

    /// The shell's own commands (not subcommands of `corbi`).
    public static let builtinNames = ["help", "quit", "sources", "cite", "org"]

    /// Every name a `/command` may start with, for suggestions and completion.
    public static var commandNames: [String] {
        var names = CorbiRoot.subcommandNames
        for name in builtinNames where !names.contains(name) { names.append(name) }
        return names.sorted()
    }

    /// Runs one input; nil for a blank line or a comment.
    public func run(_ text: String) -> ShellOutcome? {
        switch ShellInput.parse(text) {
        case .nothing:
            return nil
        case .malformed(let message):
            return ShellOutcome(result: failure(message, code: 64, json: json))
        case .question(let question):
            // `--` keeps a question starting with a dash from reading as an option.
            return ShellOutcome(result: runCommand(question.hasPrefix("-") ? ["ask", "--", question] : ["ask", question]))
        case .command(let words):
            return runSlash(words)
        }
    }

    // MARK: - Commands

    private func runSlash(_ words: [String]) -> ShellOutcome {
        let rest = GlobalArguments.splitLeading(words).rest
        guard let name = rest.first else {
            return ShellOutcome(result: failure("Type a command after the slash; /help lists them.", code: 64, json: json))
        }
        let wantsJSON = json || words.contains("--json")
        let arguments = Array(rest.dropFirst()).filter { $0 != "--json" }
        switch name {
        case "help":
            return ShellOutcome(result: help(arguments, json: wantsJSON))
        case "quit", "exit":
            return ShellOutcome(result: render(.message("Goodbye."), json: wantsJSON, textToo: false), quits: true)
        case "sources":
            return ShellOutcome(result: sources(json: wantsJSON))
        case "cite":
            return ShellOutcome(result: cite(arguments, json: wantsJSON))
        case "org" where Self.isOrgSwitch(arguments):
            return ShellOutcome(result: switchOrganization(to: arguments[0], json: wantsJSON))
        default:
            guard CorbiRoot.subcommandNames.contains(name) else {
                return ShellOutcome(result: failure(Self.unknownCommandMessage(name), code: 64, json: wantsJSON))
            }
            return ShellOutcome(result: runCommand(words))
        }
    }

    /// Runs `corbi <arguments>` with the shared parser, as JSON when the shell is in JSON mode.
    private func runCommand(_ arguments: [String]) -> CommandResult {
        var arguments = arguments
        let options = arguments.prefix(while: { $0 != "--" })
        // ArgumentParser answers `--help --json` with the root command, not the help.
        let wantsHelp = options.contains("--help") || options.contains("-h")
        if json && !wantsHelp && !arguments.contains("--json") {
            // Before a `--`, else it would be read as a positional argument.
            arguments.insert("--json", at: arguments.firstIndex(of: "--") ?? arguments.endIndex)
        }
        let result = CommandRunner.run(arguments: arguments, in: session)
        guard json, !result.json else { return result }
        // `--help` and the like print text even when asked for JSON: one object per input anyway.
        if result.exitCode == 0 {
            return CommandResult(stdout: JSONOutput.encode(HelpJSON(help: result.stdout)), stderr: result.stderr, exitCode: 0, json: true)
        }
        let message = (result.stderr + [result.stdout]).filter { !$0.isEmpty }.joined(separator: "\n")
        return CommandResult(
            stdout: JSONOutput.encode(ErrorJSON(exitCode: result.exitCode, message: message)), stderr: [], exitCode: result.exitCode,
            json: true)
    }

    /// "Unknown command /bokings; did you mean /bookings?"
    static func unknownCommandMessage(_ name: String) -> String {
        if let suggestion = Suggestion.closest(to: name, among: commandNames) {
            return "Unknown command /\(name); did you mean /\(suggestion)?"
        }
        return "Unknown command /\(name); /help lists the commands."
    }

    /// `/org DOMAIN` switches; `/org`, `/org list`, `/org update ...` are the `org` command.
    static func isOrgSwitch(_ arguments: [String]) -> Bool {
        guard arguments.count == 1, let first = arguments.first, !first.hasPrefix("-") else { return false }
        let subcommands = OrgCommand.configuration.subcommands.map { $0._commandName }
        return !subcommands.contains(first)
    }

    // MARK: - /org DOMAIN

    private func switchOrganization(to reference: String, json: Bool) -> CommandResult {
        do {
            let actor = try session.database().resolveActor(user: session.user, organization: reference)
            session.organization = actor.organization.domain
            session.lastCitations = []
            let o = actor.organization
            return render(
                CommandOutput(
                    text: "Now in \(o.name) (\(o.domain)) as \(actor.role.rawValue).", json: OrganizationJSON(o, role: actor.role)),
                json: json)
        } catch {
            let mapped = CommandRunner.map(error)
            return failure(mapped.cliMessage, code: mapped.exitCode, json: json)
        }
    }

    // MARK: - /sources and /cite N

    private func sources(json: Bool) -> CommandResult {
        let citations = session.lastCitations
        let text =
            citations.isEmpty
            ? "No sources yet: the last answer cited nothing (ask a question first)."
            : citations.map(Self.describe).joined(separator: "\n")
        return render(CommandOutput(text: text, json: SourcesJSON(citations: citations)), json: json)
    }

    static func describe(_ c: CitationRef) -> String {
        "[\(c.n)] \(c.path):\(c.lineStart)-\(c.lineEnd)" + (c.heading.isEmpty ? "" : "  \(c.heading)")
    }

    private func cite(_ arguments: [String], json: Bool) -> CommandResult {
        guard arguments.count == 1 else {
            return failure("Usage: /cite N, where N is a number from /sources.", code: 64, json: json)
        }
        let raw = arguments[0].trimmingCharacters(in: CharacterSet(charactersIn: "[]#"))
        guard let n = Int(raw) else {
            return failure("'\(arguments[0])' is not a citation number; /sources lists them.", code: 65, json: json)
        }
        guard let citation = session.lastCitations.first(where: { $0.n == n }) else {
            let message =
                session.lastCitations.isEmpty
                ? "No citation [\(n)]: the last answer cited nothing."
                : "No citation [\(n)]; the last answer cited [\(session.lastCitations.map { String($0.n) }.joined(separator: "], ["))]."
            return failure(message, code: 66, json: json)
        }
        let root = session.configuration.knowledgeBasePath
        // Read as the member now stands, and checked where the file really is when it is
        // opened: a link swapped in after the answer cannot lead elsewhere.
        let domain: String
        do {
            domain = try session.actor().organization.domain
        } catch {
            let mapped = CommandRunner.map(error)
            return failure(mapped.cliMessage, code: mapped.exitCode, json: json)
        }
        let bytes: [UInt8]
        switch KnowledgeFiles.read(
            citation.path, root: root, organizationDomain: domain, maxBytes: session.configuration.knowledgeBaseOptions.maxFileSize)
        {
        case .success(let read):
            bytes = read
        case .failure(.missing):
            return failure("The cited file \(citation.path) is not in the knowledge base \(root) any more.", code: 66, json: json)
        case .failure(let refusal):
            return failure("The cited file \(citation.path) cannot be shown (\(refusal)).", code: 66, json: json)
        }
        var lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        let start = max(1, citation.lineStart)
        let end = min(lines.count, max(start, citation.lineEnd))
        guard start <= lines.count else {
            return failure(
                "The file \(citation.path) has \(lines.count) lines now; the citation pointed at \(citation.lineStart)-\(citation.lineEnd).",
                code: 66, json: json)
        }
        let cited = (start...end).map {
            CitedLinesJSON.Line(number: $0, text: lines[$0 - 1].replacingOccurrences(of: "\r", with: ""))
        }
        let width = String(end).count
        let text =
            ([Self.describe(citation)]
            + cited.map { String(repeating: " ", count: width - String($0.number).count) + "\($0.number) | \($0.text)" })
            .joined(separator: "\n")
        return render(CommandOutput(text: text, json: CitedLinesJSON(citation: citation, lines: cited)), json: json)
    }

    // MARK: - /help

    private func help(_ arguments: [String], json: Bool) -> CommandResult {
        guard let first = arguments.first.map({ $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }) else {
            return render(CommandOutput(text: Self.overview(), json: Self.overviewJSON()), json: json)
        }
        if let builtin = Self.builtinHelp[first], !(first == "org" && arguments.count > 1) {
            let text = first == "org" ? builtin + "\n\n" + CorbiRoot.helpMessage(for: OrgCommand.self, columns: columns) : builtin
            return render(CommandOutput(text: text, json: HelpJSON(help: text)), json: json)
        }
        guard var type = CorbiRoot.configuration.subcommands.first(where: { $0._commandName == first }) else {
            return failure(Self.unknownCommandMessage(first), code: 64, json: json)
        }
        for name in arguments.dropFirst() {
            guard let sub = type.configuration.subcommands.first(where: { $0._commandName == name }) else {
                let names = type.configuration.subcommands.map { $0._commandName }
                let hint = Suggestion.closest(to: name, among: names).map { "; did you mean \($0)?" } ?? "."
                return failure("/\(first) has no subcommand \(name)\(hint)", code: 64, json: json)
            }
            type = sub
        }
        let text = CorbiRoot.helpMessage(for: type, columns: columns)
        return render(CommandOutput(text: text, json: HelpJSON(help: text)), json: json)
    }

    static let builtinHelp: [String: String] = [
        "help": "/help [COMMAND [SUBCOMMAND]]  Lists the commands, or shows one command's help (same as --help).",
        "quit": "/quit  Leaves the shell (Ctrl-D on an empty line too).",
        "sources": "/sources  Lists the citations of the last answer: [N] file:lines heading.",
        "cite": "/cite N  Prints the lines citation N of the last answer points at, with line numbers.",
        "org": "/org [DOMAIN]  Lists your organizations (* marks the current one), or switches to DOMAIN.",
    ]

    static let builtinOrder = ["help", "sources", "cite", "org", "quit"]

    static func overview() -> String {
        let commands = CorbiRoot.configuration.subcommands.map { ($0._commandName, $0.configuration.abstract) }
        let width = (commands.map(\.0.count) + [14]).max()! + 3
        func row(_ name: String, _ abstract: String) -> String {
            "  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + abstract
        }
        let builtins: [(String, String)] = [
            ("/help [cmd]", "This list, or a command's help (/help contacts add)."),
            ("/sources", "Citations of the last answer."),
            ("/cite N", "The lines citation N points at."),
            ("/org [DOMAIN]", "Your organizations, or switch to DOMAIN."),
            ("/quit", "Leave (or Ctrl-D)."),
        ]
        return (["Type a question in plain words, or a /command (the same as `corbi COMMAND ...`).", "", "Commands:"]
            + commands.map { row("/" + $0.0, $0.1) }
            + ["", "Shell commands:"]
            + builtins.map { row($0.0, $0.1) }
            + [
                "",
                "Tab completes commands, options, contact and template names; Ctrl-R searches the history;",
                "Ctrl-C abandons the line or the answer; a line ending in \\ continues on the next.",
            ]).joined(separator: "\n")
    }

    static func overviewJSON() -> CommandOverviewJSON {
        let commands = CorbiRoot.configuration.subcommands.map {
            CommandOverviewJSON.Entry(name: $0._commandName, abstract: $0.configuration.abstract, shellOnly: false)
        }
        let builtins = builtinOrder.filter { $0 != "org" }.map {
            CommandOverviewJSON.Entry(name: $0, abstract: builtinHelp[$0] ?? "", shellOnly: true)
        }
        return CommandOverviewJSON(commands: commands + builtins)
    }

    // MARK: - Rendering

    /// A command output as the result of this input (text, or JSON in JSON mode).
    private func render(_ output: CommandOutput, json: Bool, textToo: Bool = true) -> CommandResult {
        if json {
            let (stdout, ok) = JSONOutput.encodeChecked(output.json)
            return CommandResult(stdout: stdout, stderr: output.notes, exitCode: ok ? output.exitCode : 70, json: true)
        }
        return CommandResult(stdout: textToo ? output.text : "", stderr: output.notes, exitCode: output.exitCode, json: false)
    }

    private func failure(_ message: String, code: Int32, json: Bool) -> CommandResult {
        CommandRunner.failure(message, code: code, json: json)
    }
}
