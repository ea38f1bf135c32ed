import Foundation

/// What reading one line gave.
public enum LineEvent: Equatable, Sendable {
    /// A line (a bracketed paste may hold several, separated by newlines).
    case line(String)
    /// Ctrl-C: the half-typed line is abandoned.
    case interrupted
    /// Ctrl-D on an empty line, or the end of the input.
    case endOfInput
}

/// The REPL's source of lines and its guard against Ctrl-C. The real one is GNU readline;
/// tests script it.
public protocol LineReader: AnyObject {
    /// Shows `prompt` and reads one line.
    func readLine(prompt: String) -> LineEvent
    /// Records a completed input in the history.
    func remember(_ entry: String)
    /// Runs a command while watching for Ctrl-C; nil when the user interrupted it (its
    /// result is then dropped).
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) -> T?
    /// Runs something quick (the prompt) that must not hang the terminal; nil if it took
    /// too long.
    func quickly<T: Sendable>(_ work: @escaping @Sendable () -> T) -> T?
}

/// A line reader that plays a script: for tests of the REPL loop.
public final class ScriptedLineReader: LineReader, @unchecked Sendable {
    /// One step of the script.
    public enum Step: Sendable {
        /// The user types this line and presses Return.
        case line(String)
        /// Ctrl-C at the prompt.
        case interrupt
        /// Ctrl-C while the next command runs: it runs, but its answer is dropped.
        case interruptNextCommand
        /// Ctrl-D.
        case endOfInput
    }

    private var steps: [Step]
    private var interruptNext = false
    /// The prompts shown, in order.
    public private(set) var prompts: [String] = []
    /// What went into the history, in order.
    public private(set) var history: [String] = []

    public init(_ steps: [Step]) { self.steps = steps }

    /// Plain lines, then the end of input.
    public convenience init(lines: [String]) { self.init(lines.map { .line($0) }) }

    public func readLine(prompt: String) -> LineEvent {
        prompts.append(prompt)
        while !steps.isEmpty {
            switch steps.removeFirst() {
            case .line(let text): return .line(text)
            case .interrupt: return .interrupted
            case .interruptNextCommand: interruptNext = true
            case .endOfInput: return .endOfInput
            }
        }
        return .endOfInput
    }

    public func remember(_ entry: String) { history.append(entry) }

    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) -> T? {
        let result = work()
        if interruptNext {
            interruptNext = false
            return nil
        }
        return result
    }

    public func quickly<T: Sendable>(_ work: @escaping @Sendable () -> T) -> T? { work() }
}
