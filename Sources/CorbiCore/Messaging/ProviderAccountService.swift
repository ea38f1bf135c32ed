import Foundation
import GRDB

/// An account found for a webhook: whose it is and how to check the request.
public struct WebhookAccount: Sendable, Equatable {
    public var organization: Organization
    public var credentials: ProviderCredentials
}

extension AppDatabase {
    /// Sets the provider account of a channel (admins). `values` holds the channel's keys
    /// (see ``ProviderAccountKeys``); on an account already set, keys not given keep their
    /// values, so one token can be replaced alone. Unknown keys, and keys neither given
    /// nor already set, are refused (65). Secrets are sealed with the workspace's key
    /// file; the audit trail records which keys were set, never their values.
    public func setProviderAccount(_ actor: Actor, channel: String, values: [String: String]) throws -> ProviderAccountView {
        try perform(actor, "channels.set", requires: .administer, target: "channel:\(channel)") { db, entry in
            let channel = try Channel.parse(channel)
            entry.target = "channel:\(channel.rawValue)"
            let keys = ProviderAccountKeys.of(channel)
            let given = try Self.checkedAccountValues(values, channel: channel)
            let existing = try accountRecord(db, organizationId: actor.organizationId, channel: channel)
            var merged: [String: String] = [:]
            if let existing {
                merged = existing.settingValues.filter { keys.required.contains($0.key) }
                let keptSecrets = keys.secret.filter { given[$0] == nil }
                if let sealed = existing.sealedSecrets, !keptSecrets.isEmpty {
                    let kept: [String: String]
                    do {
                        kept = try openSecrets(sealed, organizationId: actor.organizationId, channel: channel)
                    } catch {
                        throw CorbiError.invalid(
                            "The \(channel.rawValue) secrets already set cannot be opened with this key file: give every key again (\(keys.required.joined(separator: ", "))).")
                    }
                    for key in keptSecrets { merged[key] = kept[key] }
                }
            }
            merged.merge(given) { _, new in new }
            let missing = keys.required.filter { merged[$0] == nil }
            guard missing.isEmpty else {
                throw CorbiError.invalid(
                    "A \(channel.rawValue) account needs \(keys.required.joined(separator: ", ")); missing: \(missing.joined(separator: ", ")).")
            }
            let settings = merged.filter { !keys.secret.contains($0.key) }
            let secrets = merged.filter { keys.secret.contains($0.key) }
            let now = environment.now()
            let record = ProviderAccountRecord(
                organizationId: actor.organizationId, channel: channel,
                settings: JSONValue.object(settings.mapValues(JSONValue.string)).canonicalString,
                sealedSecrets: secrets.isEmpty ? nil : try sealSecrets(secrets, organizationId: actor.organizationId, channel: channel),
                updatedBy: actor.userId, createdAt: existing?.createdAt ?? now, updatedAt: now)
            try record.save(db)
            entry.details = [
                "keys": .array(given.keys.sorted().map(JSONValue.string)),
                "settings": .object(settings.mapValues(JSONValue.string)),
                "replaced": .bool(existing != nil),
            ]
            return try accountView(db, record)
        }
    }

    /// The organization's provider accounts, by channel, secrets masked (admins).
    public func providerAccounts(_ actor: Actor) throws -> [ProviderAccountView] {
        try actor.require(.administer, to: "see the provider accounts")
        return try read(actor) { db in
            try actor.current(db).require(.administer, to: "see the provider accounts")
            return try ProviderAccountRecord.filter(Column("organizationId") == actor.organizationId)
                .fetchAll(db)
                .sorted { Channel.allCases.firstIndex(of: $0.channel)! < Channel.allCases.firstIndex(of: $1.channel)! }
                .map { try accountView(db, $0) }
        }
    }

    /// One channel's provider account, secrets masked (admins; 66 when not set).
    public func providerAccount(_ actor: Actor, channel: String) throws -> ProviderAccountView {
        try actor.require(.administer, to: "see the provider accounts")
        let channel = try Channel.parse(channel)
        return try read(actor) { db in
            try actor.current(db).require(.administer, to: "see the provider accounts")
            guard let record = try accountRecord(db, organizationId: actor.organizationId, channel: channel) else {
                throw Self.noAccount(channel)
            }
            return try accountView(db, record)
        }
    }

    /// Removes a channel's provider account (admins; 66 when not set). Messages on that
    /// channel then wait until an account is set again.
    public func removeProviderAccount(_ actor: Actor, channel: String) throws -> Channel {
        try perform(actor, "channels.remove", requires: .administer, target: "channel:\(channel)") { db, entry in
            let channel = try Channel.parse(channel)
            entry.target = "channel:\(channel.rawValue)"
            guard let record = try accountRecord(db, organizationId: actor.organizationId, channel: channel) else {
                throw Self.noAccount(channel)
            }
            try record.delete(db)
            return channel
        }
    }

    /// The account a webhook request names by organization domain and channel, with its
    /// secrets opened to check the request's signature or token. For the webhook server
    /// only: never show what it returns. 66 (answer 404) when the organization is unknown
    /// or has not set the channel.
    public func webhookAccount(domain: String, channel: Channel) throws -> WebhookAccount {
        guard let domain = try? Validation.domain(domain) else {
            throw CorbiError.notFound("No organization '\(ExternalText.display(domain, limit: 80))'.")
        }
        do {
            return try writer.read { db in
                guard let organization = try Organization.filter(Column("domain") == domain).fetchOne(db) else {
                    throw CorbiError.notFound("No organization \(domain).")
                }
                guard let record = try accountRecord(db, organizationId: organization.id!, channel: channel) else {
                    throw CorbiError.notFound("\(domain) has no \(channel.rawValue) account.")
                }
                return WebhookAccount(organization: organization, credentials: try credentials(of: record))
            }
        } catch let error as DatabaseError {
            throw CorbiError(error)
        }
    }

    // MARK: - Shared pieces

    static func noAccount(_ channel: Channel) -> CorbiError {
        .notFound("No \(channel.rawValue) account is set.")
    }

    func accountRecord(_ db: Database, organizationId: Int64, channel: Channel) throws -> ProviderAccountRecord? {
        try ProviderAccountRecord.filter(Column("organizationId") == organizationId && Column("channel") == channel.rawValue)
            .fetchOne(db)
    }

    /// The settings and the opened secrets of an account (65 when they cannot be opened).
    func credentials(of record: ProviderAccountRecord) throws -> ProviderCredentials {
        var values = record.settingValues
        if let sealed = record.sealedSecrets {
            values.merge(try openSecrets(sealed, organizationId: record.organizationId, channel: record.channel)) { _, secret in secret }
        }
        return ProviderCredentials(channel: record.channel, values: values)
    }

    private func sealSecrets(_ secrets: [String: String], organizationId: Int64, channel: Channel) throws -> Data {
        let plain = Data(JSONValue.object(secrets.mapValues(JSONValue.string)).canonicalString.utf8)
        return try self.secrets.seal(
            plain, context: ProviderAccountRecord.sealingContext(organizationId: organizationId, channel: channel))
    }

    private func openSecrets(_ sealed: Data, organizationId: Int64, channel: Channel) throws -> [String: String] {
        let plain = try secrets.open(
            sealed, context: ProviderAccountRecord.sealingContext(organizationId: organizationId, channel: channel))
        guard case .object(let fields) = JSONValue.parse(String(decoding: plain, as: UTF8.self)) else {
            throw CorbiError.invalid("The stored \(channel.rawValue) secrets are damaged. Set the channel again.")
        }
        return fields.compactMapValues { if case .string(let s) = $0 { s } else { nil } }
    }

    private func accountView(_ db: Database, _ record: ProviderAccountRecord) throws -> ProviderAccountView {
        let keys = ProviderAccountKeys.of(record.channel)
        var masked: [String: String] = [:]
        var readable = true
        if let sealed = record.sealedSecrets {
            if let opened = try? openSecrets(sealed, organizationId: record.organizationId, channel: record.channel) {
                masked = opened.mapValues(ProviderAccountView.mask)
            } else {
                readable = false
                for key in keys.secret { masked[key] = "set (cannot be opened with this key file)" }
            }
        }
        let updatedBy = try record.updatedBy.flatMap {
            try String.fetchOne(db, sql: "SELECT email FROM user WHERE id = ?", arguments: [$0])
        }
        return ProviderAccountView(
            channel: record.channel, settings: record.settingValues, maskedSecrets: masked, secretsReadable: readable,
            updatedAt: record.updatedAt, updatedBy: updatedBy)
    }

    /// Checks every given key and value; messages name keys, never secret values.
    static func checkedAccountValues(_ values: [String: String], channel: Channel) throws -> [String: String] {
        let keys = ProviderAccountKeys.of(channel)
        var checked: [String: String] = [:]
        var problems: [String] = []
        let unknown = values.keys.filter { !keys.required.contains($0.trimmed.lowercased()) }.sorted()
        if !unknown.isEmpty {
            // A "key" that is no key name may be a secret typed without its key: never echo it.
            let shown = unknown.map { key -> String in
                let name = key.trimmed.lowercased()
                let looksLikeName = (1...32).contains(name.count) && name.first!.isLetter
                    && name.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
                return looksLikeName ? name : "(one not shown: it is no key name)"
            }
            throw CorbiError.invalid(
                "Unknown \(channel.rawValue) key\(unknown.count == 1 ? "" : "s") \(shown.joined(separator: ", ")): a \(channel.rawValue) account takes \(keys.required.joined(separator: ", ")).")
        }
        for (rawKey, rawValue) in values {
            let key = rawKey.trimmed.lowercased()
            let value = rawValue.trimmed
            if checked[key] != nil {
                problems.append("\(key) is given twice.")
                continue
            }
            if let problem = accountValueProblem(key: key, value: value) {
                problems.append(problem)
            } else {
                checked[key] = key == "from" ? (try? EmailSender.parse(value))?.mailbox ?? value : value
            }
        }
        if !problems.isEmpty { throw CorbiError.invalid(problems.sorted().joined(separator: " ")) }
        return checked
    }

    /// What is wrong with one value, never quoting it (it may be a secret).
    private static func accountValueProblem(key: String, value: String) -> String? {
        if value.isEmpty { return "\(key) is empty." }
        let printable = value.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }
        let digits = value.allSatisfy { ("0"..."9").contains($0) }
        switch key {
        case "phone_number_id", "account_id":
            return digits && value.count <= 32 ? nil : "\(key) must be the provider's numeric id."
        case "bot_token":
            let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let ok = parts.count == 2 && !parts[0].isEmpty && parts[0].allSatisfy({ ("0"..."9").contains($0) })
                && !parts[1].isEmpty && parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
                && value.count <= 200
            return ok ? nil : "bot_token is not a Telegram bot token (digits, a colon, then letters, digits, _ and -)."
        case "secret_token":
            let ok = value.count <= 256 && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
            return ok ? nil : "secret_token may hold 1 to 256 letters, digits, _ and - (Telegram's rule)."
        case "from":
            do {
                _ = try EmailSender.parse(value)
                return nil
            } catch let error as CorbiError {
                return error.message
            } catch {
                return "from is not a valid email sender."
            }
        default:
            return printable && value.count <= 4096 ? nil : "\(key) may hold only printable characters without spaces."
        }
    }
}
