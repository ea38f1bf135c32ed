import Foundation
import GRDB
import Testing

@testable import CorbiCore

@Suite struct ProviderAccountServiceTests {
    static let secrets = ["EAAG-secret-access-token-0001", "0123456789abcdef0123456789abcdef", "verify-me-please"]

    @Test func adminsSetShowListAndRemoveAccountsWithSecretsMasked() throws {
        let w = try MessagingTestWorkspace()
        let view = try w.db.setProviderAccount(w.admin, channel: "WhatsApp", values: MessagingTestWorkspace.whatsappKeys)
        #expect(view.channel == .whatsapp)
        #expect(view.settings == ["phone_number_id": "1234567890"])
        #expect(view.maskedSecrets == ["access_token": "••••0001", "app_secret": "••••cdef", "verify_token": "••••ease"])
        #expect(view.secretsReadable)
        #expect(view.updatedBy == "admin@bright.example")

        _ = try w.db.setProviderAccount(w.admin, channel: "telegram", values: ["bot_token": "123456:ABC-secret-bot", "secret_token": "short"])
        _ = try w.db.setProviderAccount(w.admin, channel: "email", values: ["from": "  \"Bright, Smile\" <hello@bright.example> "])
        let all = try w.db.providerAccounts(w.admin)
        #expect(all.map(\.channel) == [.whatsapp, .telegram, .email])
        // Short secrets show only that they are set.
        #expect(all[1].maskedSecrets["secret_token"] == "set")
        #expect(all[2].settings == ["from": "\"Bright, Smile\" <hello@bright.example>"])
        #expect(all[2].maskedSecrets.isEmpty)
        #expect(try w.db.providerAccount(w.admin, channel: "email").settings["from"] == "\"Bright, Smile\" <hello@bright.example>")

        #expect(try w.db.removeProviderAccount(w.admin, channel: "telegram") == .telegram)
        #expect(messagingError { _ = try w.db.providerAccount(w.admin, channel: "telegram") }?.exitCode == 66)
        #expect(messagingError { _ = try w.db.removeProviderAccount(w.admin, channel: "telegram") }?.exitCode == 66)
        #expect(messagingError { _ = try w.db.providerAccount(w.admin, channel: "fax") }?.exitCode == 65)
    }

    @Test func onlyAdminsTouchAccounts() throws {
        let w = try MessagingTestWorkspace()
        for actor in [w.staff, w.viewer] {
            #expect(messagingError { _ = try w.db.setProviderAccount(actor, channel: "email", values: ["from": "a@b.example"]) }?.exitCode == 77)
            #expect(messagingError { _ = try w.db.providerAccounts(actor) }?.exitCode == 77)
            #expect(messagingError { _ = try w.db.providerAccount(actor, channel: "email") }?.exitCode == 77)
            #expect(messagingError { _ = try w.db.removeProviderAccount(actor, channel: "email") }?.exitCode == 77)
        }
        #expect(try w.count("SELECT count(*) FROM providerAccount") == 0)
        #expect(try w.events("channels.set").allSatisfy { $0.outcome == "refused" })
    }

    @Test func unknownMissingAndInvalidKeysAreRefusedWithoutQuotingSecrets() throws {
        let w = try MessagingTestWorkspace()
        var keys = MessagingTestWorkspace.whatsappKeys
        keys["api_key"] = "x"
        let unknown = messagingError { _ = try w.db.setProviderAccount(w.admin, channel: "whatsapp", values: keys) }
        #expect(unknown == .invalid("Unknown whatsapp key api_key: a whatsapp account takes phone_number_id, access_token, app_secret, verify_token."))

        // A secret typed without its key is never echoed.
        let pasted = messagingError { _ = try w.db.setProviderAccount(w.admin, channel: "telegram", values: ["123456:ABC-secret-bot": ""]) }
        #expect(pasted?.exitCode == 65)
        #expect(pasted?.description.contains("ABC-secret") == false)
        #expect(try w.events("channels.set").last?.details.contains("ABC-secret") == false)

        keys = MessagingTestWorkspace.whatsappKeys
        keys["app_secret"] = nil
        keys["verify_token"] = nil
        let missing = messagingError { _ = try w.db.setProviderAccount(w.admin, channel: "whatsapp", values: keys) }
        #expect(missing == .invalid("A whatsapp account needs phone_number_id, access_token, app_secret, verify_token; missing: app_secret, verify_token."))

        let badValues = messagingError {
            _ = try w.db.setProviderAccount(w.admin, channel: "telegram", values: ["bot_token": "not a token secret", "secret_token": "has space secret"])
        }
        #expect(badValues?.exitCode == 65)
        #expect(badValues?.description.contains("not a token secret") == false)
        #expect(badValues?.description.contains("has space secret") == false)
        #expect(badValues?.description.contains("bot_token is not a Telegram bot token") == true)

        for from in ["nobody", "Name <a@b.example", "A\r\nBcc: x@y.example <a@b.example>", "<>", "x <not an address>"] {
            #expect(messagingError { _ = try w.db.setProviderAccount(w.admin, channel: "email", values: ["from": from]) }?.exitCode == 65, "\(from)")
        }
        #expect(messagingError { _ = try w.db.setProviderAccount(w.admin, channel: "whatsapp", values: ["phone_number_id": "12a"]) }?.exitCode == 65)
        #expect(try w.count("SELECT count(*) FROM providerAccount") == 0)
        for event in try w.events() {
            #expect(!event.details.contains("token secret") && !event.details.contains("space secret"), "\(event.details)")
        }
    }

    @Test func setAgainReplacesTheKeysGivenAndKeepsTheOthers() throws {
        let w = try MessagingTestWorkspace()
        _ = try w.db.setProviderAccount(w.admin, channel: "whatsapp", values: MessagingTestWorkspace.whatsappKeys)
        let rotated = try w.db.setProviderAccount(w.admin, channel: "whatsapp", values: ["access_token": "EAAG-secret-access-token-0002\n"])
        #expect(rotated.maskedSecrets["access_token"] == "••••0002")
        let account = try w.db.webhookAccount(domain: "bright.example", channel: .whatsapp)
        #expect(account.credentials.accessToken == "EAAG-secret-access-token-0002")
        #expect(account.credentials.appSecret == "0123456789abcdef0123456789abcdef")
        #expect(account.credentials.phoneNumberId == "1234567890")
        let event = try #require(try w.events("channels.set").last)
        #expect(event.detailsValue == ["keys": ["access_token"], "settings": ["phone_number_id": "1234567890"], "replaced": true])
    }

    @Test func secretsAreSealedWithAKeyFileBesideTheDatabase() throws {
        let w = try MessagingTestWorkspace()
        let keyPath = w.folder.appendingPathComponent("corbi.key").path
        #expect(!FileManager.default.fileExists(atPath: keyPath))
        try w.configureAllChannels()
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect((attributes[.size] as? NSNumber)?.intValue == 32)
        #expect(w.db.secrets.keyPath == keyPath)

        // Neither the database file, nor the audit trail, nor the views hold a secret.
        let bytes = try w.databaseBytes()
        let all = Self.secrets + ["123456:ABC-secret-bot", "tg-secret-hook", "IGQ-secret-token", "ig-app-secret", "ig-verify"]
        for secret in all {
            #expect(!bytes.contains(secret), "\(secret) in the database file")
        }
        for event in try w.events() { #expect(!all.contains(where: event.details.contains), "\(event.details)") }
        for view in try w.db.providerAccounts(w.admin) {
            #expect(!all.contains(where: "\(view)".contains))
        }

        // A second process opening the same workspace reads the same key.
        let again = try w.openAgain()
        #expect(try again.webhookAccount(domain: "BRIGHT.example", channel: .telegram).credentials.botToken == "123456:ABC-secret-bot")
    }

    @Test func credentialsNeverPrintTheirSecrets() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        let credentials = try w.db.webhookAccount(domain: "bright.example", channel: .whatsapp).credentials
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [credentials.description, "\(credentials)", String(reflecting: credentials), dumped] {
            #expect(!Self.secrets.contains(where: text.contains), "\(text)")
            #expect(text.contains("phone_number_id=1234567890"))
        }
        let email = try w.db.webhookAccount(domain: "bright.example", channel: .email).credentials
        #expect(email.fromAddress == EmailSender(address: "hello@bright.example", name: "Bright Smile"))
    }

    @Test func webhooksFindAccountsByDomainAndChannelOrNotFound() throws {
        let w = try MessagingTestWorkspace()
        _ = try w.db.setProviderAccount(w.admin, channel: "telegram", values: ["bot_token": "123456:ABC-secret-bot", "secret_token": "tg-secret-hook"])
        let account = try w.db.webhookAccount(domain: "bright.example", channel: .telegram)
        #expect(account.organization.domain == "bright.example")
        #expect(account.credentials.secretToken == "tg-secret-hook")
        #expect(messagingError { _ = try w.db.webhookAccount(domain: "bright.example", channel: .whatsapp) }?.exitCode == 66)
        #expect(messagingError { _ = try w.db.webhookAccount(domain: "other.example", channel: .telegram) }?.exitCode == 66)
        #expect(messagingError { _ = try w.db.webhookAccount(domain: "../../etc\u{1B}[31m", channel: .telegram) }?.exitCode == 66)
    }

    @Test func aReplacedKeyFileIsReportedAndTheChannelCanBeSetAgain() throws {
        let w = try MessagingTestWorkspace()
        _ = try w.db.setProviderAccount(w.admin, channel: "whatsapp", values: MessagingTestWorkspace.whatsappKeys)
        let keyPath = w.folder.appendingPathComponent("corbi.key").path
        try FileManager.default.removeItem(atPath: keyPath)
        try Data(repeating: 7, count: 32).write(to: URL(fileURLWithPath: keyPath))
        let fresh = try w.openAgain()

        let view = try fresh.providerAccount(w.admin, channel: "whatsapp")
        #expect(!view.secretsReadable)
        let error = messagingError { _ = try fresh.webhookAccount(domain: "bright.example", channel: .whatsapp) }
        #expect(error?.exitCode == 65)
        #expect(error?.description.contains("Set the channel again") == true)
        // Changing one key needs the others, which cannot be opened: all of them again.
        #expect(messagingError { _ = try fresh.setProviderAccount(w.admin, channel: "whatsapp", values: ["access_token": "new-secret-token"]) }?.exitCode == 65)
        _ = try fresh.setProviderAccount(w.admin, channel: "whatsapp", values: MessagingTestWorkspace.whatsappKeys)
        #expect(try fresh.webhookAccount(domain: "bright.example", channel: .whatsapp).credentials.verifyToken == "verify-me-please")

        // A key file of the wrong size is not a key.
        try Data(repeating: 1, count: 5).write(to: URL(fileURLWithPath: keyPath))
        #expect(messagingError { _ = try w.openAgain().webhookAccount(domain: "bright.example", channel: .whatsapp) }?.exitCode == 65)
    }

    @Test func twoProcessesCreatingTheKeyAtOnceAgreeOnOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("k.key").path
        let boxes = (0..<8).map { _ in SecretBox(keyPath: path) }
        let sealed = Locked<[Int: Data]>([:])
        DispatchQueue.concurrentPerform(iterations: boxes.count) { i in
            if let data = try? boxes[i].seal(Data("hello".utf8), context: "c") { sealed.withLock { $0[i] = data } }
        }
        let all = sealed.withLock { $0 }
        #expect(all.count == boxes.count)
        for (i, data) in all {
            #expect(try SecretBox(keyPath: path).open(data, context: "c") == Data("hello".utf8), "box \(i)")
        }
        #expect(messagingError { _ = try SecretBox(keyPath: path).open(all[0]!, context: "another record") }?.exitCode == 65)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["k.key"])
        #expect(messagingError { _ = try SecretBox(keyPath: nil).seal(Data(), context: "c") }?.exitCode == 65)
        #expect(SecretBox.defaultKeyPath(forDatabase: "/a/corbi.sqlite") == "/a/corbi.key")
        #expect(SecretBox.defaultKeyPath(forDatabase: "/a/corbi") == "/a/corbi.key")
        #expect(SecretBox.defaultKeyPath(forDatabase: "/a/x.key") == "/a/x.key.key")
    }
}

/// A value shared between threads of a test.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        try lock.withLock { try body(&value) }
    }
}
