import CorbiCore
import CorbiWorkspace
import Foundation

/// What one front end (one-shot command, shell, batch) keeps while it runs commands: the
/// open workspace, who acts, the terminal's facts and what the shell remembers between
/// lines. The one place that builds a session from the process is ``forProcess(_:)``.
public final class Session: @unchecked Sendable {
    /// The database, knowledge base, calendars and prompts, opened once per process.
    public let workspace: Workspace
    /// The acting user's email, when named (flag, `CORBI_USER`); else the only user.
    public var user: String?
    /// The organization's id or domain (flag, `CORBI_ORG`, `/org`); else the only one.
    public var organization: String?
    /// Which standard streams are terminals.
    public let terminal: TerminalFacts
    /// Writes a diagnostic line to stderr.
    public var diagnostics: (String) -> Void
    /// Asks a yes/no question on the terminal; nil when nobody can answer.
    public var confirm: ((String) -> Bool)?
    /// Asks for a line of text on the terminal (a domain typed again to confirm); nil when
    /// nobody can answer.
    public var askText: ((String) -> String?)?
    /// Writes bytes to stdout as they are made, for results too large to hold (an
    /// organization export); every other result goes through ``CommandOutput``.
    public var writeStandardOutput: (Data) throws -> Void = { data in try FileHandle.standardOutput.write(contentsOf: data) }
    /// The citations of the last answer, for the shell's `/sources` and `/cite N`.
    public var lastCitations: [CitationRef] = []
    /// Whether commands come from the shell (interactive or batch) rather than one process
    /// per command: a long-running server does not belong there.
    public var isShell = false

    public init(
        workspace: Workspace, terminal: TerminalFacts = TerminalFacts(),
        diagnostics: @escaping (String) -> Void = { line in
            FileHandle.standardError.write(Data((TerminalText.safe(line) + "\n").utf8))
        }
    ) {
        self.workspace = workspace
        self.user = workspace.configuration.user
        self.organization = workspace.configuration.organization
        self.terminal = terminal
        self.diagnostics = diagnostics
    }

    /// A session for this process: the configuration from `overrides` and the environment
    /// (64 for a bad value), terminal facts from the standard streams, questions asked on
    /// the terminal when stdin is one.
    public static func forProcess(_ overrides: Configuration.Overrides = .init()) throws -> Session {
        let configuration = try Configuration.forProcess(overrides)
        let session = Session(workspace: Workspace(configuration: configuration), terminal: .standardStreams)
        if session.terminal.stdin {
            session.confirm = TerminalQuestion.ask
            session.askText = TerminalQuestion.askText
        }
        return session
    }

    public var configuration: Configuration { workspace.configuration }

    /// The database, opened (and migrated) on first use.
    public func database() throws -> AppDatabase { try workspace.database() }

    /// The acting member as the database says now (a removed member is refused here, and
    /// every action reads the role again in its own transaction).
    public func actor() throws -> Actor {
        try database().resolveActor(user: user, organization: organization)
    }

    /// Colour on stdout.
    public var colorOut: Bool { configuration.allowsColor(onTerminal: terminal.stdout) }
    /// Colour and progress bars on stderr.
    public var colorErr: Bool { configuration.allowsColor(onTerminal: terminal.stderr) }

    /// A session for one command line whose own options differ from this one's: the same
    /// open workspace unless the line names other files.
    public func applying(_ options: GlobalOptions) -> Session {
        let overrides = options.overrides
        let configuration = self.configuration.overriding(with: overrides)
        let user = Configuration.Overrides.value(overrides.user) ?? self.user
        let organization = Configuration.Overrides.value(overrides.organization) ?? self.organization
        let sameFiles =
            configuration.databasePath == self.configuration.databasePath
            && configuration.knowledgeBasePath == self.configuration.knowledgeBasePath
            && configuration.promptsPath == self.configuration.promptsPath
        if sameFiles && user == self.user && organization == self.organization { return self }
        let copy = Session(
            workspace: sameFiles ? workspace : Workspace(configuration: configuration, environment: workspace.environment),
            terminal: terminal, diagnostics: diagnostics)
        copy.user = user
        copy.organization = organization
        copy.confirm = confirm
        copy.askText = askText
        copy.writeStandardOutput = writeStandardOutput
        copy.lastCitations = lastCitations
        copy.isShell = isShell
        return copy
    }
}

extension Configuration.Overrides {
    /// A flag's value, nil when absent or blank.
    static func value(_ s: String?) -> String? {
        guard let s, !s.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return s
    }
}

/// Which of the process's standard streams are terminals: colour, paging, progress bars
/// and yes/no questions depend on it.
public struct TerminalFacts: Sendable, Equatable {
    public var stdin: Bool
    public var stdout: Bool
    public var stderr: Bool

    public init(stdin: Bool = false, stdout: Bool = false, stderr: Bool = false) {
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
    }

    /// The facts of this process's streams.
    public static var standardStreams: TerminalFacts {
        TerminalFacts(stdin: isatty(STDIN_FILENO) != 0, stdout: isatty(STDOUT_FILENO) != 0, stderr: isatty(STDERR_FILENO) != 0)
    }
}

/// A yes/no question asked on the terminal, and whether one is open (so the shell's
/// spinner stays off the question's line).
public enum TerminalQuestion {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var open = false

    public static var isOpen: Bool {
        get { lock.withLock { open } }
        set { lock.withLock { open = newValue } }
    }

    /// Asks on stderr and reads the answer from the terminal. In the shell this runs on
    /// the command's worker while readline is not reading (the terminal is in cooked mode
    /// then), so a plain line read is right.
    public static let ask: @Sendable (String) -> Bool = { question in
        let answer = askText(question)?.lowercased() ?? ""
        return answer == "y" || answer == "yes"
    }

    /// Asks on stderr and returns the line typed (trimmed), nil at the end of input.
    public static let askText: @Sendable (String) -> String? = { question in
        isOpen = true
        defer { isOpen = false }
        FileHandle.standardError.write(Data((TerminalText.safe(question) + " ").utf8))
        return readLine()?.trimmingCharacters(in: .whitespaces)
    }
}
