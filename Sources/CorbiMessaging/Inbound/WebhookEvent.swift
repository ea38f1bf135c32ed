import CorbiCore
import Foundation

/// One thing a webhook body (or an email) told us.
public enum WebhookEvent: Sendable, Equatable {
    /// A person wrote to the organization.
    case message(ReceivedMessage)
    /// A message we sent moved on (sent, delivered, read, failed).
    case status(DeliveryStatusUpdate)
    /// A part Corbi does not act on (an echo, a reaction, another webhook field); kept raw.
    case ignored(IgnoredWebhookPart)
}

/// A message from a person, as a provider delivered it.
public struct ReceivedMessage: Sendable, Equatable {
    /// The channel it came on.
    public var channel: Channel
    /// The sender's identifier as Corbi stores it: `+<digits>` on WhatsApp, the chat id on
    /// Telegram, the Instagram-scoped id, the lower-cased email address.
    public var sender: String
    /// The sender's name as the provider shows it (WhatsApp profile, Telegram first and
    /// last name, email display name); nil when not given.
    public var senderName: String?
    /// Telegram `@username` (without `@`); nil elsewhere.
    public var senderUsername: String?
    /// Our side: WhatsApp `phone_number_id`, Instagram account id, email `To` addresses.
    public var recipients: [String]
    /// The provider's message id (`wamid.`, `CHAT_ID:MESSAGE_ID`, `mid`, Message-ID
    /// without angle brackets): unique per channel, the key for duplicates.
    public var providerMessageId: String
    /// The text, a caption, or a button's title; nil for media without caption.
    public var text: String?
    /// Email only.
    public var subject: String?
    /// An attachment (the first, when there are several).
    public var media: ReceivedMedia?
    /// A shared location.
    public var location: ReceivedLocation?
    /// The provider id of the message this one answers (WhatsApp `context.id`, Instagram
    /// `reply_to.mid`, Telegram reply, email `In-Reply-To`).
    public var replyTo: String?
    /// When the provider says it was sent.
    public var timestamp: Date?
    /// A Telegram `edited_message`: a new version of a message already received.
    public var isEdit: Bool
    /// Telegram's `update_id` (a delivery's own id, for deduplication); nil elsewhere.
    public var updateId: Int64?
    /// The part of the payload this event came from, to store as received.
    public var raw: JSONValue

    /// A message with the given fields (parsers build these; tests and relays may too).
    public init(
        channel: Channel, sender: String, senderName: String? = nil, senderUsername: String? = nil, recipients: [String] = [],
        providerMessageId: String, text: String? = nil, subject: String? = nil, media: ReceivedMedia? = nil,
        location: ReceivedLocation? = nil, replyTo: String? = nil, timestamp: Date? = nil, isEdit: Bool = false,
        updateId: Int64? = nil, raw: JSONValue
    ) {
        self.channel = channel
        self.sender = sender
        self.senderName = senderName
        self.senderUsername = senderUsername
        self.recipients = recipients
        self.providerMessageId = providerMessageId
        self.text = text
        self.subject = subject
        self.media = media
        self.location = location
        self.replyTo = replyTo
        self.timestamp = timestamp
        self.isEdit = isEdit
        self.updateId = updateId
        self.raw = raw
    }
}

/// An attachment of a received message: a URL (Instagram) or the provider's media id to
/// fetch it with (WhatsApp media id, Telegram `file_id`).
public struct ReceivedMedia: Sendable, Equatable {
    /// `image`, `document`, `audio`, `video`, `sticker`, `voice`, `file`, ... as the provider names it.
    public var kind: String
    /// Where to fetch it, when the provider gives a URL (Instagram).
    public var url: String?
    /// The provider's id to fetch it with (WhatsApp media id, Telegram `file_id`).
    public var id: String?
    /// The MIME type, when given.
    public var mimeType: String?
    /// The file name, when given (documents).
    public var fileName: String?

    /// An attachment with the given fields.
    public init(kind: String, url: String? = nil, id: String? = nil, mimeType: String? = nil, fileName: String? = nil) {
        self.kind = kind
        self.url = url
        self.id = id
        self.mimeType = mimeType
        self.fileName = fileName
    }
}

/// A location a person shared.
public struct ReceivedLocation: Sendable, Equatable {
    /// Degrees north.
    public var latitude: Double
    /// Degrees east.
    public var longitude: Double
    /// The place's name, when given.
    public var name: String?
    /// The place's address, when given.
    public var address: String?

    /// A location with the given fields.
    public init(latitude: Double, longitude: Double, name: String? = nil, address: String? = nil) {
        self.latitude = latitude
        self.longitude = longitude
        self.name = name
        self.address = address
    }
}

/// Where a message we sent stands, as the provider reports it.
public enum DeliveryState: String, Sendable, Equatable, CaseIterable {
    case sent, delivered, read, failed
}

/// A provider's report on a message we sent.
public struct DeliveryStatusUpdate: Sendable, Equatable {
    /// The channel the message was sent on.
    public var channel: Channel
    /// The id the send was accepted with (`SendReceipt.providerMessageId`).
    public var providerMessageId: String
    /// Where the message now is.
    public var status: DeliveryState
    /// The recipient as Corbi stores identifiers (`+<digits>` on WhatsApp), when given.
    public var recipient: String?
    /// The provider's error code for `failed` (WhatsApp `errors[0].code`).
    public var errorCode: String?
    /// The provider's error title and message, cleaned of control characters.
    public var errorMessage: String?
    /// When the provider says it happened.
    public var timestamp: Date?
    /// The part of the payload this event came from.
    public var raw: JSONValue

    /// A status update with the given fields.
    public init(
        channel: Channel, providerMessageId: String, status: DeliveryState, recipient: String? = nil, errorCode: String? = nil,
        errorMessage: String? = nil, timestamp: Date? = nil, raw: JSONValue
    ) {
        self.channel = channel
        self.providerMessageId = providerMessageId
        self.status = status
        self.recipient = recipient
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.timestamp = timestamp
        self.raw = raw
    }
}

/// A well-formed part of a payload that Corbi does not act on, kept as received.
public struct IgnoredWebhookPart: Sendable, Equatable {
    /// The channel it came on.
    public var channel: Channel
    /// Why it was not acted on (`message type reaction`, `echo of our own message`, ...).
    public var reason: String
    /// The part as received.
    public var raw: JSONValue

    /// An ignored part with the given fields.
    public init(channel: Channel, reason: String, raw: JSONValue) {
        self.channel = channel
        self.reason = reason
        self.raw = raw
    }
}
