import ArgumentParser
import CorbiCore

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
        session.resetActor()
        let o = result.organization
        return CommandOutput(
            text: "Created \(o.name) (\(o.domain), \(o.timezone)) with admin \(result.admin.email) in \(session.settings.databasePath).",
            json: OrganizationJSON(o, role: .admin))
    }
}

/// An organization as JSON.
struct OrganizationJSON: Encodable {
    var id: Int64
    var name: String
    var domain: String
    var timezone: String
    var callingCode: Int?
    var role: String?

    init(_ o: Organization, role: Role?) {
        id = o.id ?? 0
        name = o.name
        domain = o.domain
        timezone = o.timezone
        callingCode = o.callingCode
        self.role = role?.rawValue
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(domain, forKey: .domain)
        try c.encode(timezone, forKey: .timezone)
        try c.encode(callingCode, forKey: .callingCode)
        try c.encodeIfPresent(role, forKey: .role)
    }

    enum CodingKeys: String, CodingKey { case id, name, domain, timezone, callingCode, role }
}
