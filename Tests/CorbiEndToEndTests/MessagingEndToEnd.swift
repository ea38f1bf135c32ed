import CorbiMessaging
import CorbiTestSupport
import Foundation
import GRDB
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A workspace for the messaging end-to-end tests, made through the binary: organization
/// a.example (Berlin, calling code 49), an admin and a staff member, Anna reachable on
/// every channel, every channel's account, rates lifted.
///
/// The async tests here host loopback providers in the test process, whose handlers need
/// Swift's cooperative threads (one per core): everything that waits (a process, a file,
/// a poll) is therefore done off those threads (`offPool`, the async methods), or a fake
/// could not answer the very process the test waits for.
struct MessagingSetup: Sendable {
    var w: CorbiBinary
    static let admin = "admin@a.example"
    static let staff = "staff@a.example"
    static let appSecret = "e2e-meta-app-secret-0123456789"
    static let igSecret = "e2e-ig-app-secret-0123456789"
    static let telegramSecret = "e2e-telegram-hook-secret"
    static let botToken = "123456:ABC-e2e-bot-token"

    init(channels: Bool = true) throws {
        w = try CorbiBinary()
        w.environment["CORBI_USER"] = Self.admin
        try check(w.run("init", "--org", "A Clinic", "--domain", "a.example", "--admin", Self.admin, "--timezone", "Europe/Berlin", "--calling-code", "49"))
        try check(w.run("members", "add", Self.staff, "--role", "staff"))
        try check(w.run(
            "contacts", "add", "--name", "Anna Schmidt", "--phone", "0151 2345678", "--telegram", "4242", "--email", "anna@example.com",
            "--instagram", "ig-anna"))
        for channel in ["whatsapp", "telegram", "instagram", "email"] {
            try check(w.run("outbox", "rate", channel, "100000"))
        }
        guard channels else { return }
        try write("wa-token", "EAAG-e2e-access-token-0001")
        try write("wa-secret", Self.appSecret)
        try write("ig-token", "IGQ-e2e-access-token-0001")
        try write("ig-secret", Self.igSecret)
        try write("bot", Self.botToken + "\n")
        try check(w.run(
            "channels", "set", "whatsapp", "phone_number_id=1098", "access_token=@wa-token", "app_secret=@wa-secret", "verify_token=e2e-verify"))
        try check(w.run(
            "channels", "set", "instagram", "account_id=17841400000", "access_token=@ig-token", "app_secret=@ig-secret",
            "verify_token=ig-verify"))
        try check(w.run("channels", "set", "telegram", "bot_token=@bot", "secret_token=\(Self.telegramSecret)"))
        try check(w.run("channels", "set", "email", "from=A Clinic <hello@a.example>"))
    }

    func remove() { w.remove() }

    /// A new setup, made off the cooperative pool.
    static func make(channels: Bool = true) async throws -> MessagingSetup {
        try await offPool { try MessagingSetup(channels: channels) }
    }

    /// `corbi ARGS` as `user` (default: the staff member), off the cooperative pool.
    func run(_ arguments: [String], as user: String = staff, stdin: String = "", environment: [String: String] = [:]) async throws
        -> CorbiBinary.Result
    {
        let w = w
        return try await offPool { try w.run(arguments, as: user, stdin: stdin, environment: environment) }
    }

    /// ``text(_:channel:extra:)`` off the cooperative pool.
    @discardableResult
    func draft(_ text: String, channel: String, extra: [String] = []) async throws -> Int {
        let s = self
        return try await offPool { try s.text(text, channel: channel, extra: extra) }
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: w.folder.appendingPathComponent(name))
    }

    /// The environment pointing every HTTP provider at `fake` (`/wa`, `/ig`, `/tg`) and email at `sendmail`.
    static func providers(_ fake: URL, sendmail: FakeSendmail? = nil) -> [String: String] {
        var env = [
            "CORBI_WHATSAPP_API_URL": fake.absoluteString + "/wa", "CORBI_INSTAGRAM_API_URL": fake.absoluteString + "/ig",
            "CORBI_TELEGRAM_API_URL": fake.absoluteString + "/tg",
        ]
        if let sendmail { env["CORBI_SENDMAIL"] = "'\(sendmail.script.path)' -t -oi" }
        return env
    }

    /// A provider that accepts everything, in each provider's format.
    static func accept(_ request: FakeProvider.Received) -> FakeProvider.Reply {
        if request.path.hasPrefix("/wa/") {
            return .json(200, #"{"messaging_product":"whatsapp","messages":[{"id":"wamid.\#(UUID().uuidString)"}]}"#)
        }
        if request.path.hasPrefix("/ig/") { return .json(200, #"{"recipient_id":"ig-anna","message_id":"mid.\#(UUID().uuidString)"}"#) }
        if request.path.hasPrefix("/tg/") {
            return .json(200, #"{"ok":true,"result":{"message_id":\#(Int.random(in: 1...1_000_000_000)),"chat":{"id":4242}}}"#)
        }
        return .json(404, "{}")
    }

    /// `SELECT count(*) ...` on the workspace's database.
    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        let queue = try DatabaseQueue(path: w.databasePath)
        return try queue.read { try Int.fetchOne($0, sql: sql, arguments: arguments) ?? 0 }
    }

    /// One column of a query on the workspace's database.
    func strings(_ sql: String, _ arguments: StatementArguments = []) throws -> [String] {
        let queue = try DatabaseQueue(path: w.databasePath)
        return try queue.read { try String.fetchAll($0, sql: sql, arguments: arguments) }
    }

    /// Drafts free text to Anna as staff (WhatsApp and Instagram: after a message from her).
    @discardableResult
    func text(_ text: String, channel: String, extra: [String] = []) throws -> Int {
        if channel == "whatsapp" || channel == "instagram" {
            try check(w.run(["inbound", "record", channel, channel == "whatsapp" ? "+491512345678" : "ig-anna", "hi"], as: Self.staff))
        }
        var arguments = ["draft", "anna", "--text", text, "--channel", channel, "--yes", "--json"] + extra
        if channel == "email" { arguments += ["--subject", "Your visit"] }
        let r = try w.run(arguments, as: Self.staff)
        try check(r)
        guard let id = r.json?["id"] as? Int else { throw E2EError("no draft id in \(r.stdout)") }
        return id
    }

    func status(_ id: Int) throws -> String {
        try strings("SELECT status FROM outboundMessage WHERE id = ?", [id]).first ?? "?"
    }

    /// Starts `corbi ARGS` without waiting (output discarded), for racing or killing it.
    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        try w.start(arguments, environment: environment)
    }
}

struct E2EError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Throws with the output unless the command exited 0.
@discardableResult
func check(_ r: CorbiBinary.Result) throws -> CorbiBinary.Result {
    guard r.status == 0 else { throw E2EError("exit \(r.status): \(r.stderr) \(r.stdout)") }
    return r
}

/// `corbi serve --port 0` running in the background, with its stderr kept in a file.
final class ServeProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    let logFile: URL

    /// Starts `corbi serve --port 0 ARGS` and waits (up to 2 minutes on a busy machine)
    /// for its "Listening on" line, off the cooperative pool.
    static func start(_ w: CorbiBinary, arguments: [String] = [], environment: [String: String] = [:]) async throws -> ServeProcess {
        try await offPool { try ServeProcess(w, arguments: arguments, environment: environment) }
    }

    private init(_ w: CorbiBinary, arguments: [String], environment: [String: String]) throws {
        logFile = w.folder.appendingPathComponent("serve-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        process = Process()
        process.executableURL = CorbiBinary.url
        process.arguments = ["serve", "--port", "0"] + arguments
        process.environment = w.environment.merging(environment) { _, new in new }
        process.currentDirectoryURL = w.folder
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = log
        try process.run()
        try log.close()
        let deadline = Date().addingTimeInterval(120)
        var found: Int?
        while found == nil && Date() < deadline && process.isRunning {
            let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"Listening on http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                found = Int(text[range].split(separator: ":").last!)
            } else {
                usleep(20_000)
            }
        }
        guard let found else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw E2EError("serve did not start: \((try? String(contentsOf: logFile, encoding: .utf8)) ?? "")")
        }
        port = found
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
    var base: String { "http://127.0.0.1:\(port)" }

    /// SIGTERM, then the exit status.
    func terminate() async throws -> Int32 {
        let process = process
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        return try await offPool {
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    /// kill -9.
    func kill9() async throws {
        let process = process
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try await offPool { process.waitUntilExit() }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    func get(_ path: String) async throws -> HTTPAnswer {
        try await HTTPAnswer.send(URLRequest(url: URL(string: base + path)!))
    }

    func post(_ path: String, _ body: Data, headers: [String: String] = [:]) async throws -> HTTPAnswer {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return try await HTTPAnswer.send(request)
    }

    /// A WhatsApp or Instagram body signed as Meta signs it.
    func postMeta(_ channel: String, _ body: String, secret: String? = nil, domain: String = "a.example") async throws -> HTTPAnswer {
        let key = secret ?? (channel == "instagram" ? MessagingSetup.igSecret : MessagingSetup.appSecret)
        let data = Data(body.utf8)
        return try await post(
            "/webhooks/\(domain)/\(channel)", data, headers: ["X-Hub-Signature-256": WebhookSignature.metaSignature(body: data, appSecret: key)])
    }

    /// A Telegram update with the webhook's secret token.
    func postTelegram(_ body: String, token: String = MessagingSetup.telegramSecret) async throws -> HTTPAnswer {
        try await post("/webhooks/a.example/telegram", Data(body.utf8), headers: ["X-Telegram-Bot-Api-Secret-Token": token])
    }
}

/// An HTTP answer.
struct HTTPAnswer: Sendable {
    var status: Int
    var body: Data
    var headers: [String: String]
    var text: String { String(decoding: body, as: UTF8.self) }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 120
        configuration.httpMaximumConnectionsPerHost = 32
        return URLSession(configuration: configuration)
    }()

    static func send(_ request: URLRequest) async throws -> HTTPAnswer {
        try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                    return
                }
                let http = response as? HTTPURLResponse
                var headers: [String: String] = [:]
                for (key, value) in http?.allHeaderFields ?? [:] {
                    if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
                }
                continuation.resume(returning: HTTPAnswer(status: http?.statusCode ?? 0, body: data ?? Data(), headers: headers))
            }.resume()
        }
    }
}

/// Payloads as the providers document them.
enum Payloads {
    /// Now, as the providers' Unix timestamps (a message opens a 24-hour window from when it was sent).
    static var now: Int { Int(Date().timeIntervalSince1970) }

    static func whatsappText(id: String, from: String = "491512345678", name: String = "Anna S.", text: String) -> String {
        """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",\
        "metadata":{"display_phone_number":"15550783881","phone_number_id":"1098"},\
        "contacts":[{"profile":{"name":"\(name)"},"wa_id":"\(from)"}],\
        "messages":[{"from":"\(from)","id":"\(id)","timestamp":"\(now)","type":"text","text":{"body":"\(text)"}}]},\
        "field":"messages"}]}]}
        """
    }

    static func whatsappStatus(id: String, status: String, recipient: String = "491512345678") -> String {
        """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",\
        "metadata":{"display_phone_number":"15550783881","phone_number_id":"1098"},\
        "statuses":[{"id":"\(id)","status":"\(status)","timestamp":"\(now)","recipient_id":"\(recipient)",\
        "conversation":{"id":"c1","origin":{"type":"utility"}},"pricing":{"billable":true,"pricing_model":"CBP","category":"utility"}}]},\
        "field":"messages"}]}]}
        """
    }

    static func instagramText(mid: String, from: String = "ig-anna", text: String) -> String {
        """
        {"object":"instagram","entry":[{"time":\(now * 1000),"id":"17841400000","messaging":[{"sender":{"id":"\(from)"},\
        "recipient":{"id":"17841400000"},"timestamp":\(now * 1000),"message":{"mid":"\(mid)","text":"\(text)"}}]}]}
        """
    }

    static func telegramText(update: Int, message: Int, chat: Int = 4242, text: String) -> String {
        """
        {"update_id":\(update),"message":{"message_id":\(message),"from":{"id":\(chat),"is_bot":false,"first_name":"Anna",\
        "last_name":"Schmidt","language_code":"de"},"chat":{"id":\(chat),"first_name":"Anna","last_name":"Schmidt","type":"private"},\
        "date":\(now),"text":"\(text)"}}
        """
    }
}

/// Waits for `condition`, checking every 50 ms, for at most `seconds` (generous: the
/// machine is shared); returns whether it held. Sleeps without holding a thread.
func eventually(_ seconds: Double = 120, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// Blocking work (a process, a database read) on a thread outside the cooperative pool.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await Blocking.run(work)
}

extension FakeProvider.Received {
    /// A string field of the JSON body (`text`, `to`), nil when absent.
    func string(_ key: String) -> String? {
        guard case .object(let fields) = json, case .string(let value)? = fields[key] else { return nil }
        return value
    }
}
