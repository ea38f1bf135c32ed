import Foundation

/// The parts of turning an HTTP exchange into a `SendOutcome` that all HTTP providers share.
enum HTTPOutcome {
    /// A transport failure as an outcome: temporary unless the URL itself is unusable or
    /// the answer was oversized.
    static func failure(_ failure: TransportFailure, redactor: SecretRedactor) -> SendOutcome {
        let providerFailure = ProviderFailure(code: failure.kind.rawValue, message: SafeText.clean(redactor.redact(failure.message)))
        return failure.isTemporary ? .temporary(providerFailure) : .permanent(providerFailure)
    }

    /// A redirect is permanent: the configured URL is wrong, and following it could hand
    /// the credentials to another host.
    static func redirect(_ response: HTTPTransport.Response) -> SendOutcome? {
        guard (300..<400).contains(response.status) else { return nil }
        return .permanent(ProviderFailure(
            code: "redirect",
            message: "the provider answered HTTP \(response.status) with a redirect, which is never followed; check the API URL"))
    }

    /// The `Retry-After` header's delay, if any.
    static func retryAfter(_ response: HTTPTransport.Response, now: Date = Date()) -> TimeInterval? {
        response.header("Retry-After").flatMap { RetryAfter.seconds($0, now: now) }
    }

    /// A 2xx answer without the id we need: permanent, because the provider may well have
    /// sent the message, and retrying could deliver it twice.
    static func unreadableReply(_ response: HTTPTransport.Response) -> SendOutcome {
        .permanent(ProviderFailure(
            code: "unreadable-reply",
            message: "the provider answered HTTP \(response.status) without a message id; the message may have been sent, so it is not retried"))
    }

    /// An error answer that carried nothing the provider-specific code recognised.
    static func plainStatus(_ response: HTTPTransport.Response) -> SendOutcome {
        let failure = ProviderFailure(code: "http-\(response.status)", message: "the provider answered HTTP \(response.status)",
            retryAfter: retryAfter(response))
        return response.status == 429 || response.status >= 500 ? .temporary(failure) : .permanent(failure)
    }

    /// JSON encoding of a request body; slashes stay readable.
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        // Encoding these plain structs of strings cannot fail.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }
}
