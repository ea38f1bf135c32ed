import CorbiCore
import Foundation

/// Sends email by piping an RFC 5322 message (see `EmailComposer`) to a
/// sendmail-compatible command (`-t`: recipients from the headers). Exit 0 is accepted
/// with the Message-ID as provider id; exit 75 (EX_TEMPFAIL) is temporary; any other exit
/// is permanent with the first line of the command's stderr. A command that cannot be
/// started, is killed by a signal or overruns the timeout is temporary: the MTA never
/// said no.
public struct EmailProvider: MessageProvider {
    /// Always `.email`.
    public var channel: Channel { .email }
    /// The command the message is piped to.
    public let command: SendmailCommand
    /// Seconds the command may take (default 60).
    public let timeout: TimeInterval
    /// How messages are written.
    public let composer: EmailComposer
    /// The clock for the `Date` header.
    private let now: @Sendable () -> Date

    /// A provider piping to `command` (from `CORBI_SENDMAIL`, default `ProviderEndpoints.sendmail`).
    public init(
        command: SendmailCommand, timeout: TimeInterval = 60, composer: EmailComposer = EmailComposer(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.command = command
        self.timeout = timeout
        self.composer = composer
        self.now = now
    }

    /// Composes `message` and pipes it to the command once.
    public func send(_ message: OutgoingMessage) async -> SendOutcome {
        let email: ComposedEmail
        do {
            email = try composer.compose(message, date: now())
        } catch {
            return .permanent(error.failure)
        }
        switch await SendmailRunner.run(command.arguments, input: email.data, timeout: timeout) {
        case .exited(0, _):
            return .accepted(SendReceipt(providerMessageId: email.messageId, providerStatus: "queued"))
        case .exited(75, let stderr):
            return .temporary(ProviderFailure(code: "exit-75", message: Self.reason(stderr, fallback: "the mail system asked to try again later")))
        case .exited(let status, let stderr):
            return .permanent(ProviderFailure(code: "exit-\(status)", message: Self.reason(stderr, fallback: "the mail command failed")))
        case .signaled(let signal, let stderr):
            return .temporary(ProviderFailure(code: "signal-\(signal)", message: Self.reason(stderr, fallback: "the mail command was stopped by a signal")))
        case .timedOut:
            return .temporary(ProviderFailure(code: "sendmail-timeout", message: "the mail command did not finish within \(Int(timeout)) s"))
        case .couldNotStart(let why):
            return .temporary(ProviderFailure(code: "sendmail-unavailable", message: why))
        }
    }

    private static func reason(_ stderr: String, fallback: String) -> String {
        let line = SafeText.firstLine(stderr)
        return line.isEmpty ? fallback : line
    }
}
