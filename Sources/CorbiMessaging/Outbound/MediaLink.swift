import Foundation

/// A media URL checked before it goes to a provider, with the kind of attachment it most
/// likely is.
struct MediaLink: Sendable, Equatable {
    enum Kind: Sendable, Equatable { case image, document }

    let url: String
    let kind: Kind

    /// The link, or a permanent failure: only absolute `https` URLs with a host and no
    /// whitespace or control characters are sent (providers fetch them; nothing else is safe).
    static func check(_ text: String) -> Result<MediaLink, ProviderFailure> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 2048,
            trimmed.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value != 0x7F }),
            let url = URL(string: trimmed), url.scheme?.lowercased() == "https", let host = url.host, !host.isEmpty
        else {
            return .failure(ProviderFailure(code: "invalid-media-url", message: "the media URL must be an absolute https URL"))
        }
        let ext = url.pathExtension.lowercased()
        let images: Set<String> = ["jpg", "jpeg", "png", "gif", "webp"]
        return .success(MediaLink(url: trimmed, kind: images.contains(ext) ? .image : .document))
    }
}
