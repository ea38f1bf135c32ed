import CorbiCore
import Foundation

/// The state one front end keeps while it runs commands: settings, the open database,
/// the acting member, terminal facts and what the REPL remembers between lines.
public final class Session: @unchecked Sendable {
    public var settings: Settings {
        didSet {
            if settings.databasePath != oldValue.databasePath { openDatabase = nil }
            if settings != oldValue { cachedActor = nil }
        }
    }
    public let environment: CorbiEnvironment
    /// The process environment (`CORBI_*`, `NO_COLOR`, ...).
    public let processEnvironment: [String: String]
    /// Whether stdout is a terminal (colour, paging, progress decisions).
    public var stdoutIsTerminal: Bool
    /// Whether stderr is a terminal (progress bars).
    public var stderrIsTerminal: Bool
    /// Whether stdin is a terminal (questions like "save? y/N" are only asked then).
    public var stdinIsTerminal: Bool
    /// Writes a diagnostic line to stderr.
    public var diagnostics: (String) -> Void
    /// Asks a yes/no question on the terminal; nil when nobody can answer.
    public var confirm: ((String) -> Bool)?
    /// The citations of the last answer, for the REPL's `/sources` and `/cite N`.
    public var lastCitations: [CitationRef] = []
    /// Front-end state shared across lines.
    public var memory: [String: any Sendable] = [:]

    private var openDatabase: AppDatabase?
    private var cachedActor: Actor?

    public init(
        settings: Settings, environment: CorbiEnvironment = .live,
        processEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        stdoutIsTerminal: Bool = false, stderrIsTerminal: Bool = false, stdinIsTerminal: Bool = false,
        diagnostics: @escaping (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    ) {
        self.settings = settings
        self.environment = environment
        self.processEnvironment = processEnvironment
        self.stdoutIsTerminal = stdoutIsTerminal
        self.stderrIsTerminal = stderrIsTerminal
        self.stdinIsTerminal = stdinIsTerminal
        self.diagnostics = diagnostics
    }

    /// Colour only on a terminal and without `NO_COLOR`.
    public var useColor: Bool {
        stdoutIsTerminal && (processEnvironment["NO_COLOR"] ?? "").isEmpty && processEnvironment["TERM"] != "dumb"
    }

    /// The database, opened (and migrated) on first use.
    public func database() throws -> AppDatabase {
        if let openDatabase { return openDatabase }
        let db = try AppDatabase(path: settings.databasePath, environment: environment)
        openDatabase = db
        return db
    }

    /// The acting member, resolved on first use.
    public func actor() throws -> Actor {
        if let cachedActor { return cachedActor }
        let actor = try database().resolveActor(user: settings.user, organization: settings.organization)
        cachedActor = actor
        return actor
    }

    /// Forgets the resolved actor (after `/org`, or a change of role).
    public func resetActor() { cachedActor = nil }

    /// A session for one command line whose own options differ from this one's.
    public func applying(_ options: GlobalOptions) -> Session {
        let updated = settings.overriding(with: options)
        guard updated != settings else { return self }
        let copy = Session(
            settings: updated, environment: environment, processEnvironment: processEnvironment,
            stdoutIsTerminal: stdoutIsTerminal, stderrIsTerminal: stderrIsTerminal, stdinIsTerminal: stdinIsTerminal,
            diagnostics: diagnostics)
        copy.confirm = confirm
        copy.memory = memory
        copy.lastCitations = lastCitations
        if updated.databasePath == settings.databasePath { copy.openDatabase = openDatabase }
        return copy
    }
}

/// A citation of an answer: a file under the knowledge-base root and a line range.
public struct CitationRef: Codable, Equatable, Sendable {
    public var n: Int
    /// Relative to the knowledge-base root.
    public var path: String
    public var lineStart: Int
    public var lineEnd: Int
    public var heading: String

    public init(n: Int, path: String, lineStart: Int, lineEnd: Int, heading: String) {
        self.n = n
        self.path = path
        self.lineStart = lineStart
        self.lineEnd = lineEnd
        self.heading = heading
    }
}
