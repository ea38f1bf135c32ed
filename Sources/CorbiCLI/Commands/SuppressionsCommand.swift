import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

/// `corbi suppressions`: identifiers that must never be messaged.
public struct SuppressionsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "suppressions", abstract: "Identifiers that must never be messaged (opt-outs, complaints, bounces).",
        discussion: "Identifiers are normalized like a contact's: email lower-cased, phone to E.164 with the organization's calling code.",
        subcommands: [List.self, Add.self, Remove.self], defaultSubcommand: List.self)

    public init() {}

    struct List: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Suppressions, newest first.")
        @Option(help: "Only this channel.") var channel: Choice<Channel>?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let zone = actor.organization.timeZone
            let list = try session.database().suppressions(actor, channel: channel?.text)
            var table = TextTable(["CHANNEL", "IDENTIFIER", "SINCE", "REASON"])
            for s in list { table.add([s.channel.rawValue, s.identifier, DateFormatting.dateTime(s.createdAt, in: zone), s.reason ?? ""]) }
            return CommandOutput(
                text: list.isEmpty ? "No suppressions." : table.render(),
                json: SuppressionListJSON(suppressions: list.map { SuppressionJSON($0, zone: zone) }))
        }
    }

    struct Add: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "add", 
            abstract: "Suppress an identifier on a channel; pending messages to it are cancelled.")
        @Argument(help: "The channel.") var channel: Choice<Channel>
        @Argument(help: "Phone number, email, Telegram chat id or Instagram id.") var identifier: String
        @Option(help: "Why (opt-out, complaint, bounce...).") var reason: String?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let added = try session.database().addSuppression(actor, channel: channel.text, identifier: identifier, reason: reason)
            let s = added.suppression
            var text = "Suppressed \(s.identifier) on \(s.channel.rawValue)."
            if added.cancelledMessages > 0 { text += " Cancelled \(added.cancelledMessages) pending message(s) to it." }
            return CommandOutput(text: text, json: SuppressionJSON(s, zone: actor.organization.timeZone))
        }
    }

    struct Remove: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Lift a suppression (admins).")
        @Argument(help: "The channel.") var channel: Choice<Channel>
        @Argument(help: "Phone number, email, Telegram chat id or Instagram id.") var identifier: String
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let s = try session.database().removeSuppression(actor, channel: channel.text, identifier: identifier)
            return CommandOutput(
                text: "\(s.identifier) may be messaged on \(s.channel.rawValue) again.",
                json: SuppressionJSON(s, zone: actor.organization.timeZone))
        }
    }
}
