import CorbiCore
import Foundation

/// Reads Telegram Bot API updates: the one `Update` a webhook posts, or (for replays) an
/// array of updates or a `getUpdates` answer `{"ok":true,"result":[...]}`.
///
/// `message` and `edited_message` become messages: sender = `chat.id`, name from `from`,
/// text or caption, the largest `photo` or the `document` (and audio, voice, video,
/// sticker) by `file_id`, provider id `CHAT_ID:MESSAGE_ID`, `update_id` for deduplication.
/// Other update kinds, and service messages without text or media, are `ignored`.
public struct TelegramUpdateParser: Sendable {
    /// Bounds on the bodies read.
    public var limits: WebhookLimits

    /// A parser with the given bounds (64 levels, 1 MiB by default).
    public init(limits: WebhookLimits = WebhookLimits()) {
        self.limits = limits
    }

    /// The events of `body`, one per update.
    public func parse(_ body: some Collection<UInt8>) throws(WebhookPayloadError) -> [WebhookEvent] {
        let root = JSONNode(try limits.parse(body))
        let updates: [JSONNode]
        if let list = root.elements {
            updates = list
        } else if root["update_id"] == nil, root["ok"]?.bool == true, let list = root["result"]?.elements {
            updates = list
        } else {
            updates = [root]
        }
        var events: [WebhookEvent] = []
        for update in updates { events.append(try parseUpdate(update)) }
        return events
    }

    private func parseUpdate(_ update: JSONNode) throws(WebhookPayloadError) -> WebhookEvent {
        guard update.isObject else { throw update.shapeError("an update must be an object") }
        guard let updateId = update["update_id"]?.int else { throw update.shapeError("update_id must be a whole number") }
        let isEdit = update["message"] == nil && update["edited_message"] != nil
        guard let message = update["message"] ?? update["edited_message"] else {
            let kind = update.keys.first { $0 != "update_id" } ?? "empty"
            return .ignored(IgnoredWebhookPart(channel: .telegram, reason: "update kind \(SafeText.clean(kind, limit: 40))", raw: update.value))
        }
        guard message.isObject else { throw message.shapeError("a message must be an object") }
        guard let messageId = message["message_id"]?.int else { throw message.shapeError("message_id must be a whole number") }
        guard let chatId = message["chat"]?["id"]?.int, let sender = SenderIdentifier.telegram(chatId) else {
            throw message.shapeError("chat.id must be a whole number other than 0")
        }
        let from = message["from"]
        let name = [from?["first_name"]?.string, from?["last_name"]?.string]
            .compactMap { $0?.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        var received = ReceivedMessage(
            channel: .telegram, sender: sender, senderName: name.isEmpty ? nil : name,
            senderUsername: from?["username"]?.string, providerMessageId: "\(chatId):\(messageId)",
            text: message["text"]?.string ?? message["caption"]?.string,
            timestamp: WebhookTime.seconds(message["edit_date"] ?? message["date"]), isEdit: isEdit, updateId: updateId,
            raw: update.value)
        if let reply = message["reply_to_message"]?["message_id"]?.int { received.replyTo = "\(chatId):\(reply)" }
        received.media = media(of: message)
        if let location = message["location"], let latitude = location["latitude"]?.double, let longitude = location["longitude"]?.double {
            received.location = ReceivedLocation(latitude: latitude, longitude: longitude)
        }
        if received.text == nil && received.media == nil && received.location == nil {
            return .ignored(IgnoredWebhookPart(channel: .telegram, reason: "message without text or media", raw: update.value))
        }
        return .message(received)
    }

    /// The largest photo, else the first other file the message carries.
    private func media(of message: JSONNode) -> ReceivedMedia? {
        if let sizes = message["photo"]?.elements, !sizes.isEmpty {
            let largest = sizes.max { (area($0), $0["file_size"]?.int ?? 0) < (area($1), $1["file_size"]?.int ?? 0) }
            if let fileId = largest?["file_id"]?.string {
                return ReceivedMedia(kind: "image", id: fileId, mimeType: "image/jpeg")
            }
        }
        for kind in ["document", "video", "audio", "voice", "animation", "video_note", "sticker"] {
            if let file = message[kind], let fileId = file["file_id"]?.string {
                return ReceivedMedia(kind: kind, id: fileId, mimeType: file["mime_type"]?.string, fileName: file["file_name"]?.string)
            }
        }
        return nil
    }

    private func area(_ size: JSONNode) -> Int64 {
        let width = size["width"]?.int ?? 0, height = size["height"]?.int ?? 0
        let (product, overflow) = width.multipliedReportingOverflow(by: height)
        return overflow ? Int64.max : product
    }
}
