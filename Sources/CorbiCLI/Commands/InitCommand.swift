import ArgumentParser
import CorbiCore
import CorbiWorkspace

/// `corbi init`: creates the database if needed, an organization and its first admin.
public struct InitCommand: CorbiCommand {
    public static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create an organization and its first admin (and the database if needed).")

    @Option(help: "The organization's name.") var org: String
    @Option(help: "Its unique domain, e.g. clinic.example.") var domain: String
    @Option(help: "The first admin's email.") var admin: String
    @Option(help: "The admin's name.") var adminName: String?
    @Option(help: "IANA time zone, e.g. Europe/Berlin.") var timezone: String = "UTC"
    @Option(help: "Default country calling code for national phone numbers, e.g. 49.") var callingCode: Int?
    // `--org` names the new organization here, so the global options are declared one by one.
    @Option(help: ArgumentHelp("Database file (env CORBI_DB).", valueName: "path")) var db: String?
    @Option(help: ArgumentHelp("Knowledge-base folder (env ASSISTANT_KB_PATH).", valueName: "path")) var kb: String?
    @Flag(help: "Print one JSON object on stdout.") var json = false

    public var globals: GlobalOptions { .with(db: db, kb: kb, json: json) }

    public init() {}

    public func execute(in session: Session) throws -> CommandOutput {
        let result = try session.database().createOrganization(
            name: org, domain: domain, adminEmail: admin, adminName: adminName, timezone: timezone,
            callingCode: callingCode)
        let o = result.organization
        return CommandOutput(
            text: "Created \(o.name) (\(o.domain), \(o.timezone)) with admin \(result.admin.email) in \(session.configuration.databasePath).",
            json: OrganizationJSON(o, role: .admin))
    }
}
