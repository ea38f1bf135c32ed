import CorbiCore
import CorbiWorkspace
import Foundation

/// The demo workspace of `corbi --demo`: its own database, seeded once.
public enum DemoWorkspace {
    /// The demo organization's domain.
    public static let domain = "brightsmile.example"
    /// The second organization, for switching (`/org northpeak.example`) and privacy.
    public static let otherDomain = "northpeak.example"
    /// Who the demo acts as unless `--user` or `CORBI_USER` says otherwise.
    public static let staffEmail = "staff@brightsmile.example"
    public static let adminEmail = "admin@brightsmile.example"
    public static let viewerEmail = "viewer@brightsmile.example"

    /// Seeds the records each area adds to the demo (called once, on a new database).
    static func seedAreas(_ db: AppDatabase, admin: Actor, staff: Actor) throws {
        try seedTemplates(db, admin: admin, staff: staff)
        try seedBookings(db, admin: admin, staff: staff)
    }

    /// The configuration of the demo shell, from the user's own (`base`) and the flags:
    /// the demo database (`--db`, else `$XDG_DATA_HOME/corbi/demo/corbi.sqlite`), seeded if
    /// it does not exist yet; the repository's `kb/` and `prompts/` (unless
    /// `--kb`/`--prompts`); the staff member in BrightSmile Dental (unless
    /// `--user`/`CORBI_USER`, `--org`); calendars in a `calendar` folder beside the demo
    /// database. `CORBI_DB`, `ASSISTANT_KB_PATH`, `CORBI_PROMPTS`, `CORBI_ORG`,
    /// `CORBI_CALENDAR_DIR` and `CORBI_AUDIT_KEY_FILE` name the user's own workspace: the
    /// demo never reads or writes there.
    public static func configuration(
        overrides: Configuration.Overrides, base: Configuration, clock: CorbiEnvironment = .live
    ) throws -> Configuration {
        func given(_ s: String?) -> String? {
            guard let s, !s.isEmpty else { return nil }
            return s == "~" || s.hasPrefix("~/") ? base.home + s.dropFirst() : s
        }
        let path = given(overrides.database) ?? base.dataHome + "/corbi/demo/corbi.sqlite"
        if !FileManager.default.fileExists(atPath: path) {
            try seed(at: path, environment: clock)
        }
        let user = given(overrides.user) ?? base.user ?? staffEmail
        var configuration = base
        configuration.databasePath = path
        configuration.knowledgeBasePath = given(overrides.knowledgeBase) ?? repositoryFolder("kb") ?? "./kb"
        configuration.promptsPath = given(overrides.prompts) ?? repositoryFolder("prompts") ?? "./prompts"
        configuration.user = user
        // The staff member belongs to both organizations; others to one.
        configuration.organization = given(overrides.organization) ?? (user.lowercased() == staffEmail ? domain : nil)
        configuration.calendarRoot = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("calendar")
        configuration.auditKeyPath = nil
        return configuration
    }

    /// Creates the demo database at `path`. It is built beside it under another name and
    /// renamed into place when complete, so a failed or interrupted seed never leaves a
    /// half-seeded demo behind.
    public static func seed(at path: String, environment: CorbiEnvironment = .live) throws {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true)
        } catch {
            throw CorbiError.permission("Cannot create the demo folder \(folder): \(error.localizedDescription)")
        }
        let temporary = path + ".seeding-\(getpid())"
        func removeTemporary() {
            for suffix in ["", "-wal", "-shm"] { unlink(temporary + suffix) }
        }
        removeTemporary()
        do {
            let db = try AppDatabase(path: temporary, environment: environment)
            try populate(db)
            // Everything into the main file: the WAL file is not renamed with it.
            try db.checkpointAndClose()
            for suffix in ["-wal", "-shm"] { unlink(temporary + suffix) }
        } catch {
            removeTemporary()
            throw error
        }
        guard rename(temporary, path) == 0 else {
            removeTemporary()
            throw CorbiError.permission("Cannot create the demo database \(path).")
        }
    }

    /// The demo's records: two organizations, their members and contacts, then what the
    /// other areas seed (templates, bookings).
    static func populate(_ db: AppDatabase) throws {
        let bright = try db.createOrganization(
            name: "BrightSmile Dental", domain: domain, adminEmail: adminEmail, adminName: "Dr. Lena Hoffmann",
            timezone: "Europe/Berlin", callingCode: 49)
        let admin = Actor(user: bright.admin, organization: bright.organization, role: .admin)
        _ = try db.addMember(admin, email: staffEmail, role: .staff, name: "Jonas Weber")
        _ = try db.addMember(admin, email: viewerEmail, role: .viewer, name: "Mia Schulz")
        let staff = try db.resolveActor(user: staffEmail, organization: domain)
        for contact in brightSmileContacts { _ = try db.addContact(staff, contact) }

        let north = try db.createOrganization(
            name: "Northpeak Physio", domain: otherDomain, adminEmail: "admin@northpeak.example", adminName: "Sara Lindqvist",
            timezone: "Europe/Zurich", callingCode: 41)
        let northAdmin = Actor(user: north.admin, organization: north.organization, role: .admin)
        // The staff member also reads Northpeak's records, to show switching and roles.
        _ = try db.addMember(northAdmin, email: staffEmail, role: .viewer)
        for contact in northpeakContacts { _ = try db.addContact(northAdmin, contact) }

        try seedAreas(db, admin: admin, staff: staff)
    }

    private static func contact(
        _ name: String, _ email: String?, _ phone: String?, tags: [String], telegram: String? = nil, status: String = "active",
        notes: String? = nil
    ) -> ContactInput {
        ContactInput(fullName: name, email: email, phone: phone, telegram: telegram, status: status, tags: tags, notes: notes)
    }

    /// Thirty patients of a dental practice in Berlin (fictional; example domains).
    static let brightSmileContacts: [ContactInput] = [
        contact("Anna Müller", "anna.mueller@example.de", "0151 2345 6701", tags: ["patient", "recall"]),
        contact("Jürgen Schäfer", "j.schaefer@example.de", "0160 9876 5402", tags: ["patient", "implant"]),
        contact("Zoë Becker", "zoe.becker@example.com", "0176 5550 1203", tags: ["patient", "orthodontics"], telegram: "501203"),
        contact("Émile Dubois", "emile.dubois@example.fr", "+33 6 12 34 56 04", tags: ["patient", "new"]),
        contact("Lukas Fischer", "lukas.fischer@example.de", "0152 3344 5505", tags: ["patient"]),
        contact("Sophie Wagner", "sophie.wagner@example.de", "0171 2233 4406", tags: ["patient", "recall"]),
        contact("Mehmet Yılmaz", "mehmet.yilmaz@example.com", "0157 8899 0007", tags: ["patient", "insurance-private"]),
        contact("Greta Köhler", "greta.koehler@example.de", "030 2312 5008", tags: ["patient", "child"], notes: "Comes with her father."),
        contact("Paul Schröder", "paul.schroeder@example.de", "0162 4455 6609", tags: ["patient", "anxious"], notes: "Prefers morning appointments."),
        contact("Léa Martin", "lea.martin@example.fr", "+33 6 98 76 54 10", tags: ["patient", "whitening"]),
        contact("Jonas Neumann", "jonas.neumann@example.de", "0172 1122 3311", tags: ["patient"]),
        contact("Hannah Schwarz", "hannah.schwarz@example.de", "0151 6677 8812", tags: ["patient", "recall"], telegram: "778812"),
        contact("Björn Zimmermann", "bjoern.zimmermann@example.de", "0160 3344 2213", tags: ["patient", "implant"]),
        contact("Chloé Braun", "chloe.braun@example.com", "0176 9988 7714", tags: ["patient", "orthodontics", "child"]),
        contact("Felix Krüger", "felix.krueger@example.de", "0152 5566 4415", tags: ["patient"], status: "unsubscribed"),
        contact("Marta Kowalska", "marta.kowalska@example.pl", "+48 512 345 616", tags: ["patient", "new"]),
        contact("Maximilian Hartmann", "max.hartmann@example.de", "0171 4433 2217", tags: ["patient", "insurance-private"]),
        contact("Leonie Lange", "leonie.lange@example.de", "0157 1212 3418", tags: ["patient", "recall"]),
        contact("Ömer Demir", "oemer.demir@example.com", "0162 7878 9019", tags: ["patient"]),
        contact("Clara Werner", "clara.werner@example.de", "0172 3434 5620", tags: ["patient", "whitening"]),
        contact("Tobias Schmitz", "tobias.schmitz@example.de", "0151 9090 1221", tags: ["patient", "anxious"]),
        contact("Amélie Krause", "amelie.krause@example.de", "0160 2121 4322", tags: ["patient", "child"]),
        contact("Noah Meier", "noah.meier@example.ch", "+41 79 123 45 23", tags: ["patient", "new"]),
        contact("Lina Lehmann", "lina.lehmann@example.de", "0176 3131 6524", tags: ["patient", "orthodontics"], telegram: "316524"),
        contact("Sören Huber", "soeren.huber@example.at", "+43 664 1234525", tags: ["patient"]),
        contact("Emma Kaiser", "emma.kaiser@example.de", "0152 4141 7726", tags: ["patient", "recall"]),
        contact("Matthias Fuchs", "matthias.fuchs@example.de", "0171 5151 8827", tags: ["patient", "implant"], status: "blocked",
            notes: "Blocked after repeated no-shows."),
        contact("Ingrid Peters", nil, "030 2312 5028", tags: ["patient", "senior"], notes: "No email; call the landline."),
        contact("Kai Scholz", "kai.scholz@example.de", "0157 6161 9929", tags: ["patient"], status: "bounced"),
        contact("Elif Şahin", "elif.sahin@example.com", "0162 7171 0030", tags: ["patient", "new", "insurance-private"]),
    ]

    /// Northpeak's own patients: never visible from BrightSmile.
    static let northpeakContacts: [ContactInput] = [
        contact("Nils Berg", "nils.berg@example.ch", "079 555 01 01", tags: ["physio", "knee"]),
        contact("Anna Müller", "anna.mueller@example.ch", "079 555 01 02", tags: ["physio", "back"]),
        contact("Rahel Gerber", "rahel.gerber@example.ch", "079 555 01 03", tags: ["physio", "sports"]),
        contact("Luca Rossi", "luca.rossi@example.it", "+39 333 555 0104", tags: ["physio", "shoulder"]),
        contact("Jana Novák", "jana.novak@example.cz", "079 555 01 05", tags: ["physio", "new"]),
    ]

    /// A folder of the Corbi repository (`kb`, `prompts`): in the current directory, else
    /// beside the `Package.swift` found walking up from the executable (`swift run` and
    /// `.build/debug/corbi` both live under the repository).
    static func repositoryFolder(_ name: String) -> String? {
        let fm = FileManager.default
        func isFolder(_ path: String) -> Bool {
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        let here = fm.currentDirectoryPath + "/" + name
        if isFolder(here) { return here }
        guard let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() else { return nil }
        var folder = executable.deletingLastPathComponent()
        while folder.path != "/" && !folder.path.isEmpty {
            let candidate = folder.appendingPathComponent(name).path
            if fm.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) && isFolder(candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }
}
