import Foundation

/// A message a provider's webhook delivered, as a parser read it. Everything here came
/// from outside: the service normalizes and checks it, and stores it as given.
public struct InboundMessageEvent: Sendable, Equatable {
    /// The provider's id of the message (`wamid...`, Telegram `CHAT_ID:MESSAGE_ID`,
    /// Instagram `mid`, an email's Message-ID); duplicates by this id are stored once.
    public var providerMessageId: String?
    /// The sender on the channel: WhatsApp international digits (`+491512345678` or the
    /// bare `491512345678` the Cloud API sends), Telegram chat id, Instagram scoped id,
    /// email address.
    public var sender: String
    /// The sender's profile name, if the provider tells it.
    public var senderName: String?
    /// The text (an email's text part).
    public var text: String?
    /// An email's subject.
    public var subject: String?
    public var mediaUrl: String?
    /// The provider's id of attached media (WhatsApp media id, Telegram file id).
    public var mediaId: String?
    /// When the sender sent it, by the provider's clock (default: when it arrived).
    public var sentAt: Date?
    /// The part of the payload this message came from, stored as received.
    public var payload: JSONValue

    public init(
        providerMessageId: String?, sender: String, senderName: String? = nil, text: String? = nil,
        subject: String? = nil, mediaUrl: String? = nil, mediaId: String? = nil, sentAt: Date? = nil,
        payload: JSONValue = [:]
    ) {
        self.providerMessageId = providerMessageId
        self.sender = sender
        self.senderName = senderName
        self.text = text
        self.subject = subject
        self.mediaUrl = mediaUrl
        self.mediaId = mediaId
        self.sentAt = sentAt
        self.payload = payload
    }
}

/// One thing a webhook request carries.
public enum InboundEvent: Sendable, Equatable {
    /// Someone wrote to the organization.
    case message(InboundMessageEvent)
    /// A provider reports on a message Corbi sent.
    case status(DeliveryStatusEvent)
    /// A well-signed part Corbi does not understand: stored raw, without a sender.
    case unrecognized(JSONValue)
}

/// What one inbound message of a webhook did.
public struct InboundIngested: Sendable, Equatable {
    /// The stored message (for a duplicate: the one stored the first time).
    public var message: InboundMessage
    /// Whether it had been stored already (a provider retrying its webhook).
    public var duplicate: Bool
    /// What storing it did; nil for a duplicate.
    public var recorded: InboundRecorded?
}

/// What applying a webhook request did, in one transaction.
public struct InboundIngest: Sendable, Equatable {
    /// The request's update id was handled before (Telegram retrying): nothing was done.
    public var duplicateUpdate: Bool
    public var messages: [InboundIngested]
    public var statuses: [DeliveryStatusEffect]
    /// Unrecognized parts stored raw.
    public var unrecognized: [InboundMessage]
}
