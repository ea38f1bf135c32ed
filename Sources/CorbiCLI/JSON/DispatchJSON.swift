import CorbiCore
import CorbiMessaging

/// `outbox send --json`: what became of the due messages.
struct DispatchSummaryJSON: Encodable {
    var organization: String
    var sent: Int
    var retrying: Int
    var failed: Int
    var refused: Int
    var interrupted: Int
    var waiting: Int
    var throttled: Int
    var attempts: Int
    var seconds: Double
    var waitingChannels: [WaitingChannelJSON]

    struct WaitingChannelJSON: Encodable {
        var channel: String
        var messages: Int
        var reason: String
    }

    init(_ s: DispatchSummary, organization: String, seconds: Double) {
        self.organization = organization
        sent = s.sent
        retrying = s.retrying
        failed = s.failed
        refused = s.refused
        interrupted = s.interrupted
        waiting = s.waiting
        throttled = s.throttled
        attempts = s.attempts
        self.seconds = (seconds * 1000).rounded() / 1000
        waitingChannels = s.waitingChannels.map { WaitingChannelJSON(channel: $0.channel.rawValue, messages: $0.messages, reason: $0.reason) }
    }
}
