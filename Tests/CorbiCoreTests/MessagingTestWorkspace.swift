import CorbiTestSupport
import Foundation
import GRDB
import Testing

@testable import CorbiCore

/// A fresh database file (removed afterwards) with one organization (Europe/Berlin,
/// calling code 49), an admin, a staff member and a viewer, on a clock at 2026-06-01
/// 08:00 UTC that moves only when a test moves it. Anna has WhatsApp, email and Telegram.
final class MessagingTestWorkspace: @unchecked Sendable {
    static let start = ISO8601DateFormatter().date(from: "2026-06-01T08:00:00Z")!

    let base: TestDatabase
    var folder: URL { base.folder.url }
    var path: String { base.path }
    var clock: TestClock { base.clock }
    var environment: CorbiEnvironment { base.clock.environment }
    var db: AppDatabase { base.db }
    let admin: Actor
    let staff: Actor
    let viewer: Actor
    let anna: Contact

    init(domain: String = "bright.example") throws {
        base = try TestDatabase(now: Self.start, idPrefix: "trace-", prefix: "corbi-messaging-tests")
        let members = try base.organization(domain, name: "Bright Smile")
        (admin, staff, viewer) = (members.admin, members.staff, members.viewer)
        anna = try base.db.addContact(admin, ContactInput(fullName: "Anna Schmidt", email: "anna@example.com", phone: "0151 2345678", telegram: "4242", instagram: "ig-anna"))
    }

    /// Another connection pool on the same file, as a second process would open it.
    func openAgain() throws -> AppDatabase {
        try base.openAgain()
    }

    static let whatsappKeys = [
        "phone_number_id": "1234567890", "access_token": "EAAG-secret-access-token-0001",
        "app_secret": "0123456789abcdef0123456789abcdef", "verify_token": "verify-me-please",
    ]

    /// Every channel with an account (secrets are recognizable in tests: they hold "secret").
    func configureAllChannels() throws {
        _ = try db.setProviderAccount(admin, channel: "whatsapp", values: Self.whatsappKeys)
        _ = try db.setProviderAccount(admin, channel: "telegram", values: ["bot_token": "123456:ABC-secret-bot", "secret_token": "tg-secret-hook"])
        _ = try db.setProviderAccount(
            admin, channel: "instagram",
            values: ["account_id": "17841400000", "access_token": "IGQ-secret-token", "app_secret": "ig-app-secret", "verify_token": "ig-verify"])
        _ = try db.setProviderAccount(admin, channel: "email", values: ["from": "Bright Smile <hello@bright.example>"])
    }

    @discardableResult
    func contact(_ name: String, phone: String? = nil, email: String? = nil, telegram: String? = nil, status: String = "active") throws -> Contact {
        try db.addContact(admin, ContactInput(fullName: name, email: email, phone: phone, telegram: telegram, status: status))
    }

    @discardableResult
    func approvedTemplate(_ name: String, channel: String = "whatsapp", language: String = "en", body: String, subject: String? = nil) throws -> MessageTemplate {
        let t = try db.addTemplate(staff, TemplateInput(name: name, channel: channel, language: language, body: body, subject: subject))
        return try db.approveTemplate(admin, TemplateSelector(name: "#\(t.id!)")).template
    }

    /// A saved draft's message id.
    func draft(_ request: DraftRequest) throws -> Int64 {
        try db.draft(staff, request).message.id!
    }

    /// Free text on a channel to Anna (WhatsApp needs a recent inbound message: recorded here).
    func freeText(_ text: String = "Hello", channel: String = "telegram", to contact: String = "anna") throws -> Int64 {
        if channel == "whatsapp" || channel == "instagram" {
            _ = try db.recordInbound(staff, channel: channel, identifier: annaIdentifier(channel), payload: ["text": "hi"])
        }
        return try draft(DraftRequest(contact: contact, text: text, subject: channel == "email" ? "Hello" : nil, channel: channel))
    }

    func annaIdentifier(_ channel: String) -> String {
        switch channel {
        case "whatsapp": "+491512345678"
        case "telegram": "4242"
        case "email": "anna@example.com"
        default: "ig-anna"
        }
    }

    func claim(
        _ owner: String = "d1", lifetime: TimeInterval = 300, limit: Int = 50, dueBy: Date? = nil, on db: AppDatabase? = nil
    ) throws -> DispatchBatch {
        var n = 0
        return try (db ?? self.db).claimDueMessages(.allOrganizations, owner: owner, lifetime: lifetime, limit: limit, dueBy: dueBy) {
            n += 1
            return "token\(owner)x\(n)"
        }
    }

    func message(_ id: Int64) throws -> OutboundMessage {
        try db.outboxMessage(admin, id: id).message
    }

    func attempts(_ id: Int64) throws -> [OutboundAttempt] {
        try db.outboxDetail(admin, id: id).attempts
    }

    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try base.count(sql, arguments)
    }

    /// Every audit event of the organization, oldest first.
    func events(_ action: String? = nil) throws -> [AuditEvent] {
        try db.auditEvents(admin, limit: 100_000, action: action).reversed()
    }

    /// The whole database file and its WAL as text, for "no secret anywhere" checks.
    func databaseBytes() throws -> String {
        _ = try db.writer.writeWithoutTransaction { try $0.checkpoint(.full) }
        var text = ""
        for suffix in ["", "-wal"] {
            if let data = FileManager.default.contents(atPath: path + suffix) {
                text += String(decoding: data, as: UTF8.self)
            }
        }
        return text
    }
}

/// The CorbiError `body` threw (nil if none).
func messagingError(_ body: () throws -> Void) -> CorbiError? {
    do {
        try body()
        return nil
    } catch let error as CorbiError {
        return error
    } catch {
        return .internal("\(error)")
    }
}

extension JSONValue {
    /// A field of an object (nil for anything else).
    subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }
}
