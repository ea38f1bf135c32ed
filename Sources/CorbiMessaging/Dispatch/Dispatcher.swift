import CorbiCore
import Foundation

/// Sends due messages: claims them from the core (the claim commits before any provider
/// is called), sends each through its channel's provider, and records every outcome.
/// `corbi outbox send` runs it once; `corbi serve` runs it every few seconds.
///
/// - A few sends are in flight at once (``DispatchSettings/concurrency``), and only as
///   many messages are claimed as can start at once: a claim then covers one send, not a
///   queue, and each request leaves within milliseconds of its claim (which the channel's
///   rate is counted by).
/// - A send under way is never cancelled, whatever happens to the task that started it:
///   a cut-off request would leave the message's fate unknown. A stop (``DispatchStop``)
///   ends claiming; the sends under way finish and are recorded.
/// - Outcomes go to the core as ``ProviderOutcome``s: temporary failures with the retry
///   policy's full-jitter delay (a `Retry-After` honoured), permanent ones with the
///   provider's code and message.
public final class Dispatcher: Sendable {
    public let database: AppDatabase
    public let scope: DispatchScope
    /// The name claims are held under (unique per process and run).
    public let owner: String
    public let settings: DispatchSettings
    private let makeProvider: @Sendable (DispatchJob) -> any MessageProvider
    private let onAttempt: (@Sendable (DispatchAttemptReport) -> Void)?
    private let random: LockedRandom

    /// A dispatcher for `scope` (every organization for `serve`, the member's one for
    /// `outbox send`). `makeProvider` defaults to the real clients (``ProviderFactory``);
    /// `random` draws the backoff jitter; `onAttempt` hears of every provider call.
    public init(
        database: AppDatabase, scope: DispatchScope, owner: String, settings: DispatchSettings,
        makeProvider: (@Sendable (DispatchJob) -> any MessageProvider)? = nil,
        random: (any RandomNumberGenerator & Sendable)? = nil,
        onAttempt: (@Sendable (DispatchAttemptReport) -> Void)? = nil
    ) {
        self.database = database
        self.scope = scope
        self.owner = owner
        self.settings = settings
        if let makeProvider {
            self.makeProvider = makeProvider
        } else {
            let environment = database.environment
            let factory = ProviderFactory(settings: settings.providers, now: { environment.now() })
            self.makeProvider = { factory.provider(for: $0) }
        }
        self.random = LockedRandom(random ?? SystemRandomNumberGenerator())
        self.onAttempt = onAttempt
    }

    /// A claim owner name for `role` (`outbox-send`, `serve`): the host, the process id
    /// and a random suffix, so two runs never share claims.
    public static func ownerName(_ role: String) -> String {
        let host = ProcessInfo.processInfo.hostName.prefix(60)
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return "\(role)@\(host):\(ProcessInfo.processInfo.processIdentifier):\(suffix)"
    }

    /// Sends every message that is due when the run starts, once, and returns what became
    /// of them. Messages that fall due during the run (a retry whose backoff is short, a
    /// draft made meanwhile) are left for the next run. With `waitForRates`, messages held
    /// back by their channel's rate wait for their minute; otherwise they are left for the
    /// next run too. `limit` bounds the provider calls. `progress` hears the counts after
    /// every change.
    ///
    /// Never throws: a failure that stops the run (the database stayed locked, the member
    /// may not send) is in ``DispatchSummary/stoppedBy``, with the counts so far.
    public func run(
        limit: Int? = nil, waitForRates: Bool = true, stop: DispatchStop = DispatchStop(),
        progress: (@Sendable (DispatchSummary) -> Void)? = nil
    ) async -> DispatchSummary {
        let runStart = database.environment.now()
        var summary = DispatchSummary()
        var remaining = limit.map { max(0, $0) } ?? Int.max
        let concurrency = max(1, settings.concurrency)
        await withTaskGroup(of: AttemptResult.self) { group in
            var inFlight = 0
            // After a claim that found fewer messages than it could take, nothing else is
            // due: claim again only once a send finished (or after a pause for a rate).
            var mayClaim = true
            var heldByRate = 0
            while true {
                let stopping = summary.stoppedBy != nil || stop.isRequested || remaining == 0
                if !stopping && mayClaim && inFlight < concurrency {
                    let wanted = min(concurrency - inFlight, remaining)
                    do {
                        let batch = try await claim(wanted, dueBy: runStart)
                        summary.add(batch)
                        heldByRate = batch.throttled
                        for job in batch.jobs {
                            group.addTask { await self.attempt(job) }
                        }
                        inFlight += batch.jobs.count
                        remaining -= batch.jobs.count
                        summary.attempts += batch.jobs.count
                        if batch.jobs.count < wanted { mayClaim = false }
                    } catch {
                        summary.stoppedBy = Self.corbiError(error)
                    }
                    progress?(summary)
                    continue
                }
                if inFlight > 0, let result = await group.next() {
                    inFlight -= 1
                    summary.record(result)
                    mayClaim = true
                    progress?(summary)
                    continue
                }
                if !stopping && !mayClaim && heldByRate > 0 && waitForRates {
                    await pause(settings.ratePause, unless: stop)
                    mayClaim = true
                    continue
                }
                break
            }
        }
        return summary
    }

    private func claim(_ limit: Int, dueBy: Date) async throws -> DispatchBatch {
        let database = database, scope = scope, owner = owner, lifetime = settings.claimLifetime
        return try await Blocking.run {
            try database.claimDueMessages(scope, owner: owner, lifetime: lifetime, limit: limit, dueBy: dueBy)
        }
    }

    /// Sends one job and records the outcome.
    private func attempt(_ job: DispatchJob) async -> AttemptResult {
        let started = ContinuousClock.now
        let outcome: SendOutcome
        switch OutgoingMessage.forJob(job, publicURL: settings.providers.publicURL) {
        case .failure(let failure):
            outcome = .permanent(failure)
        case .success(let message):
            let provider = makeProvider(job)
            // Detached: cancelling the run must not cut a request short (see the type).
            outcome = await Task.detached { await provider.send(message) }.value
        }
        let elapsed = started.duration(to: .now)
        let latency = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let mapped = random.withGenerator { ProviderOutcome(outcome, job: job, policy: settings.retry, using: &$0) }
        onAttempt?(
            DispatchAttemptReport(
                organizationDomain: job.organizationDomain, channel: job.channel, outcome: Self.reportOutcome(outcome),
                code: outcome.failure?.code, latency: latency, warning: outcome.receipt?.warning))
        let database = database, maxAttempts = settings.retry.maxAttempts
        do {
            let recorded = try await Blocking.run { try database.recordSendOutcome(job, mapped, maxAttempts: maxAttempts) }
            return .recorded(recorded.message.status)
        } catch let error as CorbiError where error.exitCode == 65 || error.exitCode == 66 {
            // The claim expired during the send and another dispatcher settled it as
            // interrupted, or the contact was deleted meanwhile: nothing to record.
            return .lost
        } catch {
            return .unrecorded(Self.corbiError(error))
        }
    }

    private func pause(_ seconds: TimeInterval, unless stop: DispatchStop) async {
        let end = ContinuousClock.now + .milliseconds(Int64(max(0, seconds) * 1000))
        while ContinuousClock.now < end && !stop.isRequested {
            try? await Task.sleep(for: min(.milliseconds(100), end - ContinuousClock.now))
        }
    }

    static func reportOutcome(_ outcome: SendOutcome) -> DispatchAttemptReport.Outcome {
        switch outcome {
        case .accepted: .accepted
        case .temporary: .temporary
        case .permanent: .permanent
        }
    }

    static func corbiError(_ error: any Error) -> CorbiError {
        (error as? CorbiError) ?? .internal("The dispatcher failed: \(error)")
    }
}

/// What became of one attempt.
enum AttemptResult: Sendable {
    /// Recorded; the message's status now.
    case recorded(MessageStatus)
    /// The claim was no longer ours (settled as interrupted meanwhile), or the message is gone.
    case lost
    /// Recording failed (the database stayed locked): the claim expires and the message is
    /// settled as interrupted by the next claimer.
    case unrecorded(CorbiError)
}

extension DispatchSummary {
    mutating func record(_ result: AttemptResult) {
        switch result {
        case .recorded(.sent), .recorded(.delivered), .recorded(.read): sent += 1
        case .recorded(.retrying), .recorded(.pending): retrying += 1
        case .recorded(.failed), .recorded(.cancelled): failed += 1
        case .lost: interrupted += 1
        case .unrecorded(let error):
            interrupted += 1
            if stoppedBy == nil { stoppedBy = error }
        }
    }
}

/// A random generator shared by concurrent sends.
private final class LockedRandom: @unchecked Sendable {
    private let lock = NSLock()
    private var generator: any RandomNumberGenerator

    init(_ generator: any RandomNumberGenerator) {
        self.generator = generator
    }

    func withGenerator<T>(_ body: (inout any RandomNumberGenerator) -> T) -> T {
        lock.withLock { body(&generator) }
    }
}
