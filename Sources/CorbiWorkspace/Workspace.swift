import CorbiAssistant
import CorbiCore
import CorbiKnowledge
import Foundation

/// One Corbi workspace, opened once per process by every front end (one-shot command,
/// shell, batch, server): the configuration, the database, the knowledge base, the
/// calendars and the prompts. Each is opened on first use and kept, so a shell answers its
/// second question with the knowledge base's caches warm.
///
/// Thread-safe: the shell runs commands on a worker thread while the completer reads.
public final class Workspace: @unchecked Sendable {
    public let configuration: Configuration
    /// The clock and identifier source of every service.
    public let environment: CorbiEnvironment

    private let lock = NSLock()
    private var openDatabase: AppDatabase?
    private var openKnowledgeBase: KnowledgeBase?
    private var loadedPrompts: Prompts?

    public init(configuration: Configuration, environment: CorbiEnvironment = .live) {
        self.configuration = configuration
        self.environment = environment
    }

    /// The database, opened (and migrated) on first use.
    public func database() throws -> AppDatabase {
        try lock.withLock {
            if let openDatabase { return openDatabase }
            let auditKey = try auditKey()
            let db = try AppDatabase(path: configuration.databasePath, environment: environment, auditKey: auditKey)
            openDatabase = db
            return db
        }
    }

    /// The audit key of `CORBI_AUDIT_KEY_FILE`, nil when it is not set. A file that is
    /// missing (66), unreadable (77) or not a key (65) is an error naming the variable:
    /// a workspace configured with a key never runs without it.
    public func auditKey() throws -> AuditKey? {
        guard let path = configuration.auditKeyPath else { return nil }
        do {
            return try AuditKey(contentsOfFile: path)
        } catch let error as CorbiError {
            let message = "CORBI_AUDIT_KEY_FILE: " + error.message
            switch error {
            case .notFound: throw CorbiError.notFound(message + " Create one with: corbi audit key --create \(path)")
            case .permission: throw CorbiError.permission(message)
            default: throw CorbiError.invalid(message)
            }
        }
    }

    /// The knowledge base (its index beside the database), opened on first use and kept
    /// open: its caches (document frequencies, known files) live as long as the process.
    public func knowledgeBase() throws -> KnowledgeBase {
        try lock.withLock {
            if let openKnowledgeBase { return openKnowledgeBase }
            let kb = try Self.mapping {
                try KnowledgeBase(
                    root: configuration.knowledgeBasePath,
                    indexPath: KnowledgeBase.indexPath(besideDatabase: configuration.databasePath),
                    options: configuration.knowledgeBaseOptions)
            }
            openKnowledgeBase = kb
            return kb
        }
    }

    /// The answer wording and model prompts, read once.
    public var prompts: Prompts {
        lock.withLock {
            if let loadedPrompts { return loadedPrompts }
            let prompts = Prompts.load(from: configuration.promptsPath)
            loadedPrompts = prompts
            return prompts
        }
    }

    /// The calendar folder of an organization (`<calendar root>/<domain>/`): every
    /// organization has its own.
    public func calendar(for organization: Organization) -> VdirCalendar {
        VdirCalendar(directory: configuration.calendarFolder(domain: organization.domain))
    }

    /// The acting member named by the configuration (or the only one), resolved now: a
    /// member's role is read again by every action anyway.
    public func actor() throws -> Actor {
        try database().resolveActor(user: configuration.user, organization: configuration.organization)
    }

    /// Runs `body`, turning a knowledge-base failure into the contract's error.
    public static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as KnowledgeBaseError {
            throw CorbiError(error)
        }
    }
}

extension CorbiError {
    /// The contract's error for a knowledge-base failure: locked or disk full 75,
    /// unwritable 77, a missing folder 66, anything else a bug.
    public init(_ error: KnowledgeBaseError) {
        switch error {
        case .missingRoot(let path): self = .notFound("No knowledge-base folder at \(path).", hints: [.knowledgeBase])
        case .indexBusy, .indexIO: self = .temporary(error.description)
        case .indexUnwritable: self = .permission(error.description)
        case .index: self = .internal(error.description)
        }
    }
}
