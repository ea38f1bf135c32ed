import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a command with a message on its standard input and waits for it within a deadline.
///
/// The command is started with `posix_spawn` in a process group of its own and reaped
/// with `waitpid`, so its exit is seen the moment it happens even when it leaves a
/// background delivery process behind (Exim does), and a timeout can stop the whole group.
/// Standard input is one end of a socket pair written with `MSG_NOSIGNAL`: a command that
/// exits without reading everything cannot kill this process with SIGPIPE, and no
/// process-wide signal handling is touched. Output is drained as it comes, so a chatty
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
            let thread = Thread { continuation.resume(returning: runBlocking(arguments, input: [UInt8](input), timeout: timeout)) }
            thread.start()
        }
    }

    private static func runBlocking(_ arguments: [String], input: [UInt8], timeout: TimeInterval) -> Result {
        guard let program = arguments.first else { return .couldNotStart("no program") }
        var sockets: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        var outPipe: [Int32] = [-1, -1]
        #if os(Linux)
        let socketType = Int32(SOCK_STREAM.rawValue)
        #else
        let socketType = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, socketType, 0, &sockets) == 0 else { return .couldNotStart("no socket for the command's input") }
        guard pipe(&errPipe) == 0 else {
            closeAll(sockets)
            return .couldNotStart("no pipe for the command's errors")
        }
        guard pipe(&outPipe) == 0 else {
            closeAll(sockets + errPipe)
            return .couldNotStart("no pipe for the command's output")
        }
        // The child gets its ends as 0, 1 and 2 (dup2 clears close-on-exec); nothing else leaks.
        for fd in sockets + errPipe + outPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        for fd in [sockets[0], errPipe[0], outPipe[0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }

        let path = program.contains("/") ? program : "/usr/bin/env"
        let argv = (program.contains("/") ? [program] + arguments.dropFirst() : ["env"] + arguments)
        var spawned = spawn(path, argv, stdin: sockets[1], stdout: outPipe[1], stderr: errPipe[1])
        // "Text file busy": the program is being replaced right now; a moment later it is not.
        for _ in 0..<3 where spawned == .failure(SpawnError(code: ETXTBSY)) {
            usleep(50_000)
            spawned = spawn(path, argv, stdin: sockets[1], stdout: outPipe[1], stderr: errPipe[1])
        }
        let pid: pid_t
        switch spawned {
        case .success(let started):
            pid = started
        case .failure(let error):
            closeAll(sockets + errPipe + outPipe)
            let reason = String(cString: strerror(error.code))
            return .couldNotStart("\(SafeText.clean(program, limit: 120)) could not be started (\(SafeText.clean(reason, limit: 80)))")
        }
        // The child has its copies; ours would keep its input open and its output unfinished.
        close(sockets[1]); close(errPipe[1]); close(outPipe[1])

        let deadline = Date().addingTimeInterval(timeout)
        var written = 0
        var inputOpen = true
        var stderrData = [UInt8]()
        var readOpen: [Int32: Bool] = [errPipe[0]: true, outPipe[0]: true]
        var exitStatus: Int32?
        var exitedAt: Date?
        var buffer = [UInt8](repeating: 0, count: 16_384)

        func finishInput() {
            guard inputOpen else { return }
            shutdown(sockets[0], Int32(SHUT_WR))
            close(sockets[0])
            inputOpen = false
        }
        if input.isEmpty { finishInput() }

        while true {
            if exitStatus == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    exitStatus = status
                    exitedAt = Date()
                }
            }
            // Once the command has exited its output gets a short grace to drain: a
            // background process it left may hold the pipes open for long.
            if let exitedAt, !readOpen.values.contains(true) || Date().timeIntervalSince(exitedAt) > 0.5 { break }
            if exitStatus == nil && Date() > deadline { break }
            var fds: [pollfd] = []
            if inputOpen { fds.append(pollfd(fd: sockets[0], events: Int16(POLLOUT), revents: 0)) }
            for (fd, open) in readOpen where open { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            if fds.isEmpty {
                usleep(10_000)
                continue
            }
            _ = poll(&fds, nfds_t(fds.count), 20)
            for entry in fds where entry.revents != 0 {
                if inputOpen && entry.fd == sockets[0] {
                    let sent = input.withUnsafeBytes { raw in
                        send(sockets[0], raw.baseAddress! + written, input.count - written, Int32(MSG_NOSIGNAL))
                    }
                    if sent > 0 {
                        written += sent
                        if written == input.count { finishInput() }
                    } else if sent < 0 && errno != EAGAIN && errno != EINTR {
                        // The command closed its input early; its exit status says why.
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

        guard let status = exitStatus else {
            stop(pid)
            return .timedOut
        }
        let stderr = String(decoding: stderrData, as: UTF8.self)
        let signal = status & 0x7F
        if signal == 0 { return .exited(status: (status >> 8) & 0xFF, stderr: stderr) }
        return .signaled(signal: signal, stderr: stderr)
    }

    /// Starts `path` with `argv` in a new process group, with default signal handling and
    /// an empty signal mask whatever this process has set.
    private static func spawn(
        _ path: String, _ argv: [String], stdin: Int32, stdout: Int32, stderr: Int32
    ) -> Swift.Result<pid_t, SpawnError> {
        #if os(Linux)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let result = cArguments.withUnsafeBufferPointer { argvPointer in
            posix_spawn(&pid, path, &actions, &attributes, argvPointer.baseAddress!, environ)
        }
        return result == 0 ? .success(pid) : .failure(SpawnError(code: result))
    }

    /// An errno value from `posix_spawn`.
    struct SpawnError: Error, Equatable {
        var code: Int32
        static func == (error: SpawnError, code: Int32) -> Bool { error.code == code }
    }

    /// Stops the command's whole process group: TERM, a grace period, then KILL.
    private static func stop(_ pid: pid_t) {
        kill(-pid, SIGTERM)
        kill(pid, SIGTERM)
        let killAt = Date().addingTimeInterval(1)
        var status: Int32 = 0
        while Date() < killAt {
            if waitpid(pid, &status, WNOHANG) == pid {
                kill(-pid, SIGKILL)
                return
            }
            usleep(20_000)
        }
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
    }

    private static func closeAll(_ fds: [Int32]) {
        for fd in fds where fd >= 0 { close(fd) }
    }
}
