import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

/// `corbi audit`: the organization's tamper-evident trail.
public struct AuditCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read and verify the audit trail; its head and key.",
        subcommands: [List.self, Verify.self, Head.self, Key.self, Seal.self], defaultSubcommand: List.self)

    public init() {}

    struct List: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The newest events first.")
        @Option(help: "How many events.") var limit: Int = 20
        @Option(help: "Only this action, or a group such as 'contacts'.") var action: String?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            try Validation.limit(limit)
            let actor = try session.actor()
            let events = try session.database().auditEvents(actor, limit: limit, action: action)
            let zone = actor.organization.timeZone
            let json = events.map { e in
                AuditEventJSON(
                    id: e.id!, at: Self.iso(e.at, zone), actor: e.actor, action: e.action, outcome: e.outcome,
                    target: e.target, details: e.detailsValue, traceId: e.traceId)
            }
            var table = TextTable(["ID", "AT", "ACTOR", "ACTION", "TARGET", "DETAILS"])
            for e in json {
                let action = e.outcome == "ok" ? e.action : e.action + " (refused)"
                var details = e.details.canonicalString
                if details.count > 80 { details = String(details.prefix(77)) + "..." }
                table.add([String(e.id), e.at, e.actor, action, e.target ?? "", details])
            }
            return CommandOutput(text: events.isEmpty ? "No events." : table.render(), json: AuditListJSON(events: json))
        }

        static func iso(_ stored: String, _ zone: TimeZone) -> String {
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let date = f.date(from: stored) else { return stored }
            return DateFormatting.iso8601(date, in: zone)
        }
    }

    struct Verify: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify", abstract: "Walk the hash chain; exit 65 at the first broken link.",
            discussion: """
                Without --file, the organization's trail in the database; with --file, the audit \
                events of an export (org export) alone, without the database. --head TOKEN (from \
                audit head) must still be part of the trail, at the same place with the same \
                hash. With CORBI_AUDIT_KEY_FILE, keyed events are checked with the key, and \
                events chained before the key was in use are named.
                """)
        @Option(help: ArgumentHelp("Check the audit events of this export file, without the database.", valueName: "file"))
        var file: String?
        @Option(help: ArgumentHelp("A head printed earlier by audit head, that the trail must still hold.", valueName: "token"))
        var head: String?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let savedHead = try head.map { try AuditHead(token: $0) }
            let key: AuditKey?
            let result: AuditVerification
            if let file {
                key = try session.workspace.auditKey()
                result = try AppDatabase.verifyExportedAudit(file: file, key: key, savedHead: savedHead)
            } else {
                let db = try session.database()
                key = db.auditKey
                result = try db.verifyAudit(try session.actor(), against: savedHead)
            }
            let json = AuditVerificationJSON(
                ok: result.ok, events: result.events, brokenAt: result.brokenAt, reason: result.reason, keyed: result.keyed,
                unkeyed: result.unkeyed.map(AuditRangeJSON.init), unchecked: result.unchecked.map(AuditRangeJSON.init),
                keyFingerprint: key?.fingerprint, file: file, head: savedHead?.token)
            return CommandOutput(text: Self.describe(result, file: file, key: key, savedHead: savedHead), json: json, exitCode: result.ok ? 0 : 65)
        }

        static func describe(_ result: AuditVerification, file: String?, key: AuditKey?, savedHead: AuditHead?) -> String {
            let trail = file.map { "The audit trail in \($0)" } ?? "The audit trail"
            guard result.ok else {
                return "\(trail) is broken at event \(result.brokenAt.map(String.init) ?? "?"): \(result.reason ?? "")."
            }
            var lines = ["\(trail) is intact (\(result.events) events)."]
            if let savedHead {
                lines.append("It still holds the saved head (event #\(savedHead.lastEventId), \(savedHead.events) events).")
            }
            if let key {
                lines.append("\(result.keyed) events are chained with the audit key (fingerprint \(key.fingerprint)).")
            }
            if let r = result.unkeyed {
                lines.append(
                    "Events #\(r.first) to #\(r.last) (\(r.count)) were chained before the key was in use: anyone who can write the database could rewrite them unnoticed.")
            }
            if let r = result.unchecked {
                lines.append(
                    "Events #\(r.first) to #\(r.last) (\(r.count)) are chained with an audit key that was not given (CORBI_AUDIT_KEY_FILE): their links were checked, not their hashes.")
            }
            return lines.joined(separator: "\n")
        }
    }

    struct Head: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "head", abstract: "Print the trail's newest link as one line, to keep somewhere else.",
            discussion: """
                The line (corbi-audit-head:ORG:EVENTS:LAST_ID:HASH) names the newest event and \
                how many lead to it. Kept outside the database (a password manager, a ticket), it \
                lets audit verify --head TOKEN tell a trail rewritten or cut back from the real one.
                """)
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let head = try session.database().auditHead(actor)
            return CommandOutput(
                text: head.token, json: AuditHeadJSON(head, organization: actor.organization.domain),
                notes: ["Keep this line somewhere else; corbi audit verify --head LINE checks that the trail still holds it."])
        }
    }

    struct Seal: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "seal", abstract: "Chain the next event with the audit key, protecting the trail so far (admins).",
            discussion: """
                After a key is put in use (CORBI_AUDIT_KEY_FILE), the trail is protected from the \
                first event written with it; seal writes one now. Prints the new head.
                """)
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let db = try session.database()
            let head = try db.sealAudit(actor)
            let fingerprint = db.auditKey?.fingerprint ?? "?"
            return CommandOutput(
                text: "Sealed the audit trail of \(actor.organization.domain) with the audit key (fingerprint \(fingerprint)) at event #\(head.lastEventId).\n\(head.token)",
                json: AuditHeadJSON(head, organization: actor.organization.domain))
        }
    }

    struct Key: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "key", abstract: "Show the audit key in use, or create a new key file.",
            discussion: """
                A key kept outside the database turns the audit chain into an HMAC chain: someone \
                who can write the database file but has not got the key cannot re-chain the trail \
                unnoticed. --create PATH writes 32 random bytes (as hex) to a new file readable by \
                you only; set CORBI_AUDIT_KEY_FILE=PATH for every corbi that opens the database, \
                keep a copy somewhere safe, then run corbi audit seal.
                """)
        @Option(help: ArgumentHelp("Create a new key file here (never replaces a file).", valueName: "path"))
        var create: String?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            if let create {
                let key = try AuditKey.generate(at: create)
                let path = URL(fileURLWithPath: create).standardizedFileURL.path
                let inUse = session.configuration.auditKeyPath.map { URL(fileURLWithPath: $0).standardizedFileURL.path == path } ?? false
                let text = """
                    Created the audit key \(path) (fingerprint \(key.fingerprint)), readable by you only.
                    To use it, set CORBI_AUDIT_KEY_FILE=\(ShellQuoting.quote(path)) for every corbi (and corbi serve) that opens this database,
                    keep a copy somewhere safe (without it the keyed trail cannot be verified, nor written to), then run: corbi audit seal
                    """
                return CommandOutput(text: text, json: AuditKeyJSON(path: path, fingerprint: key.fingerprint, created: true, inUse: inUse))
            }
            guard let path = session.configuration.auditKeyPath else {
                return CommandOutput(
                    text: "No audit key is in use (CORBI_AUDIT_KEY_FILE is not set); corbi audit key --create PATH makes one.",
                    json: AuditKeyJSON(path: nil, fingerprint: nil, created: false, inUse: false))
            }
            let key = try session.workspace.auditKey()
            return CommandOutput(
                text: "The audit key in use is \(path) (fingerprint \(key?.fingerprint ?? "?")).",
                json: AuditKeyJSON(path: path, fingerprint: key?.fingerprint, created: false, inUse: true))
        }
    }
}
