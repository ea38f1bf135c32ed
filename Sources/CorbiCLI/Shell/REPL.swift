import CorbiCore
import CorbiWorkspace
import Foundation

/// The interactive shell: reads inputs through a `LineReader`, runs them with the shared
/// interpreter and renders the results for a person (colour, paging). A failing input
/// prints its message and returns to the prompt; only `/quit` and Ctrl-D end it.
public final class REPL {
    public let interpreter: ShellInterpreter
    public let reader: any LineReader
    public let streams: any ShellStreams
    /// Colour on stdout (prompt) and stderr (errors).
    public var colorOut: Bool
    public var colorErr: Bool
    /// Shows long text through a pager; returns false when it did not (then it is printed).
    public var pager: ((String) -> Bool)?

    public init(
        interpreter: ShellInterpreter, reader: any LineReader, streams: any ShellStreams = StandardStreams(),
        colorOut: Bool = false, colorErr: Bool = false, pager: ((String) -> Bool)? = nil
    ) {
        self.interpreter = interpreter
        self.reader = reader
        self.streams = streams
        self.colorOut = colorOut
        self.colorErr = colorErr
        self.pager = pager
    }

    /// Runs until `/quit` or Ctrl-D; the REPL's exit status is 0.
    public func run() -> Int32 {
        var buffer = ContinuationBuffer()
        var lastPrompt = Self.fallbackPrompt
        while true {
            var prompt = Self.continuationPrompt
            if !buffer.isContinuing {
                let interpreter = self.interpreter
                let color = colorOut
                prompt = reader.quickly { Self.prompt(for: interpreter.session, color: color) } ?? lastPrompt
                lastPrompt = prompt
            }
            switch reader.readLine(prompt: prompt) {
            case .endOfInput:
                streams.writeOut("\n")
                return 0
            case .interrupted:
                buffer.reset()
            case .line(let line):
                guard let input = buffer.add(line) else { continue }
                if ShellInput.parse(input) == .nothing { continue }
                reader.remember(input.asHistoryEntry)
                let interpreter = self.interpreter
                guard let ran = reader.run({ interpreter.run(input) }) else {
                    streams.writeErr(paint("Interrupted; the answer was dropped.", "33", colorErr) + "\n")
                    continue
                }
                guard let outcome = ran else { continue }
                render(outcome.result)
                if outcome.quits { return 0 }
            }
        }
    }

    /// Prints one result: errors in red on stderr, long text through the pager.
    func render(_ result: CommandResult) {
        ResultPrinter(streams: streams, colorErr: colorErr, pager: pager).print(result)
    }

    static let fallbackPrompt = "corbi> "
    static let continuationPrompt = "...> "

    /// `brightsmile.example (staff)> `, or `corbi> ` while no organization is chosen.
    /// Colour codes are wrapped in \001...\002 so readline knows they take no room.
    public static func prompt(for session: Session, color: Bool) -> String {
        guard let actor = try? session.actor() else { return fallbackPrompt }
        let domain = actor.organization.domain
        let role = actor.role.rawValue
        guard color else { return "\(domain) (\(role))> " }
        func wrap(_ code: String) -> String { "\u{1}\u{1B}[\(code)m\u{2}" }
        return wrap("1;36") + domain + wrap("0") + " " + wrap("2") + "(\(role))" + wrap("0") + "> "
    }

    private func paint(_ text: String, _ code: String, _ enabled: Bool) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
