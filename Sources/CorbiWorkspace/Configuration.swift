import CorbiAssistant
import CorbiCore
import CorbiKnowledge
import CorbiMessaging
import Foundation

/// Everything Corbi reads from its environment, read once per process in this one type:
/// flags beat environment variables, which beat defaults. No other module reads the
/// environment; the core, the knowledge base and the assistant get these values as
/// parameters.
///
/// | setting | flag | environment | default |
/// | --- | --- | --- | --- |
/// | database | `--db` | `CORBI_DB` | `$XDG_DATA_HOME/corbi/corbi.sqlite` |
/// | knowledge base | `--kb` | `ASSISTANT_KB_PATH` | `./kb` |
/// | prompts | `--prompts` | `CORBI_PROMPTS` | `./prompts` |
/// | user / organization | `--user` / `--org` | `CORBI_USER` / `CORBI_ORG` | the only one |
/// | calendar root | | `CORBI_CALENDAR_DIR` | `$XDG_DATA_HOME/corbi/calendar` |
/// | shell history | | `CORBI_HISTORY` | `$XDG_STATE_HOME/corbi/history` |
/// | audit key file | | `CORBI_AUDIT_KEY_FILE` | none |
/// | largest KB file | | `CORBI_KB_MAX_FILE_SIZE` | `10MB` |
/// | KB transaction size | | `CORBI_KB_TRANSACTION_BYTES` | 32 MB |
/// | exhaustive search | | `CORBI_KB_EXHAUSTIVE=1` | off |
/// | local model | | `CORBI_LLM_URL`, `CORBI_LLM_MODEL`, `CORBI_LLM_TIMEOUT`, `CORBI_LLM_API_KEY` | none |
/// | answer diagnostics | | `CORBI_ASK_DEBUG=1` | off |
/// | provider APIs | | `CORBI_WHATSAPP_API_URL`, `CORBI_INSTAGRAM_API_URL`, `CORBI_TELEGRAM_API_URL` | the providers' own |
/// | email | | `CORBI_SENDMAIL` | `/usr/sbin/sendmail -t -oi` |
/// | public address of `serve` | | `CORBI_PUBLIC_URL` | none |
/// | sending | | `CORBI_DISPATCH_CONCURRENCY`, `CORBI_DISPATCH_INTERVAL`, `CORBI_CLAIM_LIFETIME`, `CORBI_SEND_TIMEOUT`, `CORBI_SENDMAIL_TIMEOUT` | 4, 3 s, 300 s, 30 s, 60 s |
/// | retries | | `CORBI_RETRY_ATTEMPTS`, `CORBI_RETRY_BASE_DELAY`, `CORBI_RETRY_MAX_DELAY` | 5, 30 s, 3600 s |
/// | server logs | | `CORBI_LOG_LEVEL` | `info` |
/// | pager, colour | | `PAGER`, `NO_COLOR`, `TERM` | `less -FRX`, colour on terminals |
public struct Configuration: Sendable, Equatable {
    /// Values given as flags; nil (or empty) leaves the environment's or the default.
    public struct Overrides: Sendable, Equatable {
        public var database: String?
        public var knowledgeBase: String?
        public var prompts: String?
        public var user: String?
        public var organization: String?

        public init(
            database: String? = nil, knowledgeBase: String? = nil, prompts: String? = nil, user: String? = nil,
            organization: String? = nil
        ) {
            self.database = database
            self.knowledgeBase = knowledgeBase
            self.prompts = prompts
            self.user = user
            self.organization = organization
        }
    }

    public var databasePath: String
    public var knowledgeBasePath: String
    public var promptsPath: String
    /// The acting user's email, when named.
    public var user: String?
    /// The organization's id or domain, when named.
    public var organization: String?
    /// The folder that holds one vdir calendar folder per organization (`<root>/<domain>/`).
    public var calendarRoot: String
    /// The shell's history file.
    public var historyPath: String
    /// A key kept outside the database that makes the audit chain an HMAC chain.
    public var auditKeyPath: String?
    /// How the knowledge base reads, writes and searches.
    public var knowledgeBaseOptions: KnowledgeBaseOptions
    /// The optional local model.
    public var llm: LLMConfiguration?
    /// Print the answer's scores on stderr.
    public var askDebug: Bool
    /// Where the providers' APIs are (tests and relays point them at loopback servers).
    public var whatsappAPIURL: URL
    public var instagramAPIURL: URL
    public var telegramAPIURL: URL
    /// The sendmail-compatible command line email is piped to.
    public var sendmailCommand: String
    /// Where `corbi serve` is reachable from the internet (one-click unsubscribe links).
    public var publicURL: URL?
    /// How messages are sent: concurrency, claim lifetime, retries, the providers'
    /// addresses and timeouts (`outbox send` and `serve`).
    public var dispatch: DispatchSettings
    /// Seconds between two dispatcher runs in `corbi serve`.
    public var dispatchInterval: TimeInterval
    /// The least severe log level `corbi serve` writes (`trace` ... `critical`).
    public var logLevel: String
    /// `PAGER`: nil for the default (`less -FRX`), "" for none.
    public var pager: String?
    /// `NO_COLOR` set (to anything but the empty string).
    public var noColor: Bool
    /// `TERM`.
    public var terminalType: String?
    /// The user's home folder (for `~` in paths).
    public var home: String
    /// `$XDG_DATA_HOME` (or `~/.local/share`).
    public var dataHome: String

    /// Resolves the configuration of this process. Bad values are usage errors (64)
    /// naming the variable.
    public static func resolve(_ overrides: Overrides = Overrides(), environment env: [String: String]) throws -> Configuration {
        let home = nonEmpty(env["HOME"]) ?? NSHomeDirectory()
        func expand(_ path: String) -> String {
            path == "~" || path.hasPrefix("~/") ? home + path.dropFirst() : path
        }
        func absoluteBase(_ name: String, _ fallback: String) -> String {
            if let value = env[name], value.hasPrefix("/") { return value }
            return home + fallback
        }
        let dataHome = absoluteBase("XDG_DATA_HOME", "/.local/share")
        let stateHome = absoluteBase("XDG_STATE_HOME", "/.local/state")
        let options = KnowledgeBaseOptions(
            maxFileSize: try byteCount(env["CORBI_KB_MAX_FILE_SIZE"], default: 10_000_000, name: "CORBI_KB_MAX_FILE_SIZE"),
            transactionBytes: try byteCount(
                env["CORBI_KB_TRANSACTION_BYTES"], default: 32_000_000, name: "CORBI_KB_TRANSACTION_BYTES"),
            exhaustiveSearch: flag(env["CORBI_KB_EXHAUSTIVE"]))
        let whatsappURL = try httpURL(env, "CORBI_WHATSAPP_API_URL") ?? ProviderEndpoints.whatsapp
        let instagramURL = try httpURL(env, "CORBI_INSTAGRAM_API_URL") ?? ProviderEndpoints.instagram
        let telegramURL = try httpURL(env, "CORBI_TELEGRAM_API_URL") ?? ProviderEndpoints.telegram
        let sendmailCommand = nonEmpty(env["CORBI_SENDMAIL"]) ?? ProviderEndpoints.sendmail
        let publicURL = try httpURL(env, "CORBI_PUBLIC_URL")
        return Configuration(
            databasePath: expand(nonEmpty(overrides.database) ?? nonEmpty(env["CORBI_DB"]) ?? dataHome + "/corbi/corbi.sqlite"),
            knowledgeBasePath: expand(nonEmpty(overrides.knowledgeBase) ?? nonEmpty(env["ASSISTANT_KB_PATH"]) ?? "./kb"),
            promptsPath: expand(nonEmpty(overrides.prompts) ?? nonEmpty(env["CORBI_PROMPTS"]) ?? "./prompts"),
            user: nonEmpty(overrides.user) ?? nonEmpty(env["CORBI_USER"]),
            organization: nonEmpty(overrides.organization) ?? nonEmpty(env["CORBI_ORG"]),
            calendarRoot: expand(nonEmpty(env["CORBI_CALENDAR_DIR"]) ?? dataHome + "/corbi/calendar"),
            historyPath: expand(nonEmpty(env["CORBI_HISTORY"]) ?? stateHome + "/corbi/history"),
            auditKeyPath: nonEmpty(env["CORBI_AUDIT_KEY_FILE"]).map(expand),
            knowledgeBaseOptions: options,
            llm: try llmConfiguration(env),
            askDebug: flag(env["CORBI_ASK_DEBUG"]),
            whatsappAPIURL: whatsappURL,
            instagramAPIURL: instagramURL,
            telegramAPIURL: telegramURL,
            sendmailCommand: sendmailCommand,
            publicURL: publicURL,
            dispatch: try dispatchSettings(
                env,
                providers: ProviderSettings(
                    whatsappURL: whatsappURL, instagramURL: instagramURL, telegramURL: telegramURL,
                    sendmail: try sendmail(sendmailCommand), publicURL: publicURL)),
            dispatchInterval: try seconds(env, "CORBI_DISPATCH_INTERVAL", default: 3, range: 0.1...3600),
            logLevel: try logLevel(env),
            pager: env["PAGER"],
            noColor: !(env["NO_COLOR"] ?? "").isEmpty,
            terminalType: env["TERM"],
            home: home,
            dataHome: dataHome)
    }

    /// The configuration of this process: its environment, with `overrides` on top.
    public static func forProcess(_ overrides: Overrides = Overrides()) throws -> Configuration {
        try resolve(overrides, environment: ProcessInfo.processInfo.environment)
    }

    /// These settings with a command line's own flags on top (a shell line's `--db`, say).
    public func overriding(with overrides: Overrides) -> Configuration {
        var copy = self
        func expand(_ path: String) -> String {
            path == "~" || path.hasPrefix("~/") ? home + path.dropFirst() : path
        }
        if let v = Self.nonEmpty(overrides.database) { copy.databasePath = expand(v) }
        if let v = Self.nonEmpty(overrides.knowledgeBase) { copy.knowledgeBasePath = expand(v) }
        if let v = Self.nonEmpty(overrides.prompts) { copy.promptsPath = expand(v) }
        if let v = Self.nonEmpty(overrides.user) { copy.user = v }
        if let v = Self.nonEmpty(overrides.organization) { copy.organization = v }
        return copy
    }

    /// Whether colour and progress bars may be drawn on a stream that is a terminal.
    public func allowsColor(onTerminal isTerminal: Bool) -> Bool {
        isTerminal && !noColor && terminalType != "dumb"
    }

    /// The pager command for long shell output; nil when paging is off.
    public var pagerCommand: String? {
        guard let pager else { return "less -FRX" }
        let trimmed = pager.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The vdir calendar folder of one organization: always its own, `<root>/<domain>/`.
    public func calendarFolder(domain: String) -> URL {
        URL(fileURLWithPath: calendarRoot, isDirectory: true).appendingPathComponent(domain, isDirectory: true)
    }

    // MARK: - Reading values

    static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return s
    }

    static func flag(_ s: String?) -> Bool {
        guard let s = s?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return !s.isEmpty && s != "0" && s != "false" && s != "no"
    }

    /// A size: bytes, or a number with kB, MB, GB (powers of 1000) or KiB, MiB, GiB
    /// (powers of 1024), case and spaces ignored: `25MB`, `1.5 GiB`, `800000`.
    static func byteCount(_ text: String?, default value: Int, name: String) throws -> Int {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return value }
        let lower = text.lowercased().replacingOccurrences(of: " ", with: "")
        let units: [(String, Double)] = [
            ("kib", 1024), ("mib", 1_048_576), ("gib", 1_073_741_824), ("kb", 1e3), ("mb", 1e6), ("gb", 1e9),
            ("k", 1e3), ("m", 1e6), ("g", 1e9), ("b", 1),
        ]
        var number = Substring(lower)
        var scale = 1.0
        if let (suffix, factor) = units.first(where: { lower.hasSuffix($0.0) }) {
            number = number.dropLast(suffix.count)
            scale = factor
        }
        guard let amount = Double(number), amount.isFinite, amount >= 1, amount * scale < 9e15 else {
            throw CorbiError.usage("\(name) must be a size such as 10MB, 500kB or 1GiB (got \"\(text)\").")
        }
        return Int(amount * scale)
    }

    /// An http or https URL from the environment (64 for anything else); nil when unset.
    static func httpURL(_ env: [String: String], _ name: String) throws -> URL? {
        guard let raw = nonEmpty(env[name])?.trimmingCharacters(in: .whitespaces) else { return nil }
        guard let url = URL(string: raw.hasSuffix("/") ? String(raw.dropLast()) : raw), url.scheme == "http" || url.scheme == "https",
            url.host != nil
        else {
            throw CorbiError.usage("\(name) must be an http or https URL (got \"\(raw)\").")
        }
        return url
    }

    /// `CORBI_SENDMAIL` split into words (64 when it cannot be).
    static func sendmail(_ commandLine: String) throws -> SendmailCommand {
        do {
            return try SendmailCommand(commandLine)
        } catch {
            throw CorbiError.usage("CORBI_SENDMAIL: \(error.description)")
        }
    }

    /// The dispatcher's settings from `CORBI_DISPATCH_CONCURRENCY` (1-64, default 4),
    /// `CORBI_CLAIM_LIFETIME` (seconds, default 300), `CORBI_SEND_TIMEOUT` (seconds per
    /// HTTP exchange, default 30), `CORBI_SENDMAIL_TIMEOUT` (default 60),
    /// `CORBI_RETRY_ATTEMPTS` (1-100, default 5), `CORBI_RETRY_BASE_DELAY` (default 30) and
    /// `CORBI_RETRY_MAX_DELAY` (default 3600). A claim lifetime that does not outlast the
    /// longest send by 5 s is refused (64), naming the variables.
    static func dispatchSettings(_ env: [String: String], providers: ProviderSettings) throws -> DispatchSettings {
        var providers = providers
        providers.httpTimeout = try seconds(env, "CORBI_SEND_TIMEOUT", default: 30, range: 0.1...600)
        providers.sendmailTimeout = try seconds(env, "CORBI_SENDMAIL_TIMEOUT", default: 60, range: 0.1...3600)
        let retry = RetryPolicy(
            maxAttempts: try whole(env, "CORBI_RETRY_ATTEMPTS", default: 5, range: 1...100),
            baseDelay: try seconds(env, "CORBI_RETRY_BASE_DELAY", default: 30, range: 0...86_400),
            maxDelay: try seconds(env, "CORBI_RETRY_MAX_DELAY", default: 3600, range: 0...604_800))
        let settings = DispatchSettings(
            concurrency: try whole(env, "CORBI_DISPATCH_CONCURRENCY", default: 4, range: 1...64),
            claimLifetime: try seconds(env, "CORBI_CLAIM_LIFETIME", default: 300, range: 1...86_400),
            retry: retry, providers: providers)
        if settings.problem != nil {
            let needed = Int((providers.longestSend + DispatchSettings.claimMargin).rounded(.up))
            throw CorbiError.usage(
                "CORBI_CLAIM_LIFETIME must be at least \(needed) seconds: the longest send (twice CORBI_SEND_TIMEOUT, or CORBI_SENDMAIL_TIMEOUT) plus \(Int(DispatchSettings.claimMargin)).")
        }
        return settings
    }

    /// A number of seconds within `range` (64 otherwise, naming the variable).
    static func seconds(_ env: [String: String], _ name: String, default value: Double, range: ClosedRange<Double>) throws -> Double {
        guard let text = nonEmpty(env[name])?.trimmingCharacters(in: .whitespaces) else { return value }
        guard let number = Double(text), number.isFinite, range.contains(number) else {
            throw CorbiError.usage(
                "\(name) must be a number of seconds from \(shown(range.lowerBound)) to \(shown(range.upperBound)) (got \"\(text)\").")
        }
        return number
    }

    /// A whole number within `range` (64 otherwise, naming the variable).
    static func whole(_ env: [String: String], _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = nonEmpty(env[name])?.trimmingCharacters(in: .whitespaces) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw CorbiError.usage("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound) (got \"\(text)\").")
        }
        return number
    }

    private static func shown(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(value)
    }

    /// `CORBI_LOG_LEVEL`: trace, debug, info, notice, warning, error or critical (default info).
    static func logLevel(_ env: [String: String]) throws -> String {
        guard let text = nonEmpty(env["CORBI_LOG_LEVEL"])?.trimmingCharacters(in: .whitespaces).lowercased() else { return "info" }
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        guard levels.contains(text) else {
            throw CorbiError.usage("CORBI_LOG_LEVEL must be one of \(levels.joined(separator: ", ")) (got \"\(text)\").")
        }
        return text
    }

    /// The longest a model may take, in seconds: a bound keeps a typo (`1e30`) from
    /// waiting forever or overflowing a timer.
    public static let llmTimeoutRange: ClosedRange<Double> = 0.1...600

    /// From `CORBI_LLM_URL`, `CORBI_LLM_MODEL`, `CORBI_LLM_TIMEOUT` (seconds, default 30)
    /// and `CORBI_LLM_API_KEY`; nil unless both URL and model are set. A base URL
    /// (`http://127.0.0.1:8080`) gets `/v1/chat/completions` appended.
    static func llmConfiguration(_ env: [String: String]) throws -> LLMConfiguration? {
        guard let raw = nonEmpty(env["CORBI_LLM_URL"])?.trimmingCharacters(in: .whitespaces),
            let model = nonEmpty(env["CORBI_LLM_MODEL"])?.trimmingCharacters(in: .whitespaces)
        else { return nil }
        guard var url = URL(string: raw), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw CorbiError.usage("CORBI_LLM_URL must be an http or https URL (got \"\(raw)\").")
        }
        if !url.path.hasSuffix("/chat/completions") {
            let base = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
            url = URL(string: base + (url.path.hasSuffix("/v1") ? "/chat/completions" : "/v1/chat/completions")) ?? url
        }
        var timeout: TimeInterval = 30
        if let text = nonEmpty(env["CORBI_LLM_TIMEOUT"]) {
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, llmTimeoutRange.contains(value)
            else {
                throw CorbiError.usage(
                    "CORBI_LLM_TIMEOUT must be a number of seconds from \(llmTimeoutRange.lowerBound) to \(Int(llmTimeoutRange.upperBound)) (got \"\(text)\").")
            }
            timeout = value
        }
        return LLMConfiguration(url: url, model: model, timeout: timeout, apiKey: nonEmpty(env["CORBI_LLM_API_KEY"]))
    }
}
