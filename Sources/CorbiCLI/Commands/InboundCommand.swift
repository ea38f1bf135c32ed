import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

/// `corbi inbound`: messages contacts sent, recorded by hand or by a provider's webhook script.
public struct InboundCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "inbound", abstract: "Messages contacts sent: record one (opens the 24-hour reply window), list them.",
        subcommands: [List.self, Record.self, Ingest.self], defaultSubcommand: List.self)

    public init() {}


    struct List: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Inbound messages, newest first.")
        @Option(help: "Only messages from this contact (id, email, phone or part of the name).") var contact: String?
        @Flag(help: "Only messages from senders who are not contacts (make one with contacts add --from-inbound ID).")
        var unknown = false
        @Option(help: "At most this many (default 50).") var limit: Int = 50
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            try Validation.limit(limit)
            let actor = try session.actor()
            let zone = actor.organization.timeZone
            if unknown && contact != nil { throw CorbiError.usage("Give --unknown or --contact, not both.") }
            let entries =
                unknown
                ? try session.database().unknownSenderMessages(actor, limit: limit)
                : try session.database().inboundMessages(actor, contact: contact, limit: limit)
            var table = TextTable(["ID", "RECEIVED", "CHANNEL", "FROM", "TEXT"])
            for e in entries {
                let m = e.message
                var text = (m.text ?? InboundCommand.text(of: m.payloadValue)).replacingOccurrences(of: "\n", with: " ")
                if let media = m.mediaUrl ?? m.mediaId { text = (text.isEmpty ? "" : text + " ") + "[media: \(media)]" }
                if text.count > 50 { text = String(text.prefix(47)) + "..." }
                let sender = [m.senderDisplayName, m.senderIdentifier].compactMap { $0 }.joined(separator: " ")
                let from = e.contactName ?? (sender.isEmpty ? "(unknown sender)" : "(unknown) \(sender)")
                table.add([String(m.id!), DateFormatting.dateTime(m.receivedAt, in: zone), m.channel.rawValue, from, text])
            }
            return CommandOutput(
                text: entries.isEmpty ? "No inbound messages." : table.render(),
                json: InboundListJSON(messages: entries.map { InboundCommand.json($0.message, contactName: $0.contactName, zone: zone) }))
        }
    }

    struct Record: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "record", abstract: "Record a message a contact sent.",
            discussion: """
                The sender is the contact with this identifier on the channel, else --contact; an \
                unknown sender is kept without a contact. Identifiers the contact lacks are filled \
                in from the channel and from the payload's "email" and "phone" fields.
                """)
        @Argument(help: "The channel.") var channel: Choice<Channel>
        @Argument(help: "The sender's phone number, Telegram chat id, Instagram id or email.") var identifier: String
        @Argument(help: "The message text.") var text: [String] = []
        @Option(help: "The provider's payload, a JSON object (the text, if given, is added as \"text\").") var payload: String?
        @Option(help: "The contact, when the identifier is new (id, email, phone or part of the name).") var contact: String?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            var fields: [String: JSONValue] = [:]
            if let payload {
                guard let data = payload.data(using: .utf8),
                    case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data)
                else { throw CorbiError.invalid("--payload must be a JSON object, like '{\"text\": \"Hello\"}'.") }
                fields = object
            }
            if !text.isEmpty { fields["text"] = .string(text.joined(separator: " ")) }
            let actor = try session.actor()
            let recorded = try session.database().recordInbound(
                actor, channel: channel.text, identifier: identifier, payload: .object(fields), contactRef: contact)
            let m = recorded.message
            var summary = "Recorded inbound #\(m.id!) on \(m.channel.rawValue) from "
                + (recorded.contact.map(\.label) ?? "an unknown sender") + "."
            if !recorded.enriched.isEmpty {
                summary += " Added to the contact: "
                    + recorded.enriched.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "."
            }
            return CommandOutput(
                text: summary,
                json: InboundRecordedJSON(
                    message: InboundCommand.json(m, contactName: recorded.contact?.fullName, zone: actor.organization.timeZone),
                    enriched: recorded.enriched))
        }
    }

    static func json(_ m: InboundMessage, contactName: String?, zone: TimeZone) -> InboundMessageJSON {
        InboundMessageJSON(
            id: m.id!, channel: m.channel.rawValue, contactId: m.contactId, contactName: contactName,
            receivedAt: DateFormatting.iso8601(m.receivedAt, in: zone), senderIdentifier: m.senderIdentifier,
            senderName: m.senderName, text: m.text, providerMessageId: m.providerMessageId, mediaUrl: m.mediaUrl,
            mediaId: m.mediaId, intent: m.intent?.rawValue, payload: m.payloadValue)
    }

    /// The readable text of a payload: its "text" (or "body") field, else the JSON.
    static func text(of payload: JSONValue) -> String {
        if case .object(let fields) = payload {
            for key in ["text", "body"] {
                if case .string(let text)? = fields[key] { return text }
            }
        }
        return payload.canonicalString
    }
}
