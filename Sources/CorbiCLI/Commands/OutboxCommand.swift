import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

/// `corbi outbox`: the messages drafts scheduled, and the sending rate per channel.
public struct OutboxCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Scheduled outbound messages: list, show, cancel; the rate per channel.",
        subcommands: [List.self, Show.self, Cancel.self, Rate.self], defaultSubcommand: List.self)

    public init() {}


    struct List: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Outbound messages, latest scheduled first.")
        @Option(help: "Only this status.") var status: Choice<MessageStatus>?
        @Option(help: "Only messages to this contact (id, email, phone or part of the name).") var contact: String?
        @Option(help: "At most this many (text output shows 50 unless set).") var limit: Int?
        @Flag(help: "Show every message.") var all = false
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let zone = actor.organization.timeZone
            let shown = all ? nil : (limit ?? (globals.json ? nil : 50))
            // One more than shown tells whether the text output was cut.
            var entries = try session.database().outbox(actor, status: status?.text, contact: contact, limit: shown.map { $0 + 1 })
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
            return CommandOutput(
                text: text,
                json: OutboxJSON(messages: entries.map { OutboundMessageJSON($0.message, zone: zone) }))
        }
    }

    struct Show: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One outbound message with its full text.")
        @Argument(help: "The message id.") var id: String
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let zone = actor.organization.timeZone
            let e = try session.database().outboxMessage(actor, id: try OutboxCommand.messageId(id))
            return CommandOutput(text: OutboxCommand.describe(e, zone: zone), json: OutboundMessageJSON(e.message, zone: zone))
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

    static func describe(_ e: OutboxEntry, zone: TimeZone) -> String {
        let m = e.message
        var lines = ["#\(m.id!) to \(e.contactName) (#\(m.contactId)) on \(m.channel.rawValue)"]
        lines.append("  status:    \(m.status.rawValue)\(m.error.map { " (\($0))" } ?? "")")
        lines.append("  scheduled: \(DateFormatting.dateTime(m.scheduledFor, in: zone))")
        if let t = m.templateId { lines.append("  template:  #\(t)") }
        lines.append("  trace:     \(m.traceId)")
        if let s = m.subject { lines.append("  subject:   \(s)") }
        lines.append("---")
        lines.append(m.body)
        lines.append("---")
        return lines.joined(separator: "\n")
    }
}
