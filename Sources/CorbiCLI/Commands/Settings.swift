import Foundation

/// Where Corbi finds its files, resolved as the contract says: flag, then environment,
/// then default.
public struct Settings: Sendable, Equatable {
    public var databasePath: String
    public var knowledgeBasePath: String
    public var promptsPath: String
    public var user: String?
    public var organization: String?

    public init(databasePath: String, knowledgeBasePath: String, promptsPath: String, user: String? = nil, organization: String? = nil) {
        self.databasePath = databasePath
        self.knowledgeBasePath = knowledgeBasePath
        self.promptsPath = promptsPath
        self.user = user
        self.organization = organization
    }

    /// Resolves the settings from options and the process environment.
    public static func resolve(_ options: GlobalOptions, environment env: [String: String]) -> Settings {
        func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
        return Settings(
            databasePath: expand(nonEmpty(options.db) ?? nonEmpty(env["CORBI_DB"]) ?? XDG.dataHome(env) + "/corbi/corbi.sqlite", env),
            knowledgeBasePath: expand(nonEmpty(options.kb) ?? nonEmpty(env["ASSISTANT_KB_PATH"]) ?? "./kb", env),
            promptsPath: expand(nonEmpty(options.prompts) ?? nonEmpty(env["CORBI_PROMPTS"]) ?? "./prompts", env),
            user: nonEmpty(options.user) ?? nonEmpty(env["CORBI_USER"]),
            organization: nonEmpty(options.org) ?? nonEmpty(env["CORBI_ORG"]))
    }

    /// Applies a REPL line's own options on top of these settings.
    public func overriding(with options: GlobalOptions) -> Settings {
        var copy = self
        let env = ProcessInfo.processInfo.environment
        if let db = options.db, !db.isEmpty { copy.databasePath = Self.expand(db, env) }
        if let kb = options.kb, !kb.isEmpty { copy.knowledgeBasePath = Self.expand(kb, env) }
        if let prompts = options.prompts, !prompts.isEmpty { copy.promptsPath = Self.expand(prompts, env) }
        if let user = options.user, !user.isEmpty { copy.user = user }
        if let org = options.org, !org.isEmpty { copy.organization = org }
        return copy
    }

    static func expand(_ path: String, _ env: [String: String]) -> String {
        if path == "~" || path.hasPrefix("~/") {
            return (env["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
        }
        return path
    }
}

/// XDG base directories.
public enum XDG {
    public static func dataHome(_ env: [String: String]) -> String {
        if let d = env["XDG_DATA_HOME"], d.hasPrefix("/") { return d }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.local/share"
    }

    public static func stateHome(_ env: [String: String]) -> String {
        if let d = env["XDG_STATE_HOME"], d.hasPrefix("/") { return d }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.local/state"
    }
}
