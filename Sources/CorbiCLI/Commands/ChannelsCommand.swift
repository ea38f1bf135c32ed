import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

/// `corbi channels`: the organization's provider accounts (admins), secrets always masked.
public struct ChannelsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "channels", abstract: "Provider accounts per channel (admins): set, list, show, remove.",
        discussion: """
            Secrets are sealed in the database with a key kept beside it (corbi.key, readable by \
            its owner only) and never printed: every output masks them.
            """,
        subcommands: [List.self, Show.self, Set.self, Remove.self], defaultSubcommand: List.self)

    public init() {}

    struct Set: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Set (or change) the account of a channel.",
            discussion: """
                whatsapp: phone_number_id=ID access_token=@FILE app_secret=@FILE verify_token=TEXT
                telegram: bot_token=@FILE secret_token=TEXT
                instagram: account_id=ID access_token=@FILE app_secret=@FILE verify_token=TEXT
                email: from="Name <addr@example.com>"
                KEY=@FILE reads the value from FILE (one trailing newline dropped), so secrets stay \
                out of the shell's history; @- reads standard input. On an existing account, keys \
                not given keep their values.
                """)
        @Argument(help: "The channel.") var channel: Choice<Channel>
        @Argument(help: "KEY=VALUE or KEY=@FILE settings.") var settings: [String] = []
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            var values: [String: String] = [:]
            for setting in settings {
                guard let eq = setting.firstIndex(of: "=") else {
                    // Never echo it: a pasted secret without its key is the usual mistake.
                    throw CorbiError.usage("Each setting is KEY=VALUE or KEY=@FILE; one of them has no '='.")
                }
                let key = String(setting[..<eq]).trimmingCharacters(in: .whitespaces).lowercased()
                var value = String(setting[setting.index(after: eq)...])
                if value.hasPrefix("@") {
                    value = try ChannelsCommand.secret(fromFile: String(value.dropFirst()), key: key)
                }
                values[key] = value
            }
            let view = try session.database().setProviderAccount(actor, channel: channel.text, values: values)
            return CommandOutput(
                text: "Set the \(view.channel.rawValue) account.\n" + ChannelsCommand.describe(view, zone: actor.organization.timeZone),
                json: ChannelJSON(view, zone: actor.organization.timeZone))
        }
    }

    struct List: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Every channel's account, secrets masked.")
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let views = try session.database().providerAccounts(actor)
            let zone = actor.organization.timeZone
            let text =
                views.isEmpty
                ? "No channel is set up yet: corbi channels set CHANNEL KEY=VALUE..."
                : views.map { ChannelsCommand.describe($0, zone: zone) }.joined(separator: "\n")
            return CommandOutput(text: text, json: ChannelListJSON(channels: views.map { ChannelJSON($0, zone: zone) }))
        }
    }

    struct Show: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One channel's account, secrets masked.")
        @Argument(help: "The channel.") var channel: Choice<Channel>
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let view = try session.database().providerAccount(actor, channel: channel.text)
            return CommandOutput(
                text: ChannelsCommand.describe(view, zone: actor.organization.timeZone), json: ChannelJSON(view, zone: actor.organization.timeZone))
        }
    }

    struct Remove: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "Remove a channel's account (its messages wait until one is set again).")
        @Argument(help: "The channel.") var channel: Choice<Channel>
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let removed = try session.database().removeProviderAccount(try session.actor(), channel: channel.text)
            return .message("Removed the \(removed.rawValue) account.")
        }
    }

    /// The value of `KEY=@FILE`: the file's text (standard input for `-`) without one
    /// trailing newline.
    static func secret(fromFile path: String, key: String) throws -> String {
        guard !path.isEmpty else { throw CorbiError.usage("\(key)=@ needs a file name (or - for standard input).") }
        var text = try InputFile.text(path)
        if text.hasSuffix("\r\n") {
            text.removeLast(2)
        } else if text.hasSuffix("\n") {
            text.removeLast()
        }
        return text
    }

    static func describe(_ view: ProviderAccountView, zone: TimeZone) -> String {
        var lines = ["\(view.channel.rawValue)"]
        for (key, value) in view.settings.sorted(by: { $0.key < $1.key }) { lines.append("  \(key) = \(value)") }
        for (key, value) in view.maskedSecrets.sorted(by: { $0.key < $1.key }) { lines.append("  \(key) = \(value)") }
        if !view.secretsReadable { lines.append("  (the secrets cannot be opened with this workspace's key file: set them again)") }
        lines.append("  updated:   \(DateFormatting.dateTime(view.updatedAt, in: zone))" + (view.updatedBy.map { " by \($0)" } ?? ""))
        return lines.joined(separator: "\n")
    }
}
