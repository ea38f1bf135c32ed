import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

/// `corbi draft`: renders an approved template (or free text) for a contact and schedules
/// it as a pending outbound message, after every sending rule said yes.
public struct DraftCommand: CorbiCommand {
    public static let configuration = CommandConfiguration(
        commandName: "draft", abstract: "Draft a message to a contact from an approved template, or free text.",
        discussion: """
            Variables come from name=value arguments, then from context: first_name, full_name, \
            org_name, and with --booking ID booking_date (YYYY-MM-DD), booking_time (HH:MM), \
            booking_location and booking_title in the organization's time zone. For positional \
            templates ({{1}}, {{2}}) bare values fill the positions in order.
            --at takes 2026-03-29 09:30, 09:30, tomorrow 09:30, +2h or ISO 8601 with an offset. \
            On a terminal the preview is followed by "Save this draft? [y/N]" (--yes skips it); \
            piped, the draft is saved without a question. --dry-run saves nothing.
            """)

    @Argument(help: "Contact id, email, phone or part of the name.") var contact: String
    @Argument(help: "TEMPLATE, then name=value arguments.") var words: [String] = []
    @Option(help: "The channel (narrows the template; required with --text).") var channel: Choice<Channel>?
    @Option(help: "The template's language, when it has several.") var language: String?
    @Option(help: "Free text instead of a template.") var text: String?
    @Option(help: "Subject of a free-text email.") var subject: String?
    @Option(help: "When to send (default now).") var at: String?
    @Option(help: "Fill booking_* variables from this booking.") var booking: String?
    @Flag(help: "Render and check, save nothing.") var dryRun = false
    @Flag(name: [.short, .long], help: "Save without asking.") var yes = false
    @OptionGroup public var globals: GlobalOptions

    public init() {}

    func makeRequest() throws -> DraftRequest {
        do {
            let template: String?
            let arguments: [String]
            if text != nil {
                guard words.isEmpty else {
                    throw CorbiError.usage("Give a template or --text, not both (got '\(words.joined(separator: " "))').")
                }
                template = nil
                arguments = []
            } else {
                guard let first = words.first else {
                    throw CorbiError.usage("Missing expected argument '<template>' (or --text with --channel).")
                }
                template = first
                arguments = Array(words.dropFirst())
            }
            return DraftRequest(
                contact: contact, template: template, language: language, text: text, subject: subject, channel: channel?.text,
                arguments: arguments, at: at, booking: booking)
        }
    }

    public func execute(in session: Session) throws -> CommandOutput {
        let request = try makeRequest()
        let actor = try session.actor()
        let db = try session.database()
        let zone = actor.organization.timeZone
        if dryRun {
            let draft = try db.previewDraft(actor, request)
            return CommandOutput(text: Self.preview(draft, zone: zone, heading: "Dry run, nothing saved:"), json: DraftJSON(draft.message, zone: zone))
        }
        if !yes, session.terminal.stdin, let confirm = session.confirm {
            let draft = try db.previewDraft(actor, request)
            session.diagnostics(Self.preview(draft, zone: zone, heading: "Preview:"))
            guard confirm("Save this draft? [y/N]") else {
                return CommandOutput(text: "Not saved.", json: DraftJSON(draft.message, zone: zone))
            }
        }
        let draft = try db.draft(actor, request)
        return CommandOutput(text: Self.preview(draft, zone: zone, heading: "Saved draft #\(draft.message.id!):"), json: DraftJSON(draft.message, zone: zone))
    }

    /// The rendered text with where, to whom and when it goes.
    static func preview(_ draft: Draft, zone: TimeZone, heading: String) -> String {
        let m = draft.message
        var lines = [heading]
        lines.append("  to:        \(draft.contact.label) on \(m.channel.rawValue) (\(draft.contact.identifier(on: m.channel) ?? ""))")
        if let t = draft.template { lines.append("  template:  \(t.label)") }
        lines.append("  " + schedule(draft, zone: zone))
        // A preview's trace id is never stored: only a saved message's is worth showing.
        if m.id != nil { lines.append("  trace:     \(m.traceId)") }
        if let s = m.subject { lines.append("  subject:   \(s)") }
        lines.append("---")
        lines.append(m.body)
        lines.append("---")
        return lines.joined(separator: "\n")
    }

    /// "scheduled for 2026-03-29 09:30 +02:00", and why it moved if the rate moved it.
    static func schedule(_ draft: Draft, zone: TimeZone) -> String {
        let when = DateFormatting.dateTime(draft.message.scheduledFor, in: zone)
        guard draft.throttled else { return "scheduled for \(when)" }
        // Every minute from the one asked for up to the one before the slot was full.
        func minute(_ date: Date) -> Date { Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60) }
        let firstFull = minute(draft.requestedFor)
        let lastFull = minute(draft.message.scheduledFor).addingTimeInterval(-60)
        let full =
            lastFull > firstFull
            ? "\(DateFormatting.clock(firstFull, in: zone)) to \(DateFormatting.clock(lastFull, in: zone)) were full"
            : "\(DateFormatting.clock(firstFull, in: zone)) was full"
        return "scheduled for \(DateFormatting.clock(draft.message.scheduledFor, in: zone)) (rate limit \(draft.ratePerMinute)/min): "
            + "\(full), so \(when)"
    }
}
