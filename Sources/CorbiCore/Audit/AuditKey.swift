import Crypto
import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A secret kept outside the database file that turns the audit chain into an HMAC
/// chain: someone who can write the database but has not got the key can still edit an
/// event, but can no longer compute hashes that verify with the key.
///
/// Events chained with a key carry a hash of the form `hmac:<hex>` (HMAC-SHA256 under the
/// key, over the same fields as the plain SHA-256 hash). Once an organization's trail has
/// a keyed event, every later event must be keyed too: writing to it without the key is
/// refused, and an unkeyed event after a keyed one breaks the chain.
public struct AuditKey: Sendable {
    // The bytes rather than a SymmetricKey, which is not Sendable; making one per hash
    // costs a copy of 32 bytes.
    private let bytes: Data

    /// The prefix of a keyed event's hash.
    public static let hashPrefix = "hmac:"
    /// The fewest bytes a key may have (HMAC-SHA256 gains nothing beyond 64).
    public static let minimumLength = 32

    /// A key from its bytes (at least ``minimumLength``).
    public init(bytes: some DataProtocol) throws {
        let data = Data(bytes)
        guard data.count >= Self.minimumLength else {
            throw CorbiError.invalid(
                "The audit key holds \(data.count) bytes; it needs at least \(Self.minimumLength) (random bytes, or their hex).")
        }
        self.bytes = data
    }

    /// The key in the file at `path`. A text file (such as `openssl rand -hex 32`) is
    /// used without the white space around it; any other file byte for byte.
    public init(contentsOfFile path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            if !FileManager.default.fileExists(atPath: path) {
                throw CorbiError.notFound("The audit key file \(path) does not exist.")
            }
            throw CorbiError.permission("Cannot read the audit key file \(path).")
        }
        if let text = String(data: data, encoding: .utf8) {
            try self.init(bytes: Data(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8))
        } else {
            try self.init(bytes: data)
        }
    }

    /// Writes a new random key (32 bytes as 64 hex digits) to a new file at `path`,
    /// readable by its owner only. An existing file is never replaced (65): a key lost is
    /// a trail that can no longer be verified.
    public static func generate(at path: String) throws -> AuditKey {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let text = bytes.map { String(format: "%02x", $0) }.joined() + "\n"
        // O_EXCL: created here or not at all, even when two runs race.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST {
                throw CorbiError.invalid("\(path) already exists; an audit key file is never replaced.")
            }
            throw CorbiError.permission("Cannot create the audit key file \(path): \(String(cString: strerror(errno))).")
        }
        let data = Data(text.utf8)
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == data.count, synced else {
            unlink(path)
            throw CorbiError.permission("Cannot write the audit key file \(path).")
        }
        return try AuditKey(bytes: Data(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8))
    }

    /// `hmac:` and the hex HMAC-SHA256 of `data`.
    func hash(_ data: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: bytes))
        return Self.hashPrefix + Data(mac).map { String(format: "%02x", $0) }.joined()
    }

    /// Names the key without revealing it (the first 8 hex digits of an HMAC of a fixed
    /// text), so people can tell which key a workspace uses.
    public var fingerprint: String {
        String(hash(Data("corbi audit key fingerprint".utf8)).dropFirst(Self.hashPrefix.count).prefix(8))
    }

    /// Whether `hash` was made with a key.
    public static func isKeyed(_ hash: String) -> Bool { hash.hasPrefix(hashPrefix) }

    // The key travels with the connection, as an SQL function that only this process
    // defines: services that append audit events with nothing but a `Database` (the
    // dispatcher, webhooks) chain with the key without being handed it.
    private static let functionName = "corbi_audit_key"

    /// Makes `key` the audit key of the connection `db` (none: a function returning NULL).
    static func attach(_ key: AuditKey?, to db: Database) {
        db.add(function: DatabaseFunction(functionName, argumentCount: 0, pure: true) { _ in key?.bytes })
    }

    /// The audit key of the connection: nil when it has none, or was opened without
    /// ``AppDatabase/makeConfiguration(auditKey:)``.
    static func ofConnection(_ db: Database) throws -> AuditKey? {
        guard let statement = try? db.cachedStatement(sql: "SELECT \(functionName)()") else { return nil }
        return try Data.fetchOne(statement).map { try AuditKey(bytes: $0) }
    }
}
