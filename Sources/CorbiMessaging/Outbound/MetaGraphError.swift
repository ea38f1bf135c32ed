import Foundation

/// The error object of Meta's Graph API (WhatsApp Cloud API and Instagram messaging):
/// `{"error":{"message","type","code","error_subcode","error_data":{"details"},"is_transient","fbtrace_id"}}`.
struct MetaGraphError: Sendable, Equatable {
    var code: Int?
    var subcode: Int?
    var message: String?
    var details: String?
    var isTransient: Bool?

    /// Codes that mean "slow down or try later" (Graph API and WhatsApp documentation):
    /// 1 unknown/possibly server error, 2 service temporarily unavailable, 4 application
    /// rate limit, 17 user rate limit, 32 page rate limit, 613 calls over the limit,
    /// 80002/80006/80007 Instagram/Messenger/WhatsApp Business use-case rate limits,
    /// 130429 throughput limit, 131000 "something went wrong", 131016 service unavailable,
    /// 131048 spam rate limit, 131056 pair (business, consumer) rate limit, 133004 server
    /// temporarily unavailable. Everything else (131047 re-engagement window closed,
    /// 131026 undeliverable, 131009/100 invalid parameter or recipient, 131050 user
    /// stopped marketing, 131049 per-user marketing limit, 190 expired token, 132xxx
    /// template errors, ...) is permanent for this message.
    static let temporaryCodes: Set<Int> = [1, 2, 4, 17, 32, 613, 80002, 80006, 80007, 130429, 131000, 131016, 131048, 131056, 133004]

    /// The error object in `body`, or nil when there is none.
    static func parse(_ body: Data) -> MetaGraphError? {
        guard let root = try? WireJSON.parse(body), let error = JSONNode(root)["error"], error.isObject else { return nil }
        var parsed = MetaGraphError()
        parsed.code = (error["code"]?.int ?? error["code"]?.string.flatMap { Int64($0) }).flatMap { Int(exactly: $0) }
        parsed.subcode = (error["error_subcode"]?.int).flatMap { Int(exactly: $0) }
        parsed.message = error["message"]?.string
        parsed.details = error["error_data"]?["details"]?.string
        parsed.isTransient = error["is_transient"]?.bool
        return parsed
    }

    /// Whether an answer with this error and `status` is worth trying again.
    func isTemporary(status: Int) -> Bool {
        if let code, Self.temporaryCodes.contains(code) { return true }
        if isTransient == true { return true }
        return status == 429 || status >= 500
    }

    /// The outcome for an answer with HTTP `status` that carried this error.
    func outcome(status: Int, retryAfter: TimeInterval?, redactor: SecretRedactor) -> SendOutcome {
        var text = message ?? "HTTP \(status)"
        if let subcode { text += " (subcode \(subcode))" }
        if let details, !details.isEmpty, details != message { text += ": " + details }
        let failure = ProviderFailure(
            code: code.map(String.init) ?? "http-\(status)",
            message: SafeText.clean(redactor.redact(text)),
            retryAfter: retryAfter)
        return isTemporary(status: status) ? .temporary(failure) : .permanent(failure)
    }
}
