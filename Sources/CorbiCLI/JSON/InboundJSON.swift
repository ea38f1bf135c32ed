import CorbiCore
import Foundation

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

/// `inbound ingest --json`: what one webhook body or email stored.
struct InboundIngestJSON: Encodable {
    var channel: String
    /// The body's Telegram update was ingested before: nothing was done.
    var duplicateUpdate: Bool
    /// Messages stored now.
    var messages: [InboundMessageJSON]
    /// Ids of messages stored before (a provider's retry).
    var duplicates: [Int64]
    var statuses: Statuses
    var optOuts: [Keyword]
    /// Parts Corbi does not read, stored raw.
    var unrecognized: Int
    /// Parts left out on purpose (echoes of our own messages).
    var dropped: Int

    struct Statuses: Encodable {
        var applied: Int
        var unchanged: Int
        var kept: Int
    }

    struct Keyword: Encodable {
        var word: String
        var intent: String
        var identifier: String
        var changed: Bool
        var cancelledMessages: Int
    }

    init(_ r: InboundIngest, channel: Channel, dropped: Int, zone: TimeZone) {
        self.channel = channel.rawValue
        duplicateUpdate = r.duplicateUpdate
        let fresh = r.messages.filter { !$0.duplicate }
        messages = fresh.map { InboundCommand.json($0.message, contactName: $0.recorded?.contact?.fullName, zone: zone) }
        duplicates = r.messages.filter(\.duplicate).compactMap(\.message.id)
        var applied = 0, unchanged = 0, kept = 0
        for effect in r.statuses {
            switch effect {
            case .applied: applied += 1
            case .unchanged: unchanged += 1
            case .kept: kept += 1
            }
        }
        statuses = Statuses(applied: applied, unchanged: unchanged, kept: kept)
        optOuts = fresh.compactMap { m in
            m.recorded?.keyword.map {
                Keyword(
                    word: $0.word, intent: $0.intent.rawValue, identifier: m.message.senderIdentifier ?? "", changed: $0.changed,
                    cancelledMessages: $0.cancelledMessages)
            }
        }
        unrecognized = r.unrecognized.count
        self.dropped = dropped
    }
}
