import Foundation
import GRDB

/// A message a contact (or an unknown sender) sent to the organization.
public struct InboundMessage: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "inboundMessage"
    public var id: Int64?
    public var organizationId: Int64
    /// Nil when no contact matched, or after the contact was deleted.
    public var contactId: Int64?
    public var channel: Channel
    /// The provider's payload: JSON text, kept as received.
    public var payload: String
    public var mediaUrl: String?
    public var receivedAt: Date
    /// The provider's id of the message; unique per organization and channel.
    public var providerMessageId: String?
    /// The sender's identifier on the channel, normalized as contacts store it.
    public var senderIdentifier: String?
    /// The sender's name as the provider gave it (a profile name): untrusted text.
    public var senderName: String?
    /// The message text, as sent.
    public var text: String?
    /// The provider's id of attached media, when it gives no link.
    public var mediaId: String?
    /// Set when the message was only an opt-out or opt-in word.
    public var intent: InboundIntent?

    public init(
        id: Int64? = nil, organizationId: Int64, contactId: Int64?, channel: Channel, payload: JSONValue,
        mediaUrl: String? = nil, receivedAt: Date
    ) {
        self.id = id
        self.organizationId = organizationId
        self.contactId = contactId
        self.channel = channel
        self.payload = payload.canonicalString
        self.mediaUrl = mediaUrl
        self.receivedAt = receivedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The payload as a JSON value.
    public var payloadValue: JSONValue { JSONValue.parse(payload) }

    /// The sender's name fit for a terminal (no control or bidi characters), or nil.
    public var senderDisplayName: String? { ExternalText.displayOrNil(senderName, limit: 100) }
}
