import CorbiCore
import Foundation

/// Reads an Instagram messaging webhook body: `{"object":"instagram","entry":[{"id",
/// "time","messaging":[{"sender":{"id"},"recipient":{"id"},"timestamp","message":{...}}]}]}`.
///
/// `message` becomes a message (`mid`, `text`, the first attachment's `payload.url`,
/// `reply_to.mid`); `message.is_echo` (our own messages coming back), deleted and
/// unsupported messages are `ignored`. `read` (`mid`) and `delivery` (`mids`) become
/// statuses. Other events (reactions, postbacks, `changes` of other fields) are `ignored`.
public struct InstagramWebhookParser: Sendable {
    /// Bounds on the bodies read.
    public var limits: WebhookLimits

    /// A parser with the given bounds (64 levels, 1 MiB by default).
    public init(limits: WebhookLimits = WebhookLimits()) {
        self.limits = limits
    }

    /// The events of `body`, in payload order.
    public func parse(_ body: some Collection<UInt8>) throws(WebhookPayloadError) -> [WebhookEvent] {
        let root = JSONNode(try limits.parse(body))
        guard root.isObject else { throw root.shapeError("the body must be an object") }
        if let object = root["object"], object.string != "instagram" && object.string != "page" {
            throw root.shapeError("object must be instagram")
        }
        var events: [WebhookEvent] = []
        for entry in try root.array("entry") {
            guard entry.isObject else { throw entry.shapeError("an entry must be an object") }
            guard let messaging = entry["messaging"] else {
                events.append(.ignored(IgnoredWebhookPart(channel: .instagram, reason: "entry without messaging", raw: entry.value)))
                continue
            }
            guard let items = messaging.elements else { throw entry.shapeError("messaging must be an array") }
            for item in items { try events.append(contentsOf: parseItem(item)) }
        }
        return events
    }

    private func parseItem(_ item: JSONNode) throws(WebhookPayloadError) -> [WebhookEvent] {
        guard item.isObject else { throw item.shapeError("a messaging item must be an object") }
        let senderId = try item.object("sender").id("id")
        let recipientId = try item.object("recipient").id("id")
        let timestamp = WebhookTime.milliseconds(item["timestamp"])
        if let message = item["message"] {
            guard message.isObject else { throw message.shapeError("message must be an object") }
            if message["is_echo"]?.bool == true {
                return [.ignored(IgnoredWebhookPart(channel: .instagram, reason: "echo of our own message", raw: item.value))]
            }
            if message["is_deleted"]?.bool == true {
                return [.ignored(IgnoredWebhookPart(channel: .instagram, reason: "deleted message", raw: item.value))]
            }
            if message["is_unsupported"]?.bool == true {
                return [.ignored(IgnoredWebhookPart(channel: .instagram, reason: "unsupported message", raw: item.value))]
            }
            let mid = try message.id("mid")
            var received = ReceivedMessage(
                channel: .instagram, sender: senderId, recipients: [recipientId], providerMessageId: mid,
                text: try message.optionalString("text"), replyTo: message["reply_to"]?["mid"]?.identifier,
                timestamp: timestamp, raw: item.value)
            if let attachments = message["attachments"] {
                guard let list = attachments.elements else { throw message.shapeError("attachments must be an array") }
                if let first = list.first {
                    received.media = ReceivedMedia(kind: first["type"]?.string ?? "file", url: first["payload"]?["url"]?.string)
                }
            }
            if received.text == nil && received.media == nil {
                return [.ignored(IgnoredWebhookPart(channel: .instagram, reason: "message without text or attachment", raw: item.value))]
            }
            return [.message(received)]
        }
        if let read = item["read"] {
            guard let mid = read["mid"]?.identifier, JSONNode.isCleanID(mid) else {
                return [.ignored(IgnoredWebhookPart(channel: .instagram, reason: "read receipt without mid", raw: item.value))]
            }
            return [.status(DeliveryStatusUpdate(
                channel: .instagram, providerMessageId: mid, status: .read, recipient: senderId, timestamp: timestamp, raw: item.value))]
        }
        if let delivery = item["delivery"] {
            let mids = (delivery["mids"]?.elements ?? []).compactMap(\.identifier).filter(JSONNode.isCleanID)
            guard !mids.isEmpty else {
                return [.ignored(IgnoredWebhookPart(channel: .instagram, reason: "delivery receipt without mids", raw: item.value))]
            }
            return mids.map {
                .status(DeliveryStatusUpdate(
                    channel: .instagram, providerMessageId: $0, status: .delivered, recipient: senderId, timestamp: timestamp, raw: item.value))
            }
        }
        let kind = item.keys.first { !["sender", "recipient", "timestamp"].contains($0) } ?? "empty"
        return [.ignored(IgnoredWebhookPart(channel: .instagram, reason: "event \(SafeText.clean(kind, limit: 40))", raw: item.value))]
    }
}
