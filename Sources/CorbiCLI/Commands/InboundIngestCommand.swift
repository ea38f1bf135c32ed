import ArgumentParser
import CorbiCore
import CorbiMessaging
import CorbiWorkspace
import Foundation

extension InboundCommand {
    /// `corbi inbound ingest`: a provider's webhook body, or an email, from a file or stdin.
    struct Ingest: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "ingest", abstract: "Store a webhook body (whatsapp, telegram, instagram) or an email from a file or stdin.",
            discussion: """
                The body is read by the same parser as corbi serve's webhooks and applied all or \
                nothing: messages (each provider message id once), delivery statuses, opt-out and \
                opt-in words, unknown senders kept for contacts add --from-inbound. No signature is \
                checked: the member running it vouches for the body, and is audited as its source. \
                For email, give an RFC 5322 message (an MTA can pipe mail to it): replies to a \
                List-Unsubscribe mailto with the subject "unsubscribe" are opt-outs.
                """)
        @Argument(help: "whatsapp, telegram, instagram (a webhook's JSON body) or email (an RFC 5322 message).")
        var channel: Choice<Channel>
        @Argument(help: "The file to read; stdin when absent or -.") var file: String?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let channel = try Channel.parse(self.channel.text)
            let actor = try session.actor()
            let body = try InputFile.data(file ?? "-")
            let delivery: WebhookDelivery
            do {
                delivery = try WebhookDelivery.parse(body, channel: channel)
            } catch {
                throw CorbiError.invalid(error.description)
            }
            let result = try session.database().ingestInbound(
                actor, channel: channel, events: delivery.events, updateId: delivery.updateId)
            let json = InboundIngestJSON(result, channel: channel, dropped: delivery.dropped, zone: actor.organization.timeZone)
            return CommandOutput(text: Self.text(json), json: json)
        }

        static func text(_ r: InboundIngestJSON) -> String {
            if r.duplicateUpdate { return "This update was ingested before: nothing changed." }
            var parts: [String] = []
            let unknown = r.messages.filter { $0.contactId == nil && $0.senderIdentifier != nil }
            var stored = "Stored " + counted(r.messages.count, "message")
            if !unknown.isEmpty {
                stored += " (\(unknown.count) from unknown senders: contacts add --from-inbound "
                    + unknown.map { String($0.id) }.joined(separator: ", ") + ")"
            }
            parts.append(stored)
            if !r.duplicates.isEmpty { parts.append(counted(r.duplicates.count, "duplicate") + " stored before") }
            let s = r.statuses
            if s.applied + s.unchanged + s.kept > 0 {
                parts.append(
                    counted(s.applied + s.unchanged + s.kept, "delivery status", "delivery statuses") + " (\(s.applied) applied, \(s.unchanged) changed nothing, "
                        + "\(s.kept) kept until their send is recorded)")
            }
            if r.unrecognized > 0 { parts.append(counted(r.unrecognized, "part") + " Corbi does not read, stored raw") }
            var lines = [parts.joined(separator: "; ") + "."]
            for k in r.optOuts {
                if k.intent == InboundIntent.optOut.rawValue {
                    lines.append(
                        "\(k.word) from \(k.identifier): " + (k.changed ? "suppressed" : "already suppressed")
                            + (k.cancelledMessages > 0 ? ", \(counted(k.cancelledMessages, "waiting message")) cancelled." : "."))
                } else {
                    lines.append("\(k.word) from \(k.identifier): " + (k.changed ? "the opt-out is lifted." : "no opt-out to lift."))
                }
            }
            return lines.joined(separator: "\n")
        }
    }
}
