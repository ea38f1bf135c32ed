import ArgumentParser

/// `corbi`: with a subcommand, runs it once; without one, opens the REPL on a terminal or
/// runs piped lines in batch.
public struct CorbiRoot: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "corbi",
        abstract: "The terminal assistant of a messaging CRM: ask the knowledge base, book, draft, look up contacts.",
        discussion: """
            Without a subcommand Corbi opens its shell on a terminal, or runs each line piped \
            on stdin (questions and /commands). Every subcommand can be typed in the shell \
            as /subcommand.
            """,
        subcommands: [
            InitCommand.self, OrgCommand.self, MembersCommand.self, ContactsCommand.self,
            KBCommand.self, AskCommand.self, BookCommand.self, BookingsCommand.self,
            TemplatesCommand.self, DraftCommand.self, OutboxCommand.self, InboundCommand.self,
            SuppressionsCommand.self, ChannelsCommand.self, ServeCommand.self, AuditCommand.self, MonitorCommand.self,
        ]
    )

    // The global options are not declared here: ArgumentParser would let the root take
    // them from after the subcommand too. `CorbiMain` reads them for the shell.

    @Flag(name: .long, help: "Open the shell on the demo workspace (its own database, seeded once).")
    public var demo = false

    @Flag(name: .long, help: "Batch mode: stop at the first failing line.")
    public var bail = false

    public init() {}

    /// Names of the subcommands, for suggestions and completion.
    public static var subcommandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName }
    }
}
