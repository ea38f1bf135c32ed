import CorbiCore
import CorbiWorkspace
import Foundation

/// Batch mode (stdin is not a terminal): each line runs as if typed, with no prompt and no
/// line editing. Results go to stdout, diagnostics to stderr (failures prefixed with their
/// line number). Blank lines and `#` comments are skipped; a line ending in `\` continues
/// on the next. With `--json` every input prints exactly one JSON object.
public struct BatchRunner {
    public var interpreter: ShellInterpreter
    /// Stop at the first failing input.
    public var bail: Bool
    public var streams: any ShellStreams

    public init(interpreter: ShellInterpreter, bail: Bool, streams: any ShellStreams = StandardStreams()) {
        self.interpreter = interpreter
        self.bail = bail
        self.streams = streams
    }

    /// Runs every input of `lines`; returns the exit code of the first failing input, 0 if none.
    public func run<S: Sequence>(lines: S) -> Int32 where S.Element == String {
        var firstFailure: Int32 = 0
        var buffer = ContinuationBuffer()
        var lineNumber = 0
        var inputStart = 1
        // Runs one input; false to stop reading.
        func execute(_ input: String) -> Bool {
            guard let outcome = interpreter.run(input) else { return true }
            let result = outcome.result
            // Exit code 1 is `ask` without a supported answer: a result, not a diagnostic.
            let prefix = result.exitCode > 1 && !result.json ? "line \(inputStart): " : ""
            ResultPrinter(streams: streams).print(result, errorPrefix: prefix)
            if result.exitCode != 0 && firstFailure == 0 { firstFailure = result.exitCode }
            if outcome.quits || (bail && result.exitCode != 0) { return false }
            return true
        }
        for line in lines {
            lineNumber += 1
            if !buffer.isContinuing { inputStart = lineNumber }
            guard let input = buffer.add(line) else { continue }
            if !execute(input) { return firstFailure }
        }
        if let unfinished = buffer.flush() { _ = execute(unfinished) }
        return firstFailure
    }
}

/// Lines of standard input, one at a time.
public struct StandardInputLines: Sequence, IteratorProtocol {
    public init() {}
    public mutating func next() -> String? { Swift.readLine(strippingNewline: true) }
}
