import CorbiCore
import CorbiMessaging
import Foundation
import Logging
import ServiceLifecycle

/// The dispatcher inside `corbi serve`: a run over every organization every few seconds.
/// Each run claims what is due when it starts (accounts and rates are read by each claim,
/// so `channels set` and `outbox rate` count from the next run); messages held back by a
/// rate are picked up by a later run. On graceful shutdown it claims nothing more and
/// returns once the sends under way are recorded.
struct DispatcherService: Service {
    let dispatcher: Dispatcher
    /// Seconds between the end of one run and the start of the next.
    let interval: TimeInterval
    let logger: Logger

    func run() async throws {
        let stop = DispatchStop()
        await withGracefulShutdownHandler {
            logger.info(
                "dispatcher started",
                metadata: ["owner": "\(dispatcher.owner)", "interval": "\(interval)", "concurrency": "\(dispatcher.settings.concurrency)"])
            while !stop.isRequested {
                let summary = await dispatcher.run(waitForRates: false, stop: stop)
                report(summary)
                await pause(unless: stop)
            }
            logger.info("dispatcher stopped")
        } onGracefulShutdown: {
            stop.request()
        }
    }

    private func report(_ s: DispatchSummary) {
        if let error = s.stoppedBy {
            logger.error("dispatcher run stopped", metadata: ["reason": ServerLog.text(error.message)])
        }
        guard s.attempts > 0 || s.settled > 0 else { return }
        logger.info(
            "dispatcher run",
            metadata: [
                "sent": "\(s.sent)", "retrying": "\(s.retrying)", "failed": "\(s.failed)", "refused": "\(s.refused)",
                "interrupted": "\(s.interrupted)", "throttled": "\(s.throttled)", "waiting": "\(s.waiting)",
            ])
    }

    private func pause(unless stop: DispatchStop) async {
        let end = ContinuousClock.now + .milliseconds(Int64(interval * 1000))
        while ContinuousClock.now < end && !stop.isRequested {
            try? await Task.sleep(for: min(.milliseconds(100), end - ContinuousClock.now))
        }
    }
}
