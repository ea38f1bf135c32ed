import CorbiTestSupport
import Foundation

/// Runs the built `corbi` binary like a user would: arguments, piped stdin, environment.
struct CorbiBinary: Sendable {
    struct Result: Sendable {
        var stdout: String
        var stderr: String
        var status: Int32
        /// stdout parsed as one JSON object.
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
        }
        /// stdout parsed as JSON Lines.
        var jsonLines: [[String: Any]] {
            stdout.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }
        }
    }

    /// The `corbi` executable next to the test bundle (SwiftPM builds it for these tests).
    static let url: URL = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = folder.appendingPathComponent("corbi")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/corbi")
    }()

    /// A temporary workspace folder; `CORBI_DB` points into it. Removed when the last copy
    /// of this value goes away (or by `remove()`), so no test leaves its files behind.
    var folder: URL { temporary.url }
    private let temporary: TemporaryFolder
    var environment: [String: String]

    init() throws {
        temporary = try TemporaryFolder("corbi-e2e")
        environment = Self.environment(in: temporary.url)
    }

    /// An environment that keeps every file of a run inside `folder`: home, XDG folders,
    /// database, knowledge base; no colours.
    static func environment(in folder: URL) -> [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": folder.path,
            "XDG_DATA_HOME": folder.appendingPathComponent("data").path,
            "XDG_STATE_HOME": folder.appendingPathComponent("state").path,
            "CORBI_DB": folder.appendingPathComponent("corbi.sqlite").path,
            "ASSISTANT_KB_PATH": folder.appendingPathComponent("kb").path,
            "NO_COLOR": "1",
        ]
    }

    var databasePath: String { environment["CORBI_DB"]! }

    /// The knowledge-base folder (`ASSISTANT_KB_PATH`).
    var kb: URL { URL(fileURLWithPath: environment["ASSISTANT_KB_PATH"]!) }

    /// Writes a knowledge-base file, creating its folders.
    func write(_ path: String, _ text: String) throws {
        let url = kb.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Runs `corbi ARGS` as `user` (`CORBI_USER`).
    func run(_ arguments: [String], as user: String, stdin: String = "", environment extra: [String: String] = [:]) throws -> Result {
        try run(arguments, stdin: stdin, environment: extra.merging(["CORBI_USER": user]) { given, _ in given })
    }

    /// Starts `corbi ARGS` without waiting, output discarded (for racing or killing it).
    func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = Self.url
        process.arguments = arguments
        process.environment = environment.merging(extra) { _, new in new }
        process.currentDirectoryURL = folder
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `corbi ARGS` with `stdin` piped in.
    @discardableResult
    func run(_ arguments: [String], stdin: String = "", environment extra: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = Self.url
        process.arguments = arguments
        process.environment = environment.merging(extra) { _, new in new }
        process.currentDirectoryURL = folder
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a full stderr pipe cannot block the child.
        let errorData = LockedData()
        let reader = Thread { errorData.set(error.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.done { usleep(1000) }
        return Result(
            stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: errorData.data, as: UTF8.self),
            status: process.terminationStatus)
    }

    func run(_ arguments: String..., stdin: String = "", environment extra: [String: String] = [:]) throws -> Result {
        try run(arguments, stdin: stdin, environment: extra)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var value = Data()
    private var finished = false
    func set(_ data: Data) { lock.withLock { value = data; finished = true } }
    var data: Data { lock.withLock { value } }
    var done: Bool { lock.withLock { finished } }
}
