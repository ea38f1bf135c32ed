import Foundation
import GRDB

/// Owns the database connection of one Corbi workspace. Services are extensions of this
/// type: one method per intention, one write transaction each.
public struct AppDatabase: Sendable {
    /// The connection pool (WAL) or, in some tests, an in-memory queue. Private to the
    /// core: front ends go through the services, never SQL.
    let writer: any DatabaseWriter
    /// The clock and identifier source.
    public let environment: CorbiEnvironment
    /// Seals provider secrets with the workspace's key file.
    public let secrets: SecretBox
    /// The key audit events are chained with (kept outside the database file), if any.
    public let auditKey: AuditKey?

    /// Opens (creating if needed) the database file at `path` and migrates it. Provider
    /// secrets are sealed with the key in `secretKeyPath` (default: beside the database,
    /// `corbi.sqlite` → `corbi.key`), created on first use. With an `auditKey`, audit
    /// events are chained with it (see ``AuditKey``).
    public init(
        path: String, environment: CorbiEnvironment = .live, secretKeyPath: String? = nil, auditKey: AuditKey? = nil
    ) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CorbiError.permission("Cannot create the database folder \(folder): \(error.localizedDescription)")
        }
        if FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw CorbiError.permission("Cannot read the database file \(path).")
            }
        } else if !FileManager.default.isWritableFile(atPath: folder) {
            throw CorbiError.permission("Cannot create the database file \(path): the folder \(folder) is not writable.")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: Self.makeConfiguration(auditKey: auditKey))
            try self.init(
                writer: pool, environment: environment,
                secretKeyPath: secretKeyPath ?? SecretBox.defaultKeyPath(forDatabase: path), auditKey: auditKey)
        } catch let error as DatabaseError {
            throw Self.openError(error, path: path)
        }
    }

    /// Wraps an existing writer (tests) and migrates it. Without `secretKeyPath` the key
    /// file is beside the writer's file; an in-memory database can hold no secrets. With
    /// an `auditKey`, the writer must have been opened with
    /// ``makeConfiguration(auditKey:)`` of the same key (70 otherwise).
    public init(
        writer: any DatabaseWriter, environment: CorbiEnvironment = .live, secretKeyPath: String? = nil,
        auditKey: AuditKey? = nil
    ) throws {
        self.writer = writer
        self.environment = environment
        let inMemory = writer.path.isEmpty || writer.path == ":memory:" || writer.path.hasPrefix("file::memory:")
        self.secrets = SecretBox(keyPath: secretKeyPath ?? (inMemory ? nil : SecretBox.defaultKeyPath(forDatabase: writer.path)))
        self.auditKey = auditKey
        do {
            try Self.migrator.migrate(writer)
            if let auditKey, try writer.read({ try AuditKey.ofConnection($0)?.fingerprint }) != auditKey.fingerprint {
                throw CorbiError.internal("The database was not opened with the audit key it is given.")
            }
        } catch let error as DatabaseError {
            throw CorbiError(error)
        }
    }

    /// Moves everything into the main database file and closes the connections, so the
    /// file can be moved or copied alone (the demo is seeded beside its final name).
    public func checkpointAndClose() throws {
        do {
            _ = try writer.writeWithoutTransaction { try $0.checkpoint(.truncate) }
            try (writer as? DatabasePool)?.close()
        } catch let error as DatabaseError {
            throw CorbiError(error)
        }
    }

    /// Foreign keys on, and a busy timeout so that two terminals can write at once. With
    /// an `auditKey`, every connection carries it, so that every audit event written on
    /// it, by any service, is chained with the key (see ``AuditKey``).
    public static func makeConfiguration(auditKey: AuditKey? = nil) -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // Memory-mapped reads: scans of large tables (contact search) avoid a read() per page.
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
            // In WAL mode NORMAL never corrupts and keeps every commit across a crash of
            // the process; only a power loss may drop the last commits. It saves an fsync
            // per command, which is most of a one-shot command's wall time on a busy disk.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Case-, accent-insensitive comparisons for contact search.
            db.add(function: DatabaseFunction("corbi_fold", argumentCount: 1, pure: true) { values in
                String.fromDatabaseValue(values[0].databaseValue).map(SearchText.fold)
            })
            AuditKey.attach(auditKey, to: db)
        }
        return config
    }

    private static func openError(_ error: DatabaseError, path: String) -> CorbiError {
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .invalid("\(path) is not a Corbi database (not an SQLite file).")
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
            return .permission("Cannot open the database \(path): \(error.message ?? "access denied").")
        default:
            return CorbiError(error)
        }
    }
}

extension CorbiError {
    /// Maps SQLite failures onto the contract's exit codes.
    public init(_ error: DatabaseError) {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self = .temporary("The database stayed locked; try again.")
        case .SQLITE_CONSTRAINT:
            self = .invalid("Refused by the database: \(error.message ?? "constraint failed").")
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
            self = .permission("The database cannot be written: \(error.message ?? "read-only").")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            self = .invalid("The database file is not a Corbi database.")
        case .SQLITE_FULL, .SQLITE_IOERR:
            self = .temporary("The database could not be written: \(error.message ?? "I/O error").")
        default:
            self = .internal("Database error: \(error)")
        }
    }
}
