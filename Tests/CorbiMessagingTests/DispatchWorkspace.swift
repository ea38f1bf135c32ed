import CorbiCore
import CorbiTestSupport
import Foundation
@testable import CorbiMessaging

/// A database file (removed afterwards) with one organization (bright.example, Berlin),
/// an admin, a staff member, every channel's account and Anna, who can be reached on all
/// four. Drafts are made through the core, as staff would.
final class DispatchWorkspace: @unchecked Sendable {
    let folder: URL
    let db: AppDatabase
    let admin: Actor
    let staff: Actor

    static let whatsappKeys = [
        "phone_number_id": "1234567890", "access_token": "EAAG-secret-access-token-0001", "app_secret": "wa-app-secret",
        "verify_token": "wa-verify",
    ]
    static let telegramKeys = ["bot_token": "123456:ABC-secret-bot", "secret_token": "tg-secret-hook"]
    static let instagramKeys = [
        "account_id": "17841400000", "access_token": "IGQ-secret-token", "app_secret": "ig-app-secret", "verify_token": "ig-verify",
    ]

    /// `now` replaces the clock (a fast one for rate tests); the real one by default.
    init(now: (@Sendable () -> Date)? = nil, accounts: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-dispatch-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let environment = now.map { CorbiEnvironment(now: $0, makeID: { UUID().uuidString.lowercased() }) } ?? .live
        db = try AppDatabase(path: folder.appendingPathComponent("corbi.sqlite").path, environment: environment)
        _ = try db.createOrganization(
            name: "Bright Smile", domain: "bright.example", adminEmail: "admin@bright.example", timezone: "Europe/Berlin",
            callingCode: 49)
        admin = try db.resolveActor(user: "admin@bright.example", organization: "bright.example")
        _ = try db.addMember(admin, email: "staff@bright.example", role: .staff)
        staff = try db.resolveActor(user: "staff@bright.example", organization: "bright.example")
        _ = try db.addContact(
            admin,
            ContactInput(fullName: "Anna Schmidt", email: "anna@example.com", phone: "0151 2345678", telegram: "4242", instagram: "ig-anna"))
        for channel in Channel.allCases { _ = try db.setChannelRate(admin, channel: channel.rawValue, perMinute: 100_000) }
        if accounts {
            _ = try db.setProviderAccount(admin, channel: "whatsapp", values: Self.whatsappKeys)
            _ = try db.setProviderAccount(admin, channel: "telegram", values: Self.telegramKeys)
            _ = try db.setProviderAccount(admin, channel: "instagram", values: Self.instagramKeys)
            _ = try db.setProviderAccount(admin, channel: "email", values: ["from": "Bright Smile <hello@bright.example>"])
        }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Free text to Anna; WhatsApp and Instagram get a message from her first (the 24-hour window).
    @discardableResult
    func text(_ text: String, on channel: Channel) throws -> Int64 {
        if channel.hasCustomerServiceWindow {
            let identifier = channel == .whatsapp ? "+491512345678" : "ig-anna"
            _ = try db.recordInbound(staff, channel: channel.rawValue, identifier: identifier, payload: ["text": "hi"])
        }
        return try db.draft(
            staff, DraftRequest(contact: "anna", text: text, subject: channel == .email ? "Your visit" : nil, channel: channel.rawValue)
        ).message.id!
    }

    /// An approved template and a message drafted from it.
    @discardableResult
    func template(_ name: String, on channel: Channel, body: String, arguments: [String]) throws -> Int64 {
        let t = try db.addTemplate(staff, TemplateInput(name: name, channel: channel.rawValue, language: "de", body: body))
        _ = try db.approveTemplate(admin, TemplateSelector(name: "#\(t.id!)"))
        return try db.draft(staff, DraftRequest(contact: "anna", template: name, channel: channel.rawValue, arguments: arguments))
            .message.id!
    }

    func message(_ id: Int64) throws -> OutboundMessage { try db.outboxDetail(admin, id: id).entry.message }
    func attempts(_ id: Int64) throws -> [OutboundAttempt] { try db.outboxDetail(admin, id: id).attempts }

    /// Settings pointing every HTTP provider at `fake` (`/wa`, `/ig`, `/tg`) and email at `sendmail`.
    func settings(
        fake: URL, sendmail: FakeSendmail? = nil, httpTimeout: TimeInterval = 10, retry: RetryPolicy = .standard,
        concurrency: Int = 4, publicURL: URL? = nil
    ) throws -> DispatchSettings {
        let providers = ProviderSettings(
            whatsappURL: fake.appendingPathComponent("wa"), instagramURL: fake.appendingPathComponent("ig"),
            telegramURL: fake.appendingPathComponent("tg"), sendmail: try SendmailCommand(sendmail.map { "'\($0.script.path)' -t -oi" } ?? "/bin/false"),
            httpTimeout: httpTimeout, sendmailTimeout: 10, publicURL: publicURL)
        return DispatchSettings(concurrency: concurrency, claimLifetime: 300, retry: retry, ratePause: 0.05, providers: providers)
    }

    func dispatcher(
        _ settings: DispatchSettings, scope: DispatchScope? = nil, random: (any RandomNumberGenerator & Sendable)? = nil,
        makeProvider: (@Sendable (DispatchJob) -> any MessageProvider)? = nil,
        onAttempt: (@Sendable (DispatchAttemptReport) -> Void)? = nil
    ) -> Dispatcher {
        Dispatcher(
            database: db, scope: scope ?? .organization(staff), owner: Dispatcher.ownerName("test"), settings: settings,
            makeProvider: makeProvider, random: random, onAttempt: onAttempt)
    }
}

/// A provider whose answer the test writes.
struct ScriptedProvider: MessageProvider {
    let channel: Channel
    let answer: @Sendable (OutgoingMessage) async -> SendOutcome

    func send(_ message: OutgoingMessage) async -> SendOutcome { await answer(message) }
}

/// A value shared by concurrent tasks of a test.
final class Shared<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func update<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
    var current: Value { lock.withLock { value } }
}

