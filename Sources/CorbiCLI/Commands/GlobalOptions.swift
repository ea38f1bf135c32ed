import ArgumentParser

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

    /// Options that take a value, for moving leading globals after the subcommand.
    static let valueOptions: Set<String> = ["--db", "--kb", "--org", "--user", "--prompts"]
    static let flagOptions: Set<String> = ["--json"]
}
