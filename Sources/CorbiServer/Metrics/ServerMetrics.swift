import CorbiCore
import CorbiKnowledge
import CorbiMessaging
import Foundation

/// What `corbi serve` counts while it runs, and the `/metrics` page built from it and
/// from the database at scrape time. Thread-safe.
public final class ServerMetrics: @unchecked Sendable {
    /// How a webhook request ended (the `outcome` label).
    public enum WebhookOutcome: String, Sendable, CaseIterable {
        /// Stored and committed (200).
        case accepted
        /// A repeat of a delivery stored before (200).
        case duplicate
        /// Meta's subscription check answered (200).
        case verified
        /// A subscription check with a wrong token or mode (403).
        case verificationRefused = "verification_refused"
        /// Bad or missing signature (401).
        case unauthorized
        /// Unknown organization or channel (404).
        case notFound = "not_found"
        /// Body over the limit (413).
        case tooLarge = "too_large"
        /// Not the provider's format, or an event the core refused (400).
        case malformed
        /// The database stayed locked (503).
        case unavailable
        /// A bug (500).
        case error
    }

    private let lock = NSLock()
    private var webhooks: [String: [WebhookOutcome: UInt64]] = [:]
    private var attempts: [Channel: [DispatchAttemptReport.Outcome: UInt64]] = [:]
    private var latency: [Channel: Histogram] = [:]
    private var unsubscribes: [String: UInt64] = [:]

    public init() {}

    /// Counts a webhook request. `channel` is one of the four channels, else `other`
    /// (a path's word never becomes a label as typed).
    public func webhook(_ channel: CorbiCore.Channel?, _ outcome: WebhookOutcome) {
        lock.withLock { webhooks[channel?.rawValue ?? "other", default: [:]][outcome, default: 0] += 1 }
    }

    /// Counts a one-click unsubscribe request by its outcome (`unsubscribed`, `not_found`, `error`).
    public func unsubscribe(_ outcome: String) {
        lock.withLock { unsubscribes[outcome, default: 0] += 1 }
    }

    /// Counts a dispatcher's provider call and its latency.
    public func attempt(_ report: DispatchAttemptReport) {
        lock.withLock {
            attempts[report.channel, default: [:]][report.outcome, default: 0] += 1
            latency[report.channel, default: Histogram()].observe(report.latency)
        }
    }

    /// The exposition: the counters kept here, the outbound messages by organization,
    /// channel and status, and the knowledge base's files and passages per scope.
    public func render(outbound: [OutboundStatusCount], knowledge: [IndexedScopeCount]?) -> String {
        let (webhooks, attempts, latency, unsubscribes) = lock.withLock { (self.webhooks, self.attempts, self.latency, self.unsubscribes) }
        var out = PrometheusText()
        out.family(
            "corbi_outbound_messages", .gauge, help: "Outbound messages by organization, channel and status.",
            samples: outbound.map {
                .init([("organization", $0.organization), ("channel", $0.channel.rawValue), ("status", $0.status.rawValue)], Double($0.count))
            })
        out.family(
            "corbi_webhook_requests_total", .counter, help: "Webhook requests by channel and outcome since serve started.",
            samples: webhooks.sorted { $0.key < $1.key }.flatMap { channel, outcomes in
                WebhookOutcome.allCases.compactMap { o in outcomes[o].map { .init([("channel", channel), ("outcome", o.rawValue)], Double($0)) } }
            })
        out.family(
            "corbi_unsubscribe_requests_total", .counter, help: "One-click unsubscribe requests by outcome since serve started.",
            samples: unsubscribes.sorted { $0.key < $1.key }.map { .init([("outcome", $0.key)], Double($0.value)) })
        out.family(
            "corbi_dispatch_attempts_total", .counter, help: "Provider calls of the dispatcher by channel and outcome since serve started.",
            samples: Channel.allCases.flatMap { channel in
                DispatchAttemptReport.Outcome.allCases.compactMap { o in
                    attempts[channel]?[o].map { .init([("channel", channel.rawValue), ("outcome", o.rawValue)], Double($0)) }
                }
            })
        out.histogram(
            "corbi_dispatch_attempt_duration_seconds", help: "Seconds from the start of a provider call to its answer, by channel.",
            series: Channel.allCases.compactMap { channel in
                latency[channel].map {
                    PrometheusText.HistogramSample(
                        labels: [("channel", channel.rawValue)], bounds: $0.bounds, cumulativeCounts: $0.cumulative, count: $0.count,
                        sum: $0.sum)
                }
            })
        let scopes = knowledge ?? []
        func scope(_ c: IndexedScopeCount) -> [(String, String)] { [("scope", c.organizationDomain ?? "shared")] }
        out.family(
            "corbi_knowledge_base_files", .gauge, help: "Knowledge-base files indexed, by scope (shared, or an organization's domain).",
            samples: scopes.map { .init(scope($0), Double($0.files)) })
        out.family(
            "corbi_knowledge_base_passages", .gauge, help: "Knowledge-base passages indexed, by scope (shared, or an organization's domain).",
            samples: scopes.map { .init(scope($0), Double($0.passages)) })
        return out.output
    }
}
