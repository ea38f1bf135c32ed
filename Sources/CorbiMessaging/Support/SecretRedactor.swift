/// Removes known secrets from text before it leaves a provider client. A Telegram bot
/// token travels in the URL path and a peer may echo a request back, so every message
/// built from a reply or a transport failure passes through here.
struct SecretRedactor: Sendable {
    private let secrets: [String]

    /// Secrets shorter than four characters are ignored: replacing them would mangle
    /// ordinary text without protecting anything.
    init(_ secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return result
    }
}
