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
    /// A shell command line (`Configuration.pagerCommand`).
    var command: String

    /// Rows the text takes on a terminal `columns` wide.
    static func rows(of text: String, columns: Int) -> Int {
        text.split(separator: "\n", omittingEmptySubsequences: false).reduce(0) { total, line in
            total + max(1, (line.count + columns - 1) / max(1, columns))
        }
    }

    /// Pages `text` if it is longer than the screen; false if it did not (the caller prints it).
    func page(_ text: String) -> Bool {
        guard let (rows, columns) = Terminal.size(), Self.rows(of: text, columns: columns) > rows - 1 else { return false }
        // posix_spawn rather than Foundation's Process, which starts the child in a new
        // session: the pager would lose the terminal it reads keys from.
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return false }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO)
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let arguments = ["/bin/sh", "-c", command]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, environ)
        close(fds[0])
        guard spawned == 0 else {
            close(fds[1])
            return false
        }
        let bytes = Array((text.hasSuffix("\n") ? text : text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBufferPointer { write(fds[1], $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }  // the pager quit early (EPIPE): fine
            offset += n
        }
        close(fds[1])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // 126/127 from sh: the pager could not run, and the text has not been seen.
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        return !(exited && (code == 126 || code == 127))
    }
}
