import Foundation

/// Writes command results for every front end (one-shot, batch, shell): the notes and
/// errors on stderr, the result on stdout ending in exactly one newline.
struct ResultPrinter {
    var streams: any ShellStreams
    /// Errors in red (a terminal without NO_COLOR).
    var colorErr = false
    /// Shows long text through a pager; returns false when it did not (then it is printed).
    var pager: ((String) -> Bool)? = nil

    /// Prints `result`; `errorPrefix` goes before each stderr line (batch: `line 4: `).
    /// Every character a terminal would act on is shown visibly (`TerminalText`); JSON
    /// keeps its escapes.
    func print(_ result: CommandResult, errorPrefix: String = "") {
        let failed = result.exitCode > 1
        for line in result.stderr {
            let text = TerminalText.safe(line.hasSuffix("\n") ? String(line.dropLast()) : line)
            streams.writeErr(errorPrefix + (failed && colorErr ? "\u{1B}[31m\(text)\u{1B}[0m" : text) + "\n")
        }
        guard !result.stdout.isEmpty else { return }
        let stdout = result.json ? TerminalText.escapingJSON(result.stdout) : TerminalText.safe(result.stdout)
        if let pager, !result.json, pager(stdout) { return }
        // Compare scalars: a final CRLF (iCalendar) is one Character, not "\\n".
        streams.writeOut(stdout.unicodeScalars.last == "\n" ? stdout : stdout + "\n")
    }
}
