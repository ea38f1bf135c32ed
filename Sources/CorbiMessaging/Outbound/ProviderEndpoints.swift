import Foundation

/// The providers' public API roots (the README's defaults). The application reads
/// `CORBI_WHATSAPP_API_URL`, `CORBI_INSTAGRAM_API_URL`, `CORBI_TELEGRAM_API_URL` and
/// `CORBI_SENDMAIL` and passes their values in; this module reads no environment.
public enum ProviderEndpoints {
    /// WhatsApp Cloud API (Graph API version 21).
    public static let whatsapp = URL(string: "https://graph.facebook.com/v21.0")!
    /// Instagram messaging (Instagram Graph API version 21).
    public static let instagram = URL(string: "https://graph.instagram.com/v21.0")!
    /// Telegram Bot API.
    public static let telegram = URL(string: "https://api.telegram.org")!
    /// The sendmail-compatible command line for email.
    public static let sendmail = "/usr/sbin/sendmail -t -oi"

    /// `base` followed by the path segments, without doubled slashes. Each segment must
    /// have been checked by the caller to hold no `/`, `?` or `#`.
    static func url(_ base: URL, _ segments: String...) -> URL? {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        for segment in segments { text += "/" + segment }
        return URL(string: text)
    }

    /// Whether `text` may stand in a URL path as it is: ASCII letters, digits, `-`, `_`, `.`, `:`.
    static func isPathSafe(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 256
            && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.:".unicodeScalars.contains($0)) }
            && text != "." && text != ".."
    }

    /// Whether `text` may be sent as an HTTP header value: no control characters at all.
    static func isHeaderSafe(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && $0.isASCII }
    }
}
