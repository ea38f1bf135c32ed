import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a command with a message on its standard input and waits for it within a deadline.
///
/// Standard input is one end of a socket pair written with `MSG_NOSIGNAL`, so a command
/// that exits without reading everything cannot kill this process with SIGPIPE (and no
/// process-wide signal handling is touched). Output is read as it comes, so a chatty
/// command never blocks on a full pipe.
enum SendmailRunner {
    /// How a run ended.
    enum Result: Sendable, Equatable {
        case exited(status: Int32, stderr: String)
        case signaled(signal: Int32, stderr: String)
        case timedOut
        case couldNotStart(String)
    }

    /// Runs `arguments` (a path, or a program looked up on PATH by `/usr/bin/env`) with
    /// `input` on stdin, for at most `timeout` seconds.
    static func run(_ arguments: [String], input: Data, timeout: TimeInterval) async -> Result {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: runBlocking(arguments, input: input, timeout: timeout)) }
            thread.start()
        }
    }

    private static func runBlocking(_ arguments: [String], input: Data, timeout: TimeInterval) -> Result {
        guard let program = arguments.first else { return .couldNotStart("no program") }
        var sockets: [Int32] = [-1, -1]
        #if os(Linux)
        let socketType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
        let socketType = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, socketType, 0, &sockets) == 0 else { return .couldNotStart("no socket for stdin") }
        var errPipe: [Int32] = [-1, -1]
        var outPipe: [Int32] = [-1, -1]
        guard pipe(&errPipe) == 0 else {
            close(sockets[0]); close(sockets[1])
            return .couldNotStart("no pipe for stderr")
        }
        guard pipe(&outPipe) == 0 else {
            close(sockets[0]); close(sockets[1]); close(errPipe[0]); close(errPipe[1])
            return .couldNotStart("no pipe for stdout")
        }
        for fd in [sockets[0], errPipe[0], outPipe[0]] {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        for fd in [errPipe[1], outPipe[1]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        let process = Process()
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(arguments.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
        }
        process.standardInput = FileHandle(fileDescriptor: sockets[1], closeOnDealloc: false)
        process.standardOutput = FileHandle(fileDescriptor: outPipe[1], closeOnDealloc: false)
        process.standardError = FileHandle(fileDescriptor: errPipe[1], closeOnDealloc: false)
        do {
            try process.run()
        } catch {
            for fd in [sockets[0], sockets[1], errPipe[0], errPipe[1], outPipe[0], outPipe[1]] { close(fd) }
            return .couldNotStart("\(SafeText.clean(program, limit: 120)) could not be started")
        }
        // The child has its copies; ours would keep its stdin open and its output unfinished.
        close(sockets[1]); close(errPipe[1]); close(outPipe[1])

        let deadline = Date().addingTimeInterval(timeout)
        let bytes = [UInt8](input)
        var written = 0
        var inputOpen = true
        var stderrData = [UInt8]()
        var readOpen: [Int32: Bool] = [errPipe[0]: true, outPipe[0]: true]
        var exitedAt: Date?
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 16_384)

        func finishInput() {
            if inputOpen {
                shutdown(sockets[0], Int32(SHUT_WR))
                close(sockets[0])
                inputOpen = false
            }
        }
        if bytes.isEmpty { finishInput() }

        while true {
            if !process.isRunning && exitedAt == nil { exitedAt = Date() }
            let outputDone = !readOpen.values.contains(true)
            // Once the command has exited, its output gets a short grace to drain: a
            // daemon it started may hold the pipes open forever.
            if let exitedAt, outputDone || Date().timeIntervalSince(exitedAt) > 1 { break }
            if Date() > deadline {
                timedOut = true
                break
            }
            var fds: [pollfd] = []
            if inputOpen { fds.append(pollfd(fd: sockets[0], events: Int16(POLLOUT), revents: 0)) }
            for (fd, open) in readOpen where open { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            if fds.isEmpty {
                usleep(10_000)
                continue
            }
            _ = poll(&fds, nfds_t(fds.count), 50)
            for entry in fds where entry.revents != 0 {
                if inputOpen && entry.fd == sockets[0] {
                    let sent = bytes.withUnsafeBytes { raw in
                        send(sockets[0], raw.baseAddress! + written, bytes.count - written, Int32(MSG_NOSIGNAL))
                    }
                    if sent > 0 {
                        written += sent
                        if written == bytes.count { finishInput() }
                    } else if sent < 0 && errno != EAGAIN && errno != EINTR {
                        // The command closed its input early; its exit status will tell why.
                        finishInput()
                    }
                } else {
                    let count = read(entry.fd, &buffer, buffer.count)
                    if count > 0 {
                        if entry.fd == errPipe[0] && stderrData.count < 65_536 { stderrData += buffer[0..<count] }
                    } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                        readOpen[entry.fd] = false
                    }
                }
            }
        }
        finishInput()
        close(errPipe[0]); close(outPipe[0])
        if timedOut {
            process.terminate()
            let killAt = Date().addingTimeInterval(2)
            while process.isRunning && Date() < killAt { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return .timedOut
        }
        process.waitUntilExit()
        let stderr = String(decoding: stderrData, as: UTF8.self)
        switch process.terminationReason {
        case .exit: return .exited(status: process.terminationStatus, stderr: stderr)
        case .uncaughtSignal: return .signaled(signal: process.terminationStatus, stderr: stderr)
        @unknown default: return .exited(status: process.terminationStatus, stderr: stderr)
        }
    }
}
