import CReadline
import CorbiCore
import CorbiWorkspace
import Foundation

/// GNU readline in callback mode: emacs keys, Ctrl-R, history across runs, tab completion.
///
/// The REPL's main thread polls stdin and a self-pipe that the SIGINT handler writes to,
/// so Ctrl-C abandons the half-typed line at once and, while a command runs (on a worker
/// queue), drops its answer and gives a fresh prompt. The worker queue is serial: the
/// next command waits for an abandoned one to finish, so the session is never used by
/// two commands at once.
///
/// Only this file may use the shim's signal helpers (see shim.h).
final class ReadlineLineReader: LineReader, @unchecked Sendable {
    /// The reader readline's C callbacks talk to (there is one REPL per process).
    nonisolated(unsafe) static var current: ReadlineLineReader?
    /// Set by the line handler: .some(line), .some(nil) at end of input, nil while typing.
    nonisolated(unsafe) static var finishedLine: String?? = nil

    private let signalRead: Int32
    private let signalWrite: Int32
    private let history: HistoryFile?
    private var lastEntry: String?
    /// The terminal was resized while readline was not listening.
    private var pendingResize = false
    private let queue = DispatchQueue(label: "corbi.shell.commands")
    /// Completes words on Tab.
    var completer: Completer?
    /// Draws a spinner on stderr while a command takes a while.
    let showProgress: Bool

    init(history: HistoryFile?, showProgress: Bool) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CorbiError.internal("Cannot create the shell's signal pipe.") }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        signalRead = fds[0]
        signalWrite = fds[1]
        self.history = history
        self.showProgress = showProgress
        Self.current = self
        corbi_rl_configure { text, start, _ in ReadlineLineReader.complete(text, start) }
        guard corbi_install_signal_pipe(signalWrite) == 0 else { throw CorbiError.internal("Cannot install the Ctrl-C handler.") }
        // A pager or a closed terminal must not kill the shell.
        signal(SIGPIPE, SIG_IGN)
        if let history {
            stifle_history(Int32(history.limit))
            let entries = history.load()
            for entry in entries { add_history(entry) }
            lastEntry = entries.last
        }
    }

    /// Starts work on the worker queue without waiting for it (warming up the session).
    func startEarly(_ work: @escaping @Sendable () -> Void) { queue.async(execute: work) }

    /// Reads inputrc and the terminal description now rather than at the first prompt.
    func initializeReadline() { rl_initialize() }

    /// Gives the signals back (the process is about to exit).
    func close() {
        corbi_restore_signals()
        Self.current = nil
    }

    // MARK: - Reading

    func readLine(prompt: String) -> LineEvent {
        Self.finishedLine = nil
        // A Ctrl-C typed before the prompt appeared is stale; a resize is not.
        if drainSignals().contains(UInt8(ascii: "w")) || pendingResize { rl_resize_terminal() }
        pendingResize = false
        rl_callback_handler_install(prompt) { pointer in
            if let pointer {
                ReadlineLineReader.finishedLine = .some(String(cString: pointer))
                free(pointer)
            } else {
                ReadlineLineReader.finishedLine = .some(nil)
            }
            // Out of callback mode until the next prompt: commands print freely.
            rl_callback_handler_remove()
        }
        while true {
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0), pollfd(fd: signalRead, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                rl_callback_handler_remove()
                return .endOfInput
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                let signals = drainSignals()
                if signals.contains(UInt8(ascii: "w")) { rl_resize_terminal() }
                if signals.contains(UInt8(ascii: "i")) {
                    corbi_rl_abandon_line()
                    Self.write(STDOUT_FILENO, "\n")
                    return .interrupted
                }
            }
            if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                rl_callback_read_char()
                if let finished = Self.finishedLine {
                    return finished.map(LineEvent.line) ?? .endOfInput
                }
            }
        }
    }

    func remember(_ entry: String) {
        // Like HISTCONTROL=ignoredups: a repeated input is kept once.
        guard entry != lastEntry else { return }
        lastEntry = entry
        add_history(entry)
        history?.append(entry)
    }

    // MARK: - Running commands

    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) -> T? {
        _ = drainSignals()
        guard let job = Job<T>() else { return work() }
        queue.async { job.finish(work()) }
        let started = Date()
        var spinning = false
        var frame = 0
        defer { if spinning { Self.write(STDERR_FILENO, "\r\u{1B}[K") } }
        while true {
            var fds = [pollfd(fd: job.readFD, events: Int16(POLLIN), revents: 0), pollfd(fd: signalRead, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, showProgress ? 100 : -1)
            if ready < 0 && errno == EINTR { continue }
            if fds[0].revents != 0 { return job.take() }
            if fds[1].revents & Int16(POLLIN) != 0 {
                let signals = drainSignals()
                if signals.contains(UInt8(ascii: "w")) { pendingResize = true }
                if signals.contains(UInt8(ascii: "i")) {
                    job.abandon()
                    return nil
                }
            }
            if TerminalQuestion.isOpen {
                if spinning { Self.write(STDERR_FILENO, "\r\u{1B}[K") }
                spinning = false
            } else if showProgress && Date().timeIntervalSince(started) > 0.4 {
                let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
                Self.write(STDERR_FILENO, "\r\u{1B}[2m\(frames[frame % frames.count]) working… (Ctrl-C drops the answer)\u{1B}[0m\u{1B}[K")
                frame += 1
                spinning = true
            }
        }
    }

    func quickly<T: Sendable>(_ work: @escaping @Sendable () -> T) -> T? {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        queue.async {
            box.set(work())
            done.signal()
        }
        return done.wait(timeout: .now() + 0.5) == .success ? box.get() : nil
    }

    /// Reads what the signal handler wrote.
    private func drainSignals() -> [UInt8] {
        var seen: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let n = read(signalRead, &buffer, buffer.count)
            if n <= 0 { break }
            seen += buffer[0..<n]
        }
        return seen
    }

    static func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBufferPointer { Foundation.write(fd, $0.baseAddress, $0.count) }
    }

    // MARK: - Completion

    /// readline's attempted-completion hook.
    private static func complete(_ text: UnsafePointer<CChar>?, _ start: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        // No file-name fallback unless the completer asks for it.
        corbi_rl_set_attempted_completion_over(1)
        guard let reader = current, let completer = reader.completer, let buffer = corbi_rl_line_buffer() else { return nil }
        let bytes = Array(String(cString: buffer).utf8)
        var before = String(decoding: bytes[0..<min(Int(start), bytes.count)], as: UTF8.self)
        let quote = corbi_rl_completion_quote_character()
        if quote != 0, let last = before.last, last == "\"" || last == "'" { before.removeLast() }
        let word = text.map { String(cString: $0) } ?? ""
        switch completer.complete(before: before, word: word) {
        case .nothing:
            return nil
        case .files:
            corbi_rl_set_attempted_completion_over(0)
            return nil
        case .candidates(let candidates):
            return matches(candidates.sorted(), typed: word, insideQuotes: quote != 0)
        }
    }

    /// readline's match array: [replacement, match1, ..., nil], malloc'd (readline frees it).
    /// Names with spaces are quoted unless the user already opened a quote.
    static func matches(_ candidates: [String], typed: String, insideQuotes: Bool) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        guard !candidates.isEmpty else { return nil }
        let special = CharacterSet(charactersIn: " \t\"'\\")
        var list = candidates
        if !insideQuotes {
            list = list.map { $0.rangeOfCharacter(from: special) == nil ? $0 : "\"" + $0.replacingOccurrences(of: "\"", with: "\\\"") }
            if list.count == 1, list[0].hasPrefix("\"") { list[0] += "\"" }
        }
        var replacement = list[0]
        if list.count > 1 {
            replacement = list.dropFirst().reduce(list[0]) { String(zip($0, $1).prefix { $0 == $1 }.map(\.0)) }
            if replacement.count < typed.count { replacement = typed }
        }
        let entries = list.count == 1 ? [replacement] : [replacement] + list
        // readline frees the array and its strings with free(): allocate with malloc.
        guard let raw = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1)) else { return nil }
        let result = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
        for (i, entry) in entries.enumerated() { result[i] = strdup(entry) }
        result[entries.count] = nil
        return result
    }
}

/// One command run on the worker queue, with a pipe that wakes the REPL when it is done.
private final class Job<T: Sendable>: @unchecked Sendable {
    let readFD: Int32
    let writeFD: Int32
    private let lock = NSLock()
    private var result: T?
    private var finished = false
    private var abandoned = false

    init?() {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        readFD = fds[0]
        writeFD = fds[1]
    }

    func finish(_ value: T) {
        lock.lock()
        defer { lock.unlock() }
        finished = true
        if abandoned {
            closeBoth()
        } else {
            result = value
            var byte: UInt8 = 1
            _ = write(writeFD, &byte, 1)
        }
    }

    func take() -> T? {
        lock.lock()
        defer { lock.unlock() }
        closeBoth()
        return result
    }

    func abandon() {
        lock.lock()
        defer { lock.unlock() }
        if finished { closeBoth() } else { abandoned = true }
    }

    private func closeBoth() {
        close(readFD)
        close(writeFD)
    }
}

private final class Box<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T?
    func set(_ v: T) {
        lock.lock()
        value = v
        lock.unlock()
    }
    func get() -> T? {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
