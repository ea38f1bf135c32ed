import CorbiCore

/// The parser for a channel, for front ends that take the channel as a word
/// (`corbi inbound ingest CHANNEL`, `POST /webhooks/{domain}/{channel}`).
public enum WebhookParser {
    /// The events of `body` on `channel`: a webhook JSON body read within `limits`, or for
    /// email an RFC 5322 message (one message event; `EmailParser`'s own size limit, since
    /// mail with attachments is larger than any webhook).
    public static func parse(
        _ body: some Collection<UInt8>, channel: Channel, limits: WebhookLimits = WebhookLimits()
    ) throws(WebhookPayloadError) -> [WebhookEvent] {
        switch channel {
        case .whatsapp: try WhatsAppWebhookParser(limits: limits).parse(body)
        case .telegram: try TelegramUpdateParser(limits: limits).parse(body)
        case .instagram: try InstagramWebhookParser(limits: limits).parse(body)
        case .email: [.message(try EmailParser().parse(body))]
        }
    }
}
