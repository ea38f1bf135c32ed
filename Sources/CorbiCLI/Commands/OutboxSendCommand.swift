import ArgumentParser
import CorbiCore
import CorbiMessaging
import CorbiWorkspace
import Foundation

extension OutboxCommand {
    /// `corbi outbox send`: every message of the organization due now, once, then exit.
    struct Send: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "send", abstract: "Send every due message once, then exit (staff and admins; for cron and scripts).",
            discussion: """
                Messages held back by their channel's rate wait for their minute; messages that \
                fail for now are retried by a later run after a backoff. Exits 0 when the run \
                completed, whatever each message's outcome (the summary counts them), 75 when \
                the database stayed locked. Ctrl-C stops claiming and lets the sends under way \
                finish.
                """)
        @Option(help: "At most this many provider calls.") var limit: Int?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            if let limit, limit < 1 { throw CorbiError.invalid("--limit must be at least 1.") }
            let actor = try session.actor()
            let database = try session.database()
            let dispatcher = Dispatcher(
                database: database, scope: .organization(actor), owner: Dispatcher.ownerName("outbox-send"),
                settings: session.configuration.dispatch)
            let progress = SendProgress(enabled: session.colorErr)
            let stop = DispatchStop()
            let signals = StopSignals(stop) {
                progress.note("Stopping: the sends under way finish first (Ctrl-C again to quit at once).")
            }
            let started = ContinuousClock.now
            let limit = self.limit
            let summary = AsyncBridge.wait { await dispatcher.run(limit: limit, stop: stop, progress: progress.update) }
            signals.release()
            progress.finish()
            let elapsed = started.duration(to: .now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            if let error = summary.stoppedBy {
                throw summary.attempts == 0 && summary.settled == 0
                    ? error : error.appending("Before it stopped: \(Self.counts(summary)).")
            }
            return CommandOutput(
                text: Self.text(summary, seconds: seconds, stopped: stop.isRequested),
                json: DispatchSummaryJSON(summary, organization: actor.organization.domain, seconds: seconds))
        }

        static func counts(_ s: DispatchSummary) -> String {
            "\(s.sent) sent, \(s.retrying) retrying, \(s.failed) failed, \(s.refused) refused, \(s.interrupted) interrupted"
        }

        static func text(_ s: DispatchSummary, seconds: Double, stopped: Bool) -> String {
            var lines: [String] = []
            if s.attempts == 0 && s.settled == 0 {
                lines.append(s.waiting > 0 ? "Nothing could be sent." : "Nothing was due.")
            } else {
                lines.append(counts(s) + " (\(counted(s.attempts, "provider call")) in \(String(format: "%.1f", seconds)) s).")
            }
            if s.retrying > 0 { lines.append("Retrying messages are tried again by a later run after their backoff (outbox list --status retrying).") }
            if s.failed + s.refused + s.interrupted > 0 { lines.append("See why with outbox list --status failed; outbox retry ID sends one again.") }
            for w in s.waitingChannels {
                lines.append(counted(w.messages, "\(w.channel.rawValue) message") + (w.messages == 1 ? " waits: " : " wait: ") + w.reason)
            }
            if stopped { lines.append("Stopped early: messages still due go with the next run.") }
            return lines.joined(separator: "\n")
        }
    }
}

extension CorbiError {
    /// The same error with a sentence added.
    func appending(_ sentence: String) -> CorbiError {
        switch self {
        case .usage(let m, let h): .usage(m + " " + sentence, hints: h)
        case .invalid(let m, let h): .invalid(m + " " + sentence, hints: h)
        case .notFound(let m, let h): .notFound(m + " " + sentence, hints: h)
        case .temporary(let m): .temporary(m + " " + sentence)
        case .permission(let m): .permission(m + " " + sentence)
        case .internal(let m): .internal(m + " " + sentence)
        }
    }
}
