import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

/// `corbi outbox`: the messages drafts scheduled, and the sending rate per channel.
public struct OutboxCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Outbound messages: list, show, send, retry, cancel; the rate per channel.",
        subcommands: [List.self, Show.self, Retry.self, Cancel.self, Rate.self], defaultSubcommand: List.self)

    public init() {}


    struct List: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Outbound messages, latest scheduled first.")
        @Option(help: "Only this status.") var status: Choice<MessageStatus>?
        @Option(help: "Only messages to this contact (id, email, phone or part of the name).") var contact: String?
        @Option(help: "Scheduled from this time or day on (a day means its start).") var from: String?
        @Option(help: "Scheduled up to this time or day (a day is included whole).") var to: String?
        @Option(help: "At most this many (text output shows 50 unless set).") var limit: Int?
        @Flag(help: "Show every message.") var all = false
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let zone = actor.organization.timeZone
            let shown = all ? nil : (limit ?? (globals.json ? nil : 50))
            // One more than shown tells whether the text output was cut.
            var entries = try session.database().outbox(
                actor, status: status?.text, contact: contact, from: from, to: to, limit: shown.map { $0 + 1 })
            let cut = shown.map { entries.count > $0 } ?? false
            if let shown, cut { entries.removeLast(entries.count - shown) }
            var table = TextTable(["ID", "SCHEDULED", "CHANNEL", "CONTACT", "STATUS", "TEXT"])
            for e in entries {
                let m = e.message
                var text = m.body.replacingOccurrences(of: "\n", with: " ")
                if text.count > 50 { text = String(text.prefix(47)) + "..." }
                table.add([String(m.id!), DateFormatting.dateTime(m.scheduledFor, in: zone), m.channel.rawValue, e.contactName, m.status.rawValue, text])
            }
            var text = entries.isEmpty ? "No messages." : table.render()
            if cut { text += "\n... more messages: use --limit N or --all" }
            guard globals.json else { return CommandOutput(text: text, json: OutboxJSON(messages: [])) }
            let attempts = try session.database().outboxAttempts(actor, messageIds: entries.compactMap(\.message.id))
            return CommandOutput(
                text: text,
                json: OutboxJSON(
                    messages: entries.map { OutboundMessageJSON($0.message, attempts: attempts[$0.message.id!] ?? [], zone: zone) }))
        }
    }

    struct Show: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "One outbound message: its full text, every field and every attempt to send it.")
        @Argument(help: "The message id.") var id: String
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let zone = actor.organization.timeZone
            let detail = try session.database().outboxDetail(actor, id: try OutboxCommand.messageId(id))
            return CommandOutput(
                text: OutboxCommand.describe(detail, zone: zone),
                json: OutboundMessageJSON(detail.entry.message, attempts: detail.attempts, zone: zone))
        }
    }

    struct Retry: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry", abstract: "Put a failed message back to pending; the next send picks it up (staff and admins).")
        @Argument(help: "The message id.") var id: String
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let e = try session.database().retryMessage(actor, id: try OutboxCommand.messageId(id))
            return CommandOutput(
                text: "Message #\(e.message.id!) to \(e.contactName) is pending again.",
                json: OutboundMessageJSON(e.message, zone: actor.organization.timeZone))
        }
    }

    struct Cancel: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a pending message.")
        @Argument(help: "The message id.") var id: String
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let zone = actor.organization.timeZone
            let e = try session.database().cancelMessage(actor, id: try OutboxCommand.messageId(id))
            return CommandOutput(text: "Cancelled message #\(e.message.id!) to \(e.contactName).", json: OutboundMessageJSON(e.message, zone: zone))
        }
    }

    struct Rate: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "rate", 
            abstract: "Show the sending rate per channel, or set one (admins).",
            discussion: "A draft that would exceed its channel's rate in its minute is scheduled for the next minute with room. The default is 60 a minute.")
        @Argument(help: "The channel to set.") var channel: Choice<Channel>?
        @Argument(help: "Messages per minute.") var perMinute: String?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let db = try session.database()
            if let channel {
                guard let perMinute else { throw CorbiError.usage("Missing expected argument '<per-minute>'.") }
                guard let n = Int(perMinute.trimmingCharacters(in: .whitespaces)) else {
                    throw CorbiError.invalid("'\(perMinute)' is not a number of messages a minute.")
                }
                let rate = try db.setChannelRate(actor, channel: channel.text, perMinute: n)
                return CommandOutput(
                    text: "\(rate.channel.rawValue): at most \(rate.perMinute) messages a minute.",
                    json: RateJSON(channel: rate.channel.rawValue, perMinute: rate.perMinute, isDefault: false))
            }
            let rates = try db.channelRates(actor)
            var table = TextTable(["CHANNEL", "PER MINUTE"])
            for r in rates { table.add([r.channel.rawValue, "\(r.perMinute)\(r.isDefault ? " (default)" : "")"]) }
            return CommandOutput(
                text: table.render(),
                json: RateListJSON(rates: rates.map { RateJSON(channel: $0.channel.rawValue, perMinute: $0.perMinute, isDefault: $0.isDefault) }))
        }
    }

    /// `12` or `#12` (65 otherwise).
    static func messageId(_ text: String) throws -> Int64 {
        guard let id = MessagingText.recordID(text), id > 0 else {
            throw CorbiError.invalid("'\(text)' is not a message id (a number).")
        }
        return id
    }

    static func describe(_ detail: OutboxDetail, zone: TimeZone) -> String {
        let e = detail.entry
        let m = e.message
        func time(_ date: Date) -> String { DateFormatting.dateTime(date, in: zone) }
        var lines = ["#\(m.id!) to \(e.contactName) (#\(m.contactId)) on \(m.channel.rawValue)"]
        lines.append("  status:    \(m.status.rawValue)" + (m.providerStatus.map { " (provider: \($0))" } ?? ""))
        if let error = m.error { lines.append("  error:     \(error)") }
        lines.append("  scheduled: \(time(m.scheduledFor))")
        if m.status == .retrying, let next = m.nextAttemptAt { lines.append("  next try:  \(time(next)) (retry \(m.retryCount))") }
        for (label, date) in [("sent", m.sentAt), ("delivered", m.deliveredAt), ("read", m.readAt), ("failed", m.failedAt), ("cancelled", m.cancelledAt)] {
            if let date { lines.append("  \((label + ":").padding(toLength: 10, withPad: " ", startingAt: 0)) \(time(date))") }
        }
        if let name = detail.templateName {
            lines.append("  template:  \(name) (\(detail.templateLanguage ?? "?"))")
        } else if let t = m.templateId {
            lines.append("  template:  #\(t)")
        }
        if !m.variables.isEmpty {
            lines.append("  variables: " + m.variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        }
        if let id = m.providerMessageId { lines.append("  provider:  \(id)") }
        if let media = m.mediaUrl { lines.append("  media:     \(media)") }
        lines.append("  trace:     \(m.traceId)")
        if let s = m.subject { lines.append("  subject:   \(s)") }
        lines.append("---")
        lines.append(m.body)
        lines.append("---")
        if !detail.attempts.isEmpty {
            lines.append("Attempts:")
            for a in detail.attempts {
                var line = "  \(a.attempt). \(time(a.startedAt)) \(a.outcome?.rawValue ?? "in progress")"
                if let code = a.code { line += " [\(code)]" }
                if let id = a.providerMessageId { line += " \(id)" }
                if let error = a.error { line += ": \(error)" }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }
}
