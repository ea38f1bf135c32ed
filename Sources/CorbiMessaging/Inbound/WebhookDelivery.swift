import CorbiCore
import Foundation

/// One webhook request's body (or a replayed one), read by the channel's parser and
/// turned into what the core applies in one transaction
/// (``CorbiCore/AppDatabase/ingestInbound(_:channel:events:updateId:)``). `corbi serve`
/// and `corbi inbound ingest` both go through here, so they read a body the same way.
public struct WebhookDelivery: Sendable, Equatable {
    public var channel: Channel
    /// Messages, delivery statuses and parts kept raw, in the body's order.
    public var events: [InboundEvent]
    /// Telegram's `update_id` when the body is one update: a repeated delivery of it then
    /// does nothing at all. Nil elsewhere, and for a replayed list of several updates
    /// (their messages are still stored once each, by provider id).
    public var updateId: String?
    /// Parts left out on purpose (Instagram's echoes of our own messages).
    public var dropped: Int

    /// The delivery `events` make on `channel`.
    public init(channel: Channel, events: [WebhookEvent]) {
        self.channel = channel
        var inbound: [InboundEvent] = []
        var updates = Set<Int64>()
        var dropped = 0
        for event in events {
            switch event {
            case .message(let message):
                inbound.append(.message(Self.message(message)))
                if let id = message.updateId { updates.insert(id) }
            case .status(let status):
                inbound.append(.status(Self.status(status)))
            case .ignored(let part):
                if case .object(let fields) = part.raw, channel == .telegram, let id = Self.integer(fields["update_id"]) {
                    updates.insert(id)
                }
                if part.storeRaw { inbound.append(.unrecognized(part.raw)) } else { dropped += 1 }
            }
        }
        self.events = inbound
        self.updateId = updates.count == 1 ? updates.first.map(String.init) : nil
        self.dropped = dropped
    }

    /// Reads `body` with the channel's parser (see ``WebhookParser``).
    public static func parse(
        _ body: some Collection<UInt8>, channel: Channel, limits: WebhookLimits = WebhookLimits()
    ) throws(WebhookPayloadError) -> WebhookDelivery {
        WebhookDelivery(channel: channel, events: try WebhookParser.parse(body, channel: channel, limits: limits))
    }

    static func message(_ message: ReceivedMessage) -> InboundMessageEvent {
        InboundMessageEvent(
            providerMessageId: message.providerMessageId, sender: message.sender, senderName: message.senderName,
            text: message.text, subject: message.subject, mediaUrl: message.media?.url, mediaId: message.media?.id,
            sentAt: message.timestamp, payload: message.raw)
    }

    static func status(_ update: DeliveryStatusUpdate) -> DeliveryStatusEvent {
        let status: DeliveryStatus
        switch update.status {
        case .sent: status = .sent
        case .delivered: status = .delivered
        case .read: status = .read
        case .failed: status = .failed
        }
        return DeliveryStatusEvent(
            providerMessageId: update.providerMessageId, status: status, at: update.timestamp, errorCode: update.errorCode,
            errorMessage: update.errorMessage)
    }

    private static func integer(_ value: JSONValue?) -> Int64? {
        switch value {
        case .int(let n)?: n
        case .double(let d)? where d.rounded() == d && abs(d) < 9e15: Int64(d)
        default: nil
        }
    }
}
