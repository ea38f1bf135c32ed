import CorbiCore
import Foundation

/// The front ends without a subcommand: the REPL on a terminal, batch mode on a pipe.
public enum Shell {
    /// Runs the shell for the root command's options and returns the exit status.
    public static func run(_ root: CorbiRoot, globals: GlobalOptions) -> Int32 {
        let session = Session.fromProcess(options: globals)
        return BatchRunner(session: session, bail: root.bail, json: globals.json).run(lines: StandardInputLines())
    }
}

/// Lines of standard input, one at a time.
public struct StandardInputLines: Sequence, IteratorProtocol {
    public init() {}
    public mutating func next() -> String? { readLine(strippingNewline: true) }
}

/// Runs lines as if typed, without a prompt: results on stdout, diagnostics on stderr.
public struct BatchRunner {
    public var session: Session
    public var bail: Bool
    public var json: Bool

    public init(session: Session, bail: Bool, json: Bool) {
        self.session = session
        self.bail = bail
        self.json = json
    }

    public func run<S: Sequence>(lines: S) -> Int32 where S.Element == String {
        var firstFailure: Int32 = 0
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            var arguments: [String]
            if trimmed.hasPrefix("/") {
                arguments = (try? ShellWords.split(String(trimmed.dropFirst()))) ?? []
            } else {
                arguments = ["ask", trimmed]
            }
            if json && !arguments.contains("--json") { arguments.append("--json") }
            let result = CommandRunner.run(arguments: arguments, in: session)
            Output.print(result)
            if result.exitCode != 0 {
                if firstFailure == 0 { firstFailure = result.exitCode }
                if bail { break }
            }
        }
        return firstFailure
    }
}
