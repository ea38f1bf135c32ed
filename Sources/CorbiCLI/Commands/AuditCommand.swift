import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

/// `corbi audit`: the organization's tamper-evident trail.
public struct AuditCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read and verify the audit trail.",
        subcommands: [List.self, Verify.self], defaultSubcommand: List.self)

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
        static let configuration = CommandConfiguration(commandName: "verify", abstract: "Walk the hash chain; exit 65 at the first broken link.")
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let result = try session.database().verifyAudit(try session.actor())
            let json = AuditVerificationJSON(ok: result.ok, events: result.events, brokenAt: result.brokenAt, reason: result.reason)
            let text = result.ok
                ? "The audit trail is intact (\(result.events) events)."
                : "The audit trail is broken at event \(result.brokenAt ?? 0): \(result.reason ?? "")."
            return CommandOutput(text: text, json: json, exitCode: result.ok ? 0 : 65, notes: [])
        }
    }
}
