import CorbiCore
import Foundation

/// Reads a WhatsApp Cloud API webhook body: `{"object":"whatsapp_business_account",
/// "entry":[{"changes":[{"field":"messages","value":{...}}]}]}`, each `value` with
/// `metadata.phone_number_id`, `contacts[]`, `messages[]` and/or `statuses[]`.
///
/// Each message and each status becomes one event whose `raw` is its `value` narrowed to
/// it (same shape, one element), so a stored part is self-contained. Message types
/// without text or media (reactions, orders, unsupported) and other webhook fields are
/// `ignored`. A body that is not in this shape throws, whole: nothing is half-read.
public struct WhatsAppWebhookParser: Sendable {
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
        if let object = root["object"], object.string != "whatsapp_business_account" {
            throw root.shapeError("object must be whatsapp_business_account")
        }
        var events: [WebhookEvent] = []
        for entry in try root.array("entry") {
            guard entry.isObject else { throw entry.shapeError("an entry must be an object") }
            guard let changes = entry["changes"] else {
                events.append(.ignored(IgnoredWebhookPart(channel: .whatsapp, reason: "entry without changes", raw: entry.value)))
                continue
            }
            guard let list = changes.elements else { throw entry.shapeError("changes must be an array") }
            for change in list {
                try events.append(contentsOf: parseChange(change))
            }
        }
        return events
    }

    private func parseChange(_ change: JSONNode) throws(WebhookPayloadError) -> [WebhookEvent] {
        guard change.isObject else { throw change.shapeError("a change must be an object") }
        let field = try change.optionalString("field")
        if let field, field != "messages" {
            return [.ignored(IgnoredWebhookPart(channel: .whatsapp, reason: "webhook field \(SafeText.clean(field, limit: 60))", raw: change.value))]
        }
        let value = try change.object("value")
        let phoneNumberId = value["metadata"]?["phone_number_id"]?.identifier
        var names: [String: String] = [:]
        var contactsByID: [String: JSONValue] = [:]
        if let contacts = value["contacts"] {
            guard let list = contacts.elements else { throw value.shapeError("contacts must be an array") }
            for contact in list {
                guard let waId = contact["wa_id"]?.identifier else { continue }
                contactsByID[waId] = contact.value
                if let name = contact["profile"]?["name"]?.string { names[waId] = name }
            }
        }
        var events: [WebhookEvent] = []
        var understood = false
        if let messages = value["messages"] {
            guard let list = messages.elements else { throw value.shapeError("messages must be an array") }
            understood = true
            for message in list {
                let from = message["from"]?.identifier
                let contact = from.flatMap { contactsByID[$0] }
                let raw = narrowed(value, key: "messages", element: message.value, contact: contact)
                events.append(try parseMessage(message, names: names, phoneNumberId: phoneNumberId, raw: raw))
            }
        }
        if let statuses = value["statuses"] {
            guard let list = statuses.elements else { throw value.shapeError("statuses must be an array") }
            understood = true
            for status in list {
                events.append(try parseStatus(status, raw: narrowed(value, key: "statuses", element: status.value, contact: nil)))
            }
        }
        if !understood {
            let reason = value["errors"] != nil ? "errors reported by WhatsApp" : "change without messages or statuses"
            events.append(.ignored(IgnoredWebhookPart(channel: .whatsapp, reason: reason, raw: change.value)))
        }
        return events
    }

    /// `value` with `key` holding only `element` (and `contacts` only the sender's).
    private func narrowed(_ value: JSONNode, key: String, element: JSONValue, contact: JSONValue?) -> JSONValue {
        guard case .object(var members) = value.value else { return element }
        members.removeValue(forKey: "messages")
        members.removeValue(forKey: "statuses")
        members.removeValue(forKey: "contacts")
        members[key] = .array([element])
        if let contact { members["contacts"] = .array([contact]) }
        return .object(members)
    }

    private func parseMessage(
        _ message: JSONNode, names: [String: String], phoneNumberId: String?, raw: JSONValue
    ) throws(WebhookPayloadError) -> WebhookEvent {
        guard message.isObject else { throw message.shapeError("a message must be an object") }
        let fromDigits = try message.id("from")
        guard let sender = SenderIdentifier.whatsapp(fromDigits) else {
            throw message.shapeError("from must be the sender's international number in digits")
        }
        let id = try message.id("id")
        let type = try message.optionalString("type") ?? "unknown"
        var received = ReceivedMessage(
            channel: .whatsapp, sender: sender, senderName: names[fromDigits] ?? (names.count == 1 ? names.values.first : nil),
            recipients: phoneNumberId.map { [$0] } ?? [], providerMessageId: id,
            replyTo: message["context"]?["id"]?.identifier, timestamp: WebhookTime.seconds(message["timestamp"]), raw: raw)
        switch type {
        case "text":
            guard let body = message["text"]?["body"]?.string else { throw message.shapeError("a text message needs text.body") }
            received.text = body
        case "image", "document", "audio", "video", "sticker":
            let media = try message.object(type)
            received.media = ReceivedMedia(
                kind: type, url: media["url"]?.string, id: media["id"]?.identifier, mimeType: media["mime_type"]?.string,
                fileName: media["filename"]?.string)
            received.text = media["caption"]?.string
        case "location":
            let location = try message.object("location")
            guard let latitude = location["latitude"]?.double, let longitude = location["longitude"]?.double else {
                throw location.shapeError("latitude and longitude must be numbers")
            }
            received.location = ReceivedLocation(
                latitude: latitude, longitude: longitude, name: location["name"]?.string, address: location["address"]?.string)
        case "interactive":
            let interactive = try message.object("interactive")
            let reply = interactive["button_reply"] ?? interactive["list_reply"]
            received.text = reply?["title"]?.string
        case "button":
            received.text = message["button"]?["text"]?.string ?? message["button"]?["payload"]?.string
        default:
            return .ignored(IgnoredWebhookPart(channel: .whatsapp, reason: "message type \(SafeText.clean(type, limit: 40))", raw: raw))
        }
        return .message(received)
    }

    private func parseStatus(_ status: JSONNode, raw: JSONValue) throws(WebhookPayloadError) -> WebhookEvent {
        guard status.isObject else { throw status.shapeError("a status must be an object") }
        let id = try status.id("id")
        guard let word = status["status"]?.string else { throw status.shapeError("status must be a string") }
        guard let state = DeliveryState(rawValue: word) else {
            return .ignored(IgnoredWebhookPart(channel: .whatsapp, reason: "status \(SafeText.clean(word, limit: 40))", raw: raw))
        }
        var update = DeliveryStatusUpdate(
            channel: .whatsapp, providerMessageId: id, status: state,
            recipient: status["recipient_id"]?.identifier.flatMap(SenderIdentifier.whatsapp),
            timestamp: WebhookTime.seconds(status["timestamp"]), raw: raw)
        if let error = status["errors"]?.elements?.first {
            update.errorCode = error["code"]?.identifier
            let parts = [error["title"]?.string, error["message"]?.string, error["error_data"]?["details"]?.string]
                .compactMap { $0 }.filter { !$0.isEmpty }
            var unique: [String] = []
            for part in parts where !unique.contains(part) { unique.append(part) }
            update.errorMessage = unique.isEmpty ? nil : SafeText.clean(unique.joined(separator: ": "))
        }
        return .status(update)
    }
}
