import CorbiCore
import CorbiTestSupport
import CorbiWorkspace
import Foundation

@testable import CorbiCLI

/// A temporary workspace for the shell's tests: a real SQLite file with one organization
/// (alpha.example: an admin, a staff member and a viewer) and a second one the staff
/// member also belongs to (beta.example, as viewer), on a fixed clock.
final class ShellTestWorkspace {
    let base: TestDatabase
    var folder: URL { base.folder.url }
    var database: AppDatabase { base.db }
    var environment: CorbiEnvironment { base.clock.environment }

    static let admin = "admin@alpha.example"
    static let staff = "staff@alpha.example"
    static let viewer = "viewer@alpha.example"

    init() throws {
        base = try TestDatabase(now: Date(timeIntervalSince1970: 1_790_000_000), prefix: "corbi-shell")
        let alpha = try database.createOrganization(
            name: "Alpha Clinic", domain: "alpha.example", adminEmail: Self.admin, timezone: "Europe/Berlin", callingCode: 49)
        let admin = Actor(user: alpha.admin, organization: alpha.organization, role: .admin)
        _ = try database.addMember(admin, email: Self.staff, role: .staff)
        _ = try database.addMember(admin, email: Self.viewer, role: .viewer)
        let beta = try database.createOrganization(name: "Beta Studio", domain: "beta.example", adminEmail: "admin@beta.example")
        _ = try database.addMember(Actor(user: beta.admin, organization: beta.organization, role: .admin), email: Self.staff, role: .viewer)
    }

    var databasePath: String { folder.appendingPathComponent("corbi.sqlite").path }
    var knowledgeBasePath: String { folder.appendingPathComponent("kb").path }

    /// A session acting as `user` in `organization`.
    func session(user: String = staff, organization: String? = "alpha.example") -> Session {
        var configuration = try! Configuration.resolve(
            Configuration.Overrides(
                database: databasePath, knowledgeBase: knowledgeBasePath, prompts: folder.appendingPathComponent("prompts").path,
                user: user, organization: organization),
            environment: ["HOME": folder.path])
        configuration.calendarRoot = folder.appendingPathComponent("calendar").path
        let session = Session(workspace: Workspace(configuration: configuration, environment: environment), diagnostics: { _ in })
        session.organization = organization
        return session
    }

    func actor(_ user: String = staff, _ organization: String = "alpha.example") throws -> Actor {
        try database.resolveActor(user: user, organization: organization)
    }

    /// Runs a scripted REPL session; returns the REPL, the reader and the captured streams.
    func repl(_ steps: [ScriptedLineReader.Step], session: Session? = nil) -> (REPL, ScriptedLineReader, CapturedStreams, Int32) {
        let reader = ScriptedLineReader(steps)
        let streams = CapturedStreams()
        let repl = REPL(interpreter: ShellInterpreter(session: session ?? self.session(), json: false), reader: reader, streams: streams)
        let status = repl.run()
        return (repl, reader, streams, status)
    }
}
