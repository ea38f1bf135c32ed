import Crypto
import Foundation

/// Checks that a webhook request comes from the provider.
public enum WebhookSignature {
    /// The `X-Hub-Signature-256` value Meta sends for `body`: `sha256=` and the lower-case
    /// hex HMAC-SHA256 of the raw body with the app secret. For tests and benchmarks.
    public static func metaSignature(body: some DataProtocol, appSecret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(appSecret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// Verifies Meta's `X-Hub-Signature-256` header over the raw `body` (WhatsApp and
    /// Instagram), comparing in constant time. Throws why it does not hold.
    public static func verifyMeta(
        body: some DataProtocol, signatureHeader: String?, appSecret: String
    ) throws(WebhookAuthenticationError) {
        guard !appSecret.isEmpty else { throw .notConfigured }
        guard let header = signatureHeader?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { throw .missing }
        guard header.count == 71, header.lowercased().hasPrefix("sha256="), let given = hexBytes(header.dropFirst(7)) else {
            throw .malformed
        }
        let key = SymmetricKey(data: Data(appSecret.utf8))
        guard HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: body, using: key) else { throw .mismatch }
    }

    /// Verifies Telegram's `X-Telegram-Bot-Api-Secret-Token` header against the
    /// `secret_token` given to `setWebhook`, in constant time.
    public static func verifyTelegram(secretTokenHeader: String?, secretToken: String) throws(WebhookAuthenticationError) {
        guard !secretToken.isEmpty else { throw .notConfigured }
        guard let header = secretTokenHeader, !header.isEmpty else { throw .missing }
        guard ConstantTime.equal(header, secretToken) else { throw .mismatch }
    }

    private static func hexBytes(_ text: Substring) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var high: UInt8?
        for scalar in text.unicodeScalars {
            let nibble: UInt8
            switch scalar {
            case "0"..."9": nibble = UInt8(scalar.value - 48)
            case "a"..."f": nibble = UInt8(scalar.value - 87)
            case "A"..."F": nibble = UInt8(scalar.value - 55)
            default: return nil
            }
            if let h = high {
                bytes.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return high == nil ? bytes : nil
    }
}

/// Why a webhook request is not taken as the provider's (answer 401, store nothing).
public enum WebhookAuthenticationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The channel has no app secret or secret token to check against.
    case notConfigured
    /// No signature or token header.
    case missing
    /// A signature header that is not `sha256=` and 64 hex digits.
    case malformed
    /// The signature or token does not match.
    case mismatch

    /// A sentence for a log line.
    public var description: String {
        switch self {
        case .notConfigured: "The channel has no secret to check webhook signatures with."
        case .missing: "The request carries no signature."
        case .malformed: "The request's signature is malformed."
        case .mismatch: "The request's signature does not match."
        }
    }
}
