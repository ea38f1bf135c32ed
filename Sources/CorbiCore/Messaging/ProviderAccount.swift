import Foundation
import GRDB

/// The keys a channel's provider account holds, as `channels set` takes them.
public struct ProviderAccountKeys: Sendable, Equatable {
    /// Every key the channel needs, in the order people write them.
    public var required: [String]
    /// Those of `required` that are secrets: sealed, never shown, never audited.
    public var secret: Set<String>

    /// whatsapp: phone_number_id, access_token, app_secret, verify_token; telegram:
    /// bot_token, secret_token; instagram: account_id, access_token, app_secret,
    /// verify_token; email: from.
    public static func of(_ channel: Channel) -> ProviderAccountKeys {
        switch channel {
        case .whatsapp:
            ProviderAccountKeys(
                required: ["phone_number_id", "access_token", "app_secret", "verify_token"],
                secret: ["access_token", "app_secret", "verify_token"])
        case .telegram:
            ProviderAccountKeys(required: ["bot_token", "secret_token"], secret: ["bot_token", "secret_token"])
        case .instagram:
            ProviderAccountKeys(
                required: ["account_id", "access_token", "app_secret", "verify_token"],
                secret: ["access_token", "app_secret", "verify_token"])
        case .email:
            ProviderAccountKeys(required: ["from"], secret: [])
        }
    }
}

/// A provider account row: the settings that are not secret, and the secrets sealed.
struct ProviderAccountRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "providerAccount"
    var organizationId: Int64
    var channel: Channel
    /// JSON object of the settings that are not secret.
    var settings: String
    /// AES-GCM box (nonce, ciphertext, tag) of a JSON object of the secrets.
    var sealedSecrets: Data?
    var updatedBy: Int64?
    var createdAt: Date
    var updatedAt: Date

    /// What the sealed secrets are bound to: this organization and channel.
    static func sealingContext(organizationId: Int64, channel: Channel) -> String {
        "corbi/providerAccount/v1/\(organizationId)/\(channel.rawValue)"
    }

    var settingValues: [String: String] {
        guard case .object(let fields) = JSONValue.parse(settings) else { return [:] }
        return fields.compactMapValues { if case .string(let s) = $0 { s } else { nil } }
    }
}

/// A provider account as shown to admins: settings in clear, secrets masked.
public struct ProviderAccountView: Sendable, Equatable {
    public var channel: Channel
    /// phone_number_id, account_id, from.
    public var settings: [String: String]
    /// Each secret key with `••••` and its last four characters (long secrets) or `set`.
    public var maskedSecrets: [String: String]
    /// False when the secrets cannot be opened with this workspace's key file.
    public var secretsReadable: Bool
    public var updatedAt: Date
    /// The admin who set it last (email), if still a user.
    public var updatedBy: String?

    /// `••••` and the last four characters of a secret long enough that they tell
    /// nothing useful; `set` for shorter ones.
    public static func mask(_ secret: String) -> String {
        secret.count >= 16 ? "••••" + String(secret.suffix(4)) : "set"
    }
}

/// The unsealed settings and secrets of one account, for the dispatcher and for webhook
/// verification only. Printing it (description, dump, string interpolation) shows the
/// keys masked, so a log line cannot leak a secret by accident.
public struct ProviderCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public var channel: Channel
    /// Every key of the account, secrets included.
    public var values: [String: String]

    public init(channel: Channel, values: [String: String]) {
        self.channel = channel
        self.values = values
    }

    public subscript(key: String) -> String? { values[key] }

    /// WhatsApp's sending phone number id.
    public var phoneNumberId: String? { values["phone_number_id"] }
    /// Instagram's account id.
    public var accountId: String? { values["account_id"] }
    /// The Graph API bearer token (WhatsApp, Instagram).
    public var accessToken: String? { values["access_token"] }
    /// The Meta app secret that signs webhooks (`X-Hub-Signature-256`).
    public var appSecret: String? { values["app_secret"] }
    /// What Meta's `GET` verification must echo (`hub.verify_token`).
    public var verifyToken: String? { values["verify_token"] }
    /// The Telegram bot token.
    public var botToken: String? { values["bot_token"] }
    /// What Telegram sends in `X-Telegram-Bot-Api-Secret-Token`.
    public var secretToken: String? { values["secret_token"] }
    /// The email sender, as set (`Name <addr@example.com>` or `addr@example.com`).
    public var from: String? { values["from"] }
    /// The email sender, parsed.
    public var fromAddress: EmailSender? { from.flatMap { try? EmailSender.parse($0) } }

    public var description: String {
        let secret = ProviderAccountKeys.of(channel).secret
        let shown = values.keys.sorted().map { key in
            "\(key)=\(secret.contains(key) ? ProviderAccountView.mask(values[key]!) : values[key]!)"
        }
        return "ProviderCredentials(\(channel.rawValue): \(shown.joined(separator: ", ")))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["channel": channel, "values": description], displayStyle: .struct)
    }
}

/// An email sender: an address and an optional display name.
public struct EmailSender: Sendable, Equatable {
    /// `clinic@example.com`.
    public var address: String
    /// `BrightSmile Dental`, without quotes.
    public var name: String?

    public init(address: String, name: String?) {
        self.address = address
        self.name = name
    }

    /// `"BrightSmile Dental" <clinic@example.com>` or `clinic@example.com`, as RFC 5322
    /// writes a mailbox (the name quoted when it holds specials).
    public var mailbox: String {
        guard let name else { return address }
        let specials = Set("()<>[]:;@\\,.\"")
        let quoted = name.contains(where: { specials.contains($0) })
            ? "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            : name
        return "\(quoted) <\(address)>"
    }

    /// Reads `Name <addr>`, `"Name" <addr>`, `<addr>` or `addr` (65 otherwise). Line
    /// breaks and other control characters are refused: the value becomes a header.
    public static func parse(_ text: String) throws -> EmailSender {
        let value = text.trimmed
        func refuse(_ why: String) -> CorbiError {
            .invalid("The email sender (from) \(why): write it like Name <clinic@example.com> or clinic@example.com.")
        }
        guard !value.isEmpty else { throw refuse("is empty") }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw refuse("holds a line break or another control character")
        }
        var name: String?
        var address = value
        if value.hasSuffix(">"), let open = value.lastIndex(of: "<") {
            address = String(value[value.index(after: open)..<value.index(before: value.endIndex)]).trimmed
            var display = String(value[..<open]).trimmed
            if display.count >= 2, display.hasPrefix("\""), display.hasSuffix("\"") {
                display = String(display.dropFirst().dropLast())
                    .replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
            } else if display.contains("\"") || display.contains("<") || display.contains(">") {
                throw refuse("has a malformed display name")
            }
            name = display.isEmpty ? nil : display
        } else if value.contains("<") || value.contains(">") {
            throw refuse("has unbalanced angle brackets")
        }
        guard Validation.isEmail(address.lowercased()), !address.contains(" ") else {
            throw refuse("is not a valid address")
        }
        return EmailSender(address: address, name: name)
    }
}
