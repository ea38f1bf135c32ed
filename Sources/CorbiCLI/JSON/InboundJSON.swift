import CorbiCore

/// An inbound message: `{"id", "channel", "contactId", "contactName", "receivedAt",
/// "mediaUrl", "payload"}`; an unknown sender shows as nulls.
struct InboundMessageJSON: Encodable {
    var id: Int64
    var channel: String
    @Nullable var contactId: Int64?
    @Nullable var contactName: String?
    var receivedAt: String
    @Nullable var mediaUrl: String?
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
