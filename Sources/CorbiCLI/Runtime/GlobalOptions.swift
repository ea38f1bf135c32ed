import ArgumentParser
import CorbiWorkspace

/// Options every command accepts, after the subcommand (`corbi contacts list --json`) or
/// before it (`corbi --json contacts list`).
public struct GlobalOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("Database file (env CORBI_DB).", valueName: "path"))
    public var db: String?

    @Option(name: .long, help: ArgumentHelp("Knowledge-base folder (env ASSISTANT_KB_PATH).", valueName: "path"))
    public var kb: String?

    @Option(name: .long, help: ArgumentHelp("Organization id or domain (env CORBI_ORG).", valueName: "org"))
    public var org: String?

    @Option(name: .long, help: ArgumentHelp("Acting user's email (env CORBI_USER).", valueName: "email"))
    public var user: String?

    @Option(name: .long, help: ArgumentHelp("Prompts folder (env CORBI_PROMPTS).", valueName: "path"))
    public var prompts: String?

    @Flag(name: .long, help: "Print one JSON object on stdout.")
    public var json = false

    public init() {}

    /// Options with nothing given (an instance made by `init()` cannot be read).
    public static var none: GlobalOptions { try! GlobalOptions.parse([]) }

    /// Options holding the given values, for commands that declare their own.
    public static func with(db: String? = nil, kb: String? = nil, user: String? = nil, prompts: String? = nil, json: Bool = false) -> GlobalOptions {
        var arguments: [String] = []
        if let db { arguments += ["--db", db] }
        if let kb { arguments += ["--kb", kb] }
        if let user { arguments += ["--user", user] }
        if let prompts { arguments += ["--prompts", prompts] }
        if json { arguments.append("--json") }
        return (try? GlobalOptions.parse(arguments)) ?? .none
    }

    /// The files and identity these options name, for the workspace's configuration.
    public var overrides: Configuration.Overrides {
        Configuration.Overrides(database: db, knowledgeBase: kb, prompts: prompts, user: user, organization: org)
    }
}

/// The one scanner of global options written before a subcommand (`corbi --json --org x
/// contacts list`): the shell's detection, the one-shot runner and shell lines all use it.
enum GlobalArguments {
    /// Options that take a value (`--db PATH` or `--db=PATH`).
    static let valueOptions: Set<String> = ["--db", "--kb", "--org", "--user", "--prompts"]
    /// Options that take none.
    static let flagOptions: Set<String> = ["--json"]

    /// The leading arguments that are global options (or one of `extraFlags`), and the
    /// rest; `complete` is false when a value option at the end lacks its value.
    static func splitLeading(_ arguments: [String], extraFlags: Set<String> = [])
        -> (globals: [String], extra: [String], rest: [String], complete: Bool)
    {
        var globals: [String] = []
        var extra: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if extraFlags.contains(argument) {
                extra.append(argument)
            } else if flagOptions.contains(argument) {
                globals.append(argument)
            } else if valueOptions.contains(name) {
                globals.append(argument)
                if !argument.contains("=") {
                    guard index + 1 < arguments.count else { return (globals, extra, [], false) }
                    globals.append(arguments[index + 1])
                    index += 1
                }
            } else {
                break
            }
            index += 1
        }
        return (globals, extra, Array(arguments[index...]), true)
    }

    /// Moves global options typed before the subcommand to after it (before a `--`), where
    /// every command declares them. Arguments that do not start with a subcommand after
    /// the globals are returned as they are, for the parser to report.
    static func movingLeading(_ arguments: [String]) -> [String] {
        let split = splitLeading(arguments)
        guard !split.globals.isEmpty, split.complete, let first = split.rest.first, !first.hasPrefix("-") else { return arguments }
        var rest = split.rest
        rest.insert(contentsOf: split.globals, at: rest.firstIndex(of: "--") ?? rest.endIndex)
        return rest
    }
}
