/// A messaging channel; each matches one contact identifier.
public enum Channel: String, Codable, Sendable, CaseIterable {
    case whatsapp, telegram, instagram, email

    /// Parses a channel name given by a user (65 if unknown).
    public static func parse(_ text: String) throws -> Channel {
        guard let channel = Channel(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw CorbiError.invalid("Unknown channel '\(text)': use whatsapp, telegram, instagram or email.")
        }
        return channel
    }

    /// The contact field that holds this channel's identifier.
    public var contactColumn: String {
        switch self {
        case .whatsapp: "phoneWhatsapp"
        case .telegram: "telegramChatId"
        case .instagram: "instagramScopedId"
        case .email: "email"
        }
    }
}
