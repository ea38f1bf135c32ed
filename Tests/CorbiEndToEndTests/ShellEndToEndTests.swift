import Foundation
import Testing

/// The shell through the built binary: batch mode with piped files (text, `--json`,
/// `--bail`), the demo workspace, and the REPL on a pseudo-terminal.
@Suite struct ShellEndToEndTests {
    /// A temporary workspace with alpha.example (admin a@a.example).
    private func workspace() throws -> ShellProcess {
        let shell = try ShellProcess()
        let created = try shell.run(["init", "--org", "Alpha", "--domain", "a.example", "--admin", "a@a.example", "--timezone", "Europe/Berlin"])
        #expect(created.status == 0)
        return shell
    }

    private let mixedScript = """
        # a staff member's morning script

        /contacts add --name "Anna Müller" --phone "+49 151 1234567"
        /contacts add --name Bad --status lost
        /bokings list
        What are the opening hours?
        /contacts list

        """

    @Test func pipedLinesRunAsTypedAndExitWithTheFirstFailure() throws {
        let shell = try workspace()
        defer { shell.remove() }
        let result = try shell.run([], stdin: mixedScript)
        #expect(result.status == 65)
        // The add and the list after the failures both ran.
        #expect(result.stdout.components(separatedBy: "Anna Müller").count == 3)
        #expect(result.stderr.contains("line 4: "))
        #expect(result.stderr.contains("line 5: Unknown command /bokings; did you mean /bookings?"))
        // No prompt in batch mode.
        #expect(!result.stdout.contains("> "))
    }

    @Test func bailStopsAtTheFirstFailingLine() throws {
        let shell = try workspace()
        defer { shell.remove() }
        let result = try shell.run(["--bail"], stdin: mixedScript)
        #expect(result.status == 65)
        #expect(result.stdout.components(separatedBy: "Anna Müller").count == 2)
        #expect(!result.stderr.contains("bokings"))
    }

    @Test func jsonPrintsOneObjectPerInputLine() throws {
        let shell = try workspace()
        defer { shell.remove() }
        let result = try shell.run(["--json"], stdin: mixedScript)
        #expect(result.status == 65)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        let objects = lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        #expect(objects.count == 5)
        #expect((objects[0]["fullName"] as? String) == "Anna Müller")
        #expect(((objects[1]["error"] as? [String: Any])?["exitCode"] as? Int) == 65)
        #expect(((objects[2]["error"] as? [String: Any])?["exitCode"] as? Int) == 64)
        #expect((objects[4]["contacts"] as? [Any])?.count == 1)

        let fresh = try workspace()
        defer { fresh.remove() }
        let bailed = try fresh.run(["--json", "--bail"], stdin: mixedScript)
        #expect(bailed.status == 65)
        #expect(bailed.stdout.split(separator: "\n").count == 2)
    }

    @Test func helpWorksAsAFlagAndAsAShellCommand() throws {
        let shell = try workspace()
        defer { shell.remove() }
        let flag = try shell.run(["contacts", "add", "--help"])
        #expect(flag.status == 0)
        #expect(flag.stdout.contains("USAGE: corbi contacts add"))
        let piped = try shell.run([], stdin: "/contacts add --help\n/help contacts add\n")
        #expect(piped.status == 0)
        #expect(piped.stdout.components(separatedBy: "USAGE: corbi contacts add").count == 3)
        let overview = try shell.run([], stdin: "/help\n")
        #expect(overview.stdout.contains("/bookings"))
        #expect(overview.stdout.contains("/cite N"))
    }

    @Test func demoWorkspaceIsSeededOnceAndIgnoresTheUsersDatabase() throws {
        let shell = try ShellProcess()
        defer { shell.remove() }
        let first = try shell.run(["--demo", "--json"], stdin: "/contacts list\n/org northpeak.example\n/contacts list\n/contacts add --name Later\n")
        let objects = first.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        #expect(objects.count == 4)
        #expect(objects[0]["total"] as? Int == 30)
        #expect(objects[1]["domain"] as? String == "northpeak.example")
        #expect(objects[2]["total"] as? Int == 5)
        // In Northpeak the staff member is a viewer.
        #expect(((objects[3]["error"] as? [String: Any])?["exitCode"] as? Int) == 77)
        #expect(first.status == 77)
        #expect(FileManager.default.fileExists(atPath: shell.folder.appendingPathComponent("data/corbi/demo/corbi.sqlite").path))
        #expect(!FileManager.default.fileExists(atPath: shell.databasePath))

        _ = try shell.run(["--demo"], stdin: "/contacts add --name \"Zoë Later\"\n")
        let again = try shell.run(["--demo"], stdin: "/contacts list --json\n/members\n")
        #expect(again.stdout.contains("\"total\":31"))
        #expect(again.stdout.contains("viewer@brightsmile.example"))
        let asAdmin = try shell.run(["--demo", "--user", "admin@brightsmile.example"], stdin: "/org show\n")
        #expect(asAdmin.stdout.contains("Europe/Berlin"))
        #expect(asAdmin.stdout.contains("admin@brightsmile.example (admin)"))
    }

    /// The REPL on a real pseudo-terminal (through util-linux `script`): a command, Ctrl-C on
    /// a half-typed line, a command after it, Ctrl-D; then the history file.
    @Test func replOnATerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let shell = try workspace()
        defer { shell.remove() }
        // Each step waits for the prompt to appear that many times before typing on.
        let keys: [(String, Int)] = [
            ("/members\r", 1), ("/contacts show half-typed", 2), ("\u{3}", 2), ("/contacts add --name Zoë\r", 3),
            ("/bokings\r", 4), ("\u{4}", 5),
        ]
        let result = try shell.runOnTerminal(keys)
        #expect(result.status == 0)
        let screen = result.stdout
        #expect(screen.contains("a.example (admin)> "))
        #expect(screen.contains("a@a.example"))
        #expect(screen.contains("half-typed^C"))
        #expect(screen.contains("Added #1 Zoë"))
        #expect(screen.contains("did you mean /bookings?"))
        let history = try String(contentsOfFile: shell.folder.appendingPathComponent("state/corbi/history").path, encoding: .utf8)
        #expect(history == "/members\n/contacts add --name Zoë\n/bokings\n")
    }
}

/// Runs the built `corbi` in a temporary workspace (`CORBI_DB`, XDG folders, `NO_COLOR`).
private struct ShellProcess {
    struct Result {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    static var binary: URL { CorbiBinary.url }

    let folder: URL
    let environment: [String: String]

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-shell-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        environment = CorbiBinary.environment(in: folder).merging(["TERM": "xterm", "PAGER": ""]) { _, new in new }
    }

    var databasePath: String { environment["CORBI_DB"]! }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    /// `corbi ARGS` with `stdin` piped in.
    func run(_ arguments: [String], stdin: String = "") throws -> Result {
        try launch(Self.binary.path, arguments, input: { handle, _ in
            try handle.write(contentsOf: Data(stdin.utf8))
        })
    }

    /// `corbi` on a pseudo-terminal made by `script`. Each step waits until the prompt
    /// has appeared `prompts` times (so keys arrive when a person would type them), then
    /// types `keys`.
    func runOnTerminal(_ steps: [(keys: String, prompts: Int)], prompt: String = "> ") throws -> Result {
        // Writing after the shell has left must not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        return try launch("/usr/bin/script", ["-qfec", "exec '\(Self.binary.path)'", "/dev/null"], input: { handle, output in
            for step in steps {
                let deadline = Date().addingTimeInterval(15)
                while output().components(separatedBy: prompt).count - 1 < step.prompts && Date() < deadline {
                    Thread.sleep(forTimeInterval: 0.02)
                }
                // A moment for readline to finish drawing before the next keys.
                Thread.sleep(forTimeInterval: 0.1)
                try? handle.write(contentsOf: Data(step.keys.utf8))
            }
        })
    }

    private func launch(
        _ executable: String, _ arguments: [String], input: (FileHandle, _ outputSoFar: () -> String) throws -> Void
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = folder
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Drain both pipes while writing, so that a full pipe cannot block the child.
        let outBox = DataBox(), errBox = DataBox()
        let group = DispatchGroup()
        for (pipe, box) in [(stdout, outBox), (stderr, errBox)] {
            group.enter()
            DispatchQueue.global().async {
                while true {
                    let chunk = pipe.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    box.append(chunk)
                }
                group.leave()
            }
        }
        try input(stdin.fileHandleForWriting, { String(decoding: outBox.get(), as: UTF8.self) })
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return Result(
            stdout: String(decoding: outBox.get(), as: UTF8.self), stderr: String(decoding: errBox.get(), as: UTF8.self),
            status: process.terminationStatus)
    }
}

private final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ d: Data) {
        lock.lock()
        data.append(d)
        lock.unlock()
    }
    func get() -> Data {
        lock.lock()
        defer { lock.unlock() }
        return data
    }
}
