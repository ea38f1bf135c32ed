import Foundation
import Testing

/// A shell keeps running while an admin elsewhere demotes or removes its member: the very
/// next line runs with the new role, never the one the shell started with.
@Suite struct OpenShellRolesEndToEndTests {
    /// A `corbi` shell in batch mode, fed line by line.
    final class OpenShell: @unchecked Sendable {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        private let lock = NSLock()
        private var received = ""

        init(binary: URL, environment: [String: String], folder: URL) throws {
            process.executableURL = binary
            process.arguments = ["--json"]
            process.environment = environment
            process.currentDirectoryURL = folder
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            output.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                guard let self, !data.isEmpty else { return }
                self.lock.withLock { self.received += String(decoding: data, as: UTF8.self) }
            }
            try process.run()
        }

        /// Sends one line and waits for its one JSON line.
        func run(_ line: String) throws -> [String: Any] {
            let before = lock.withLock { received.split(separator: "\n").count }
            input.fileHandleForWriting.write(Data((line + "\n").utf8))
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline {
                let lines = lock.withLock { received.split(separator: "\n").map(String.init) }
                if lines.count > before {
                    return (try JSONSerialization.jsonObject(with: Data(lines[before].utf8)) as? [String: Any]) ?? [:]
                }
                usleep(10_000)
            }
            throw CocoaError(.fileReadUnknown)
        }

        func close() {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    static func exitCode(_ object: [String: Any]) -> Int? {
        (object["error"] as? [String: Any])?["exitCode"] as? Int
    }

    @Test func aDemotedOrRemovedMemberLosesTheRightsAtTheNextLine() throws {
        var w = try CorbiBinary()
        defer { w.remove() }
        w.environment["CORBI_USER"] = "boss@a.example"
        #expect(try w.run("init", "--org", "A", "--domain", "a.example", "--admin", "boss@a.example").status == 0)
        #expect(try w.run("members", "add", "sam@a.example", "--role", "admin").status == 0)

        var shellEnvironment = w.environment
        shellEnvironment["CORBI_USER"] = "sam@a.example"
        let shell = try OpenShell(binary: CorbiBinary.url, environment: shellEnvironment, folder: w.folder)
        defer { shell.close() }
        #expect(try shell.run("/contacts add --name First")["fullName"] as? String == "First")

        // Demoted to viewer by the other admin: the open shell can no longer write.
        #expect(try w.run("members", "add", "sam@a.example", "--role", "viewer").status == 0)
        #expect(Self.exitCode(try shell.run("/contacts add --name Second")) == 77)
        #expect(Self.exitCode(try shell.run("/members add sam@a.example --role admin")) == 77)
        #expect((try shell.run("/contacts list")["contacts"] as? [Any])?.count == 1)

        // Removed: not even reading.
        #expect(try w.run("members", "remove", "sam@a.example").status == 0)
        let afterRemoval = Self.exitCode(try shell.run("/contacts list"))
        #expect(afterRemoval == 77 || afterRemoval == 66)
        #expect(Self.exitCode(try shell.run("/members remove boss@a.example")) != nil)
        let members = try w.run("members", "list", "--json").json?["members"] as? [[String: Any]]
        #expect(members?.map { $0["email"] as? String } == ["boss@a.example"])
    }
}
