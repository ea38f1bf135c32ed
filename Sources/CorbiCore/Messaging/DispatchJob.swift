import Foundation

/// Whose due messages a dispatcher claims.
public enum DispatchScope: Sendable {
    /// Every organization's: the dispatcher `corbi serve` runs.
    case allOrganizations
    /// One organization's, for a member running `outbox send` (staff and admins) or a
    /// service acting in it.
    case organization(Actor)
}

/// One value of a template message, in the template's order.
public struct TemplateArgument: Sendable, Equatable {
    /// The placeholder's name for named templates (`first_name`); nil for positional ones.
    public var name: String?
    public var value: String

    public init(name: String?, value: String) {
        self.name = name
        self.value = value
    }
}

/// The approved template a message was drafted from, as a provider wants it (WhatsApp
/// sends template messages by name and language with their parameters).
public struct TemplateReference: Sendable, Equatable {
    public var name: String
    public var language: String
    /// Whether the placeholders are `{{1}}`..`{{n}}`.
    public var isPositional: Bool
    /// Every placeholder's value: positional ones in numeric order (`{{1}}` first, as
    /// providers fill them by position), named ones in the template's order.
    public var parameters: [TemplateArgument]

    public init(name: String, language: String, isPositional: Bool, parameters: [TemplateArgument]) {
        self.name = name
        self.language = language
        self.isPositional = isPositional
        self.parameters = parameters
    }
}

/// A claimed message with everything a provider client needs to send it. The claim is
/// committed before the job is handed out; the outcome goes back through
/// ``AppDatabase/recordSendOutcome(_:_:maxAttempts:)``.
public struct DispatchJob: Sendable, Equatable {
    public var messageId: Int64
    public var organizationId: Int64
    public var organizationDomain: String
    public var organizationName: String
    public var channel: Channel
    /// The contact's identifier on the channel now (E.164 phone, chat id, scoped id, email).
    public var recipient: String
    public var contactId: Int64
    public var contactName: String
    public var body: String
    /// Email only.
    public var subject: String?
    public var mediaUrl: String?
    /// Follows the message through the provider (an email's Message-ID) and the audit trail.
    public var traceId: String
    /// Nil for free text.
    public var template: TemplateReference?
    /// Email only: the token of the message's one-click unsubscribe link.
    public var unsubscribeToken: String?
    /// The channel's provider account, secrets opened. Never print or log it.
    public var credentials: ProviderCredentials
    /// This attempt's number.
    public var attempt: Int
    /// The dispatcher holding the claim; only it may record the outcome.
    public var owner: String
    public var claimExpiresAt: Date
    /// The member whose `outbox send` claimed it (nil for `corbi serve`).
    public var runBy: String?

    /// A job as a claim makes it; public so that provider clients can be tested without
    /// a database.
    public init(
        messageId: Int64, organizationId: Int64, organizationDomain: String, organizationName: String, channel: Channel,
        recipient: String, contactId: Int64, contactName: String, body: String, subject: String? = nil,
        mediaUrl: String? = nil, traceId: String, template: TemplateReference? = nil, unsubscribeToken: String? = nil,
        credentials: ProviderCredentials, attempt: Int = 1, owner: String, claimExpiresAt: Date, runBy: String? = nil
    ) {
        self.messageId = messageId
        self.organizationId = organizationId
        self.organizationDomain = organizationDomain
        self.organizationName = organizationName
        self.channel = channel
        self.recipient = recipient
        self.contactId = contactId
        self.contactName = contactName
        self.body = body
        self.subject = subject
        self.mediaUrl = mediaUrl
        self.traceId = traceId
        self.template = template
        self.unsubscribeToken = unsubscribeToken
        self.credentials = credentials
        self.attempt = attempt
        self.owner = owner
        self.claimExpiresAt = claimExpiresAt
        self.runBy = runBy
    }
}

/// A due message the dispatcher settled instead of sending.
public struct SettledMessage: Sendable, Equatable {
    public var messageId: Int64
    public var organizationId: Int64
    public var channel: Channel
    /// The rule that stopped it (`suppressed`, `windowClosed`, ...) or `interrupted`.
    public var rule: String
    /// The error stored on the message.
    public var error: String
}

/// Due messages on a channel that has no usable provider account: they stay pending.
public struct WaitingChannel: Sendable, Equatable {
    public var organizationId: Int64
    public var organizationDomain: String
    public var channel: Channel
    public var messages: Int
    /// Why (no account, or its secrets cannot be opened).
    public var reason: String
}

/// What one claim did.
public struct DispatchBatch: Sendable, Equatable {
    /// Claimed, to be sent now.
    public var jobs: [DispatchJob] = []
    /// Failed by a send-time check: never sent.
    public var refused: [SettledMessage] = []
    /// Claims that expired with their attempt open, settled as failed (never resent).
    public var interrupted: [SettledMessage] = []
    /// Left pending until their channel has an account.
    public var waiting: [WaitingChannel] = []
    /// Due, but over their channel's rate this minute: left for a later claim.
    public var throttled: Int = 0
}
