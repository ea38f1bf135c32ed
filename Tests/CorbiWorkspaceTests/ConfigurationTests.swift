import CorbiCore
import Foundation
import Testing

@testable import CorbiWorkspace

@Suite struct ConfigurationTests {
    let home = ["HOME": "/home/ann"]

    @Test func flagsBeatEnvironmentBeatDefaults() throws {
        let defaults = try Configuration.resolve(environment: home)
        #expect(defaults.databasePath == "/home/ann/.local/share/corbi/corbi.sqlite")
        #expect(defaults.knowledgeBasePath == "./kb")
        #expect(defaults.promptsPath == "./prompts")
        #expect(defaults.calendarRoot == "/home/ann/.local/share/corbi/calendar")
        #expect(defaults.historyPath == "/home/ann/.local/state/corbi/history")
        #expect(defaults.user == nil && defaults.organization == nil && defaults.llm == nil)
        #expect(defaults.knowledgeBaseOptions.maxFileSize == 10_000_000)

        var env = home
        env["CORBI_DB"] = "~/work/c.sqlite"
        env["ASSISTANT_KB_PATH"] = "/srv/kb"
        env["CORBI_USER"] = "ann@x.example"
        env["CORBI_ORG"] = "x.example"
        env["XDG_DATA_HOME"] = "/data"
        env["XDG_STATE_HOME"] = "relative/is/ignored"
        env["CORBI_CALENDAR_DIR"] = "~/cal"
        env["CORBI_KB_MAX_FILE_SIZE"] = "1.5 MiB"
        let fromEnv = try Configuration.resolve(environment: env)
        #expect(fromEnv.databasePath == "/home/ann/work/c.sqlite")
        #expect(fromEnv.knowledgeBasePath == "/srv/kb")
        #expect(fromEnv.user == "ann@x.example" && fromEnv.organization == "x.example")
        #expect(fromEnv.calendarRoot == "/home/ann/cal")
        #expect(fromEnv.historyPath == "/home/ann/.local/state/corbi/history")
        #expect(fromEnv.knowledgeBaseOptions.maxFileSize == 1_572_864)

        let flagged = try Configuration.resolve(
            Configuration.Overrides(database: "/tmp/d.sqlite", user: "bob@x.example", organization: ""), environment: env)
        #expect(flagged.databasePath == "/tmp/d.sqlite")
        #expect(flagged.user == "bob@x.example")
        // An empty flag leaves the environment's value.
        #expect(flagged.organization == "x.example")
        #expect(fromEnv.overriding(with: .init(knowledgeBase: "~/kb2")).knowledgeBasePath == "/home/ann/kb2")
    }

    @Test func everyOrganizationHasItsOwnCalendarFolder() throws {
        let config = try Configuration.resolve(environment: home.merging(["CORBI_CALENDAR_DIR": "/cal"]) { $1 })
        #expect(config.calendarFolder(domain: "a.example").path == "/cal/a.example")
        #expect(config.calendarFolder(domain: "b.example").path == "/cal/b.example")
    }

    @Test(arguments: [
        ["CORBI_KB_MAX_FILE_SIZE": "lots"], ["CORBI_KB_MAX_FILE_SIZE": "nan"], ["CORBI_KB_MAX_FILE_SIZE": "-5MB"],
        ["CORBI_KB_MAX_FILE_SIZE": "inf"], ["CORBI_KB_TRANSACTION_BYTES": "0"],
        ["CORBI_LLM_URL": "http://127.0.0.1:1", "CORBI_LLM_MODEL": "m", "CORBI_LLM_TIMEOUT": "1e30"],
        ["CORBI_LLM_URL": "http://127.0.0.1:1", "CORBI_LLM_MODEL": "m", "CORBI_LLM_TIMEOUT": "inf"],
        ["CORBI_LLM_URL": "http://127.0.0.1:1", "CORBI_LLM_MODEL": "m", "CORBI_LLM_TIMEOUT": "-1"],
        ["CORBI_LLM_URL": "ftp://h/x", "CORBI_LLM_MODEL": "m"],
        ["CORBI_WHATSAPP_API_URL": "graph.facebook.com"], ["CORBI_PUBLIC_URL": "javascript:alert(1)"],
    ])
    func badValuesAreUsageErrorsNamingTheVariable(_ env: [String: String]) {
        let name = env.keys.sorted().last { $0 != "CORBI_LLM_MODEL" && $0 != "CORBI_LLM_URL" } ?? "CORBI_LLM_URL"
        #expect {
            try Configuration.resolve(environment: home.merging(env) { $1 })
        } throws: { error in
            (error as? CorbiError)?.exitCode == 64 && "\(error)".contains(name)
        }
    }

    @Test func theModelIsConfiguredOnlyWithURLAndModel() throws {
        #expect(try Configuration.resolve(environment: ["CORBI_LLM_URL": "http://127.0.0.1:8080"]).llm == nil)
        let config = try Configuration.resolve(
            environment: ["CORBI_LLM_URL": "http://127.0.0.1:8080", "CORBI_LLM_MODEL": "llama", "CORBI_LLM_TIMEOUT": "5"]).llm
        #expect(config?.url.absoluteString == "http://127.0.0.1:8080/v1/chat/completions")
        #expect(config?.timeout == 5)
        let full = try Configuration.resolve(
            environment: ["CORBI_LLM_URL": "http://h:1/v1/chat/completions", "CORBI_LLM_MODEL": "m"]).llm
        #expect(full?.url.absoluteString == "http://h:1/v1/chat/completions")
        #expect(full?.timeout == 30)
    }

    @Test func providerAddressesDefaultToTheProviders() throws {
        let defaults = try Configuration.resolve(environment: home)
        #expect(defaults.whatsappAPIURL.absoluteString == "https://graph.facebook.com/v21.0")
        #expect(defaults.telegramAPIURL.absoluteString == "https://api.telegram.org")
        #expect(defaults.sendmailCommand == "/usr/sbin/sendmail -t -oi")
        #expect(defaults.publicURL == nil)
        let local = try Configuration.resolve(
            environment: home.merging(["CORBI_TELEGRAM_API_URL": "http://127.0.0.1:9000/", "CORBI_PUBLIC_URL": "https://corbi.example.com"]) { $1 })
        #expect(local.telegramAPIURL.absoluteString == "http://127.0.0.1:9000")
        #expect(local.publicURL?.absoluteString == "https://corbi.example.com")
    }

    @Test func colourNeedsATerminalAndNoNoColor() throws {
        #expect(try Configuration.resolve(environment: [:]).allowsColor(onTerminal: true))
        #expect(try !Configuration.resolve(environment: [:]).allowsColor(onTerminal: false))
        #expect(try !Configuration.resolve(environment: ["NO_COLOR": "1"]).allowsColor(onTerminal: true))
        #expect(try Configuration.resolve(environment: ["NO_COLOR": ""]).allowsColor(onTerminal: true))
        #expect(try !Configuration.resolve(environment: ["TERM": "dumb"]).allowsColor(onTerminal: true))
        #expect(try Configuration.resolve(environment: ["PAGER": ""]).pagerCommand == nil)
        #expect(try Configuration.resolve(environment: [:]).pagerCommand == "less -FRX")
    }
}
