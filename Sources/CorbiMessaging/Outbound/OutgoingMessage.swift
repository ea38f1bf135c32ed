import CorbiCore

/// One message to hand to a provider, as the dispatcher builds it from an outbound record.
public struct OutgoingMessage: Sendable, Equatable {
    /// The channel; a provider refuses a message for another channel (permanent failure).
    public var channel: Channel
    /// The recipient's identifier as Corbi stores it: an E.164 number (`+4915...`) on
    /// WhatsApp, a chat id on Telegram, an Instagram-scoped id, an email address.
    public var recipient: String
    /// Free text or a template.
    public var content: OutgoingContent
    /// Email only: the subject line.
    public var subject: String?
    /// An `https` URL of an image or a file sent with the message; anything else is refused
    /// (permanent failure) before a provider is called.
    public var mediaURL: String?
    /// Follows the message through the provider: the email `Message-ID` is derived from it.
    public var traceId: String
    /// Email only: sender and unsubscribe targets. Required on the email channel.
    public var email: EmailDetails?

    /// A message with the given fields.
    public init(
        channel: Channel, recipient: String, content: OutgoingContent, subject: String? = nil,
        mediaURL: String? = nil, traceId: String, email: EmailDetails? = nil
    ) {
        self.channel = channel
        self.recipient = recipient
        self.content = content
        self.subject = subject
        self.mediaURL = mediaURL
        self.traceId = traceId
        self.email = email
    }
}

/// What a message says.
public enum OutgoingContent: Sendable, Equatable {
    /// Free text. WhatsApp and Instagram accept it only within 24 hours of the contact's
    /// last message (the core checks that before sending).
    case text(String)
    /// A template approved by the provider (WhatsApp); other channels send its rendered text.
    case template(OutgoingTemplate)

    /// The text a person reads: the free text, or the template's rendered text.
    public var text: String {
        switch self {
        case .text(let text): text
        case .template(let template): template.renderedText
        }
    }
}
