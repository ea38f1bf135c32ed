import Crypto
import Foundation

/// Seals provider secrets (AES-256-GCM) with a key kept in a file outside the database.
///
/// A copy of the database, an export or the audit trail therefore holds only sealed
/// bytes; reading the secrets takes the key file too, which is created with mode 0600
/// (readable by the workspace's owner alone). Losing the key file loses the secrets, not
/// the rest of the workspace: the channels are then set again.
public final class SecretBox: @unchecked Sendable {
    /// Where the key lives; nil for a database without a file (in memory), which can hold
    /// no secrets.
    public let keyPath: String?
    private let lock = NSLock()
    private var cachedKey: SymmetricKey?

    public init(keyPath: String?) {
        self.keyPath = keyPath
    }

    /// The key file beside a database file: `corbi.sqlite` → `corbi.key`.
    public static func defaultKeyPath(forDatabase path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let key = url.deletingPathExtension().appendingPathExtension("key").path
        return key == url.path ? url.path + ".key" : key
    }

    /// Seals `plaintext`, bound to `context` (the record it belongs to), so sealed bytes
    /// copied onto another record do not open. Creates the key file on first use.
    public func seal(_ plaintext: Data, context: String) throws -> Data {
        let key = try key(create: true)
        do {
            let box = try AES.GCM.seal(plaintext, using: key, authenticating: Data(context.utf8))
            guard let combined = box.combined else { throw CorbiError.internal("AES-GCM gave no combined box.") }
            return combined
        } catch let error as CorbiError {
            throw error
        } catch {
            throw CorbiError.internal("Sealing a secret failed: \(error)")
        }
    }

    /// Opens what `seal` sealed with the same context; 65 when the key file is missing or
    /// is not the one the secrets were sealed with.
    public func open(_ sealed: Data, context: String) throws -> Data {
        let key = try key(create: false)
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            return try AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
        } catch {
            throw CorbiError.invalid(
                "The stored secrets cannot be opened with the key file \(keyPath ?? "(none)"): it is not the key they were sealed with. Set the channel again.")
        }
    }

    // MARK: - The key file

    private func key(create: Bool) throws -> SymmetricKey {
        try lock.withLock {
            if let cachedKey { return cachedKey }
            guard let keyPath else {
                throw CorbiError.invalid("This database has no file, so it has no key file to seal secrets with.")
            }
            let key: SymmetricKey
            if let existing = try Self.readKey(at: keyPath) {
                key = existing
            } else if create {
                key = try Self.createKey(at: keyPath)
            } else {
                throw CorbiError.invalid(
                    "The key file \(keyPath) is missing: the provider secrets in the database cannot be opened without it. Set the channels again.")
            }
            cachedKey = key
            return key
        }
    }

    private static let keyLength = 32

    /// The key in the file, nil when there is no file.
    private static func readKey(at path: String) throws -> SymmetricKey? {
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw CorbiError.permission("Cannot read the key file \(path): \(String(cString: strerror(errno))).")
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: keyLength + 1)
        var count = 0
        while count < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CorbiError.permission("Cannot read the key file \(path): \(String(cString: strerror(errno))).")
            }
            if n == 0 { break }
            count += n
        }
        guard count == keyLength else {
            throw CorbiError.invalid("The key file \(path) is not a Corbi key (\(keyLength) bytes); it has \(count < buffer.count ? "\(count) bytes" : "more").")
        }
        return SymmetricKey(data: buffer.prefix(keyLength))
    }

    /// Writes a new random key, readable by the owner only. Two processes creating it at
    /// once agree on one key: each writes a private file and links it into place, and the
    /// one whose link fails reads the winner's key.
    private static func createKey(at path: String) throws -> SymmetricKey {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let key = SymmetricKey(size: .bits256)
        let temporary = path + ".new-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = Foundation.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CorbiError.permission("Cannot create the key file \(path): \(String(cString: strerror(errno))).")
        }
        defer { unlink(temporary) }
        let written = key.withUnsafeBytes { bytes -> Bool in
            _ = fchmod(fd, 0o600)
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard written else {
            throw CorbiError.permission("Cannot write the key file \(path): \(String(cString: strerror(errno))).")
        }
        if link(temporary, path) != 0 {
            guard errno == EEXIST, let winner = try readKey(at: path) else {
                throw CorbiError.permission("Cannot create the key file \(path): \(String(cString: strerror(errno))).")
            }
            return winner
        }
        return key
    }
}
