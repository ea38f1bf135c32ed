import CorbiCore

/// An inbound message: `{"id", "channel", "contactId", "contactName", "receivedAt",
/// "senderIdentifier", "senderName", "text", "providerMessageId", "mediaUrl", "mediaId",
/// "intent", "payload"}`; an unknown sender has a null contact and keeps its identifier
/// and name; `intent` is `optOut` or `optIn` for a message that was only such a word.
struct InboundMessageJSON: Encodable {
    var id: Int64
    var channel: String
    @Nullable var contactId: Int64?
    @Nullable var contactName: String?
    var receivedAt: String
    @Nullable var senderIdentifier: String?
    @Nullable var senderName: String?
    @Nullable var text: String?
    @Nullable var providerMessageId: String?
    @Nullable var mediaUrl: String?
    @Nullable var mediaId: String?
    @Nullable var intent: String?
    var payload: JSONValue
}

/// `{"messages": [...]}`.
struct InboundListJSON: Encodable {
    var messages: [InboundMessageJSON]
}

/// `{"message": {...}, "enriched": {channel: identifier}}`: a message recorded, and the
/// identifiers it added to its contact.
struct InboundRecordedJSON: Encodable {
    var message: InboundMessageJSON
    var enriched: [String: String]
}
