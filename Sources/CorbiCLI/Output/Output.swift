import Foundation

/// Writes results to the standard streams.
public enum Output {
    /// Prints a command result: stdout text (with a final newline) and stderr lines.
    public static func print(_ result: CommandResult) {
        for line in result.stderr { writeError(line) }
        if !result.stdout.isEmpty {
            // Compare scalars: a final CRLF (iCalendar) is one Character, not "\n".
            write(result.stdout.unicodeScalars.last == "\n" ? result.stdout : result.stdout + "\n")
        }
    }

    public static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    public static func writeError(_ line: String) {
        FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
    }
}
