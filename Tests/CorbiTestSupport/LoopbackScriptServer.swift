import Foundation

/// A loopback HTTP server written as a small Python script (`http.server`), started by a
/// test: the script prints its port on its first line and serves until it is killed.
public final class LoopbackScriptServer: @unchecked Sendable {
    public let process = Process()
    public let port: Int

    /// Runs `python3 -c script arguments...` and reads the port it prints.
    public init(script: String, arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        port = Int(String(decoding: line, as: UTF8.self)) ?? 0
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    public func url(_ path: String = "") -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    deinit {
        // SIGKILL: the test runner's children may inherit a mask that blocks SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
