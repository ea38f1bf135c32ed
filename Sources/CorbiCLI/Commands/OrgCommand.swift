import ArgumentParser
import CorbiCore
import CorbiWorkspace

/// `corbi org`: the organizations the user belongs to, and their settings.
public struct OrgCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "org", abstract: "List your organizations, change the current one's settings, export or delete it.",
        subcommands: [List.self, Show.self, Update.self, Export.self, Delete.self, Deletions.self], defaultSubcommand: List.self)

    public init() {}

    struct List: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The organizations you belong to, with your role.")
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let db = try session.database()
            let user = try session.actorUser()
            let memberships = try db.memberships(userId: user.id!)
            let current = try? session.actor()
            var table = TextTable(["", "ID", "DOMAIN", "NAME", "TIMEZONE", "ROLE"])
            for (o, role) in memberships {
                table.add([o.id == current?.organizationId ? "*" : "", String(o.id!), o.domain, o.name, o.timezone, role.rawValue])
            }
            return CommandOutput(
                text: table.render(), json: OrganizationListJSON(organizations: memberships.map { OrganizationJSON($0.0, role: $0.1) }))
        }
    }

    struct Show: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "The current organization.")
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let o = actor.organization
            return CommandOutput(
                text: """
                    \(o.name) (\(o.domain))
                    id:           \(o.id!)
                    timezone:     \(o.timezone)
                    calling code: \(o.callingCode.map { "+\($0)" } ?? "none")
                    you:          \(actor.name) (\(actor.role.rawValue))
                    """,
                json: OrganizationJSON(o, role: actor.role))
        }
    }

    struct Update: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Change the current organization's settings (admins).")
        @Option(help: "New name.") var name: String?
        @Option(help: "IANA time zone, e.g. Europe/Berlin.") var timezone: String?
        @Option(help: "Default country calling code for national phone numbers; 'none' removes it.")
        var callingCode: String?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            var code: Int?? = nil
            if let callingCode {
                let trimmed = callingCode.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "+", with: "")
                if trimmed.lowercased() == "none" || trimmed.isEmpty {
                    code = .some(nil)
                } else if let value = Int(trimmed) {
                    code = .some(value)
                } else {
                    throw CorbiError.invalid("'\(callingCode)' is not a country calling code (like 49).")
                }
            }
            let o = try session.database().updateOrganization(actor, name: name, timezone: timezone, callingCode: code)
            return CommandOutput(text: "Updated \(o.domain).", json: OrganizationJSON(o, role: actor.role))
        }
    }
}
