import ArgumentParser
import CorbiCore
import CorbiWorkspace

/// `corbi members`: who belongs to the organization, with which role.
public struct MembersCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "members", abstract: "Add, list and remove members (admins manage).",
        subcommands: [List.self, Add.self, Remove.self], defaultSubcommand: List.self)

    public init() {}


    struct List: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The organization's members.")
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let members = try session.database().members(try session.actor())
            var table = TextTable(["EMAIL", "NAME", "ROLE"])
            for m in members { table.add([m.email, m.name ?? "", m.role.rawValue]) }
            return CommandOutput(text: table.render(), json: MemberListJSON(members: members.map(MemberJSON.init)))
        }
    }

    struct Add: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a member, or change a member's role.")
        @Argument(help: "The member's email.") var email: String
        @Option(help: "The member's role.") var role: Choice<Role>
        @Option(help: "The member's name.") var name: String?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let role = try Role.parse(role.text)
            let member = try session.database().addMember(try session.actor(), email: email, role: role, name: name)
            return CommandOutput(text: "\(member.email) is now \(member.role.rawValue).", json: MemberJSON(member))
        }
    }

    struct Remove: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a member from the organization.")
        @Argument(help: "The member's email.") var email: String
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let member = try session.database().removeMember(try session.actor(), email: email)
            return CommandOutput(text: "Removed \(member.email).", json: MemberJSON(member))
        }
    }
}
