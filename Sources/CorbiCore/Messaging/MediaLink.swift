import Foundation

/// Links to media sent with a message (an image, a document). Providers fetch them from
/// the internet, so only https links are taken: a plain-http or file link would either
/// be refused by the provider at send time or leak what it points at.
public enum MediaLink {
    /// The link, trimmed, when it is an absolute https URL with a host and no spaces or
    /// control characters, at most 2048 characters; 65 otherwise.
    public static func validate(_ text: String) throws -> String {
        let link = text.trimmed
        let shown = ExternalText.display(link, limit: 80)
        guard !link.isEmpty else { throw CorbiError.invalid("The media link is empty.") }
        guard link.count <= 2048,
            link.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0.isASCII || $0.value > 0x9F && !$0.properties.isWhitespace && $0.properties.generalCategory != .format }),
            let components = URLComponents(string: link), let scheme = components.scheme
        else {
            throw CorbiError.invalid("The media link '\(shown)' is not a URL.")
        }
        guard scheme.lowercased() == "https" else {
            throw CorbiError.invalid("The media link '\(shown)' must be an https URL (providers fetch media over https).")
        }
        guard let host = components.host, !host.isEmpty, components.user == nil, components.password == nil else {
            throw CorbiError.invalid("The media link '\(shown)' has no host (like https://example.com/photo.jpg).")
        }
        return link
    }
}
