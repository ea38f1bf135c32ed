import Foundation

/// The terminal's size, and paging of text longer than one screen.
enum Terminal {
    /// Rows and columns of the terminal on stdout, nil if it is not one.
    static func size() -> (rows: Int, columns: Int)? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 else { return nil }
        return (Int(size.ws_row), Int(size.ws_col))
    }
}

/// Shows text longer than the terminal through `$PAGER` (default `less -FRX`), in the REPL
/// only. An empty `PAGER` turns paging off.
struct Pager {
    var command: String

    init?(environment env: [String: String]) {
        let command = env["PAGER"] ?? "less -FRX"
        guard !command.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        self.command = command
    }

    /// Rows the text takes on a terminal `columns` wide.
    static func rows(of text: String, columns: Int) -> Int {
        text.split(separator: "\n", omittingEmptySubsequences: false).reduce(0) { total, line in
            total + max(1, (line.count + columns - 1) / max(1, columns))
        }
    }

    /// Pages `text` if it is longer than the screen; false if it did not (the caller prints it).
    func page(_ text: String) -> Bool {
        guard let (rows, columns) = Terminal.size(), Self.rows(of: text, columns: columns) > rows - 1 else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let input = Pipe()
        process.standardInput = input
        do {
            try process.run()
        } catch {
            return false
        }
        try? input.fileHandleForWriting.write(contentsOf: Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        // 126/127: the pager could not run; the text has not been seen.
        return process.terminationReason == .exit && process.terminationStatus != 126 && process.terminationStatus != 127
    }
}
