import CorbiCore
import Foundation

extension OutgoingMessage {
    /// The message a provider sends for a claimed job: a template with its parameters in
    /// the core's order (channels without templates send the rendered text), the media
    /// link, and for email the sender from the account, a Message-ID from the trace id and
    /// `List-Unsubscribe`: a mailto reply to the sender with the subject "unsubscribe"
    /// (read back by `corbi inbound ingest email` as an opt-out), and with a `publicURL` the
    /// one-click link `<publicURL>/unsubscribe/TOKEN` (RFC 8058).
    ///
    /// Fails (permanently: retrying cannot help) when the email account's From address is
    /// not usable.
    public static func forJob(_ job: DispatchJob, publicURL: URL?) -> Result<OutgoingMessage, ProviderFailure> {
        let content: OutgoingContent = job.template.map { .template(OutgoingTemplate($0, renderedText: job.body)) } ?? .text(job.body)
        var message = OutgoingMessage(
            channel: job.channel, recipient: job.recipient, content: content, subject: job.subject, mediaURL: job.mediaUrl,
            traceId: job.traceId)
        guard job.channel == .email else { return .success(message) }
        guard let from = job.credentials.from, let sender = try? EmailAddress(parsing: from) else {
            return .failure(ProviderFailure(code: "configuration", message: "the email channel has no usable From address"))
        }
        var unsubscribe = ListUnsubscribe(mailto: "mailto:\(sender.address)?subject=unsubscribe")
        if let publicURL, let token = job.unsubscribeToken {
            unsubscribe.oneClickURL = Self.oneClickURL(publicURL, token: token)
        }
        message.email = EmailDetails(from: sender, listUnsubscribe: unsubscribe)
        return .success(message)
    }

    /// `https://corbi.example.com/unsubscribe/TOKEN` (a trailing slash on the base is dropped).
    static func oneClickURL(_ base: URL, token: String) -> String {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text + "/unsubscribe/" + token
    }
}

extension ProviderOutcome {
    /// The core's outcome for a provider's answer to `job`: temporary failures are retried
    /// after the policy's full-jitter delay for this failure (a provider's `Retry-After`
    /// is a minimum); the core fails the message once `policy.maxAttempts` attempts failed.
    public init(
        _ outcome: SendOutcome, job: DispatchJob, policy: RetryPolicy, using generator: inout some RandomNumberGenerator
    ) {
        switch outcome {
        case .accepted(let receipt):
            self = .accepted(providerMessageId: receipt.providerMessageId, providerStatus: receipt.providerStatus)
        case .permanent(let failure):
            self = .permanent(ProviderError(code: failure.code, message: failure.message))
        case .temporary(let failure):
            // This failure is number retryCount + 1; past the last attempt the delay does not
            // matter (the core fails the message), so the exponent is capped to get one.
            let failures = max(1, min(job.retryCount + 1, policy.maxAttempts - 1))
            let delay = policy.delay(afterFailures: failures, retryAfter: failure.retryAfter, using: &generator) ?? 0
            self = .temporary(ProviderError(code: failure.code, message: failure.message), retryAfter: delay)
        }
    }
}
