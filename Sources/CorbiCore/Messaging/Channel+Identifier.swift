import Foundation
import GRDB

extension Channel {
    /// Normalizes an identifier on this channel the way contacts store it: email
    /// lower-cased and checked, phone to E.164 (national numbers with `callingCode`),
    /// Telegram a whole number, Instagram trimmed. Throws 65 for anything else.
    public func normalizeIdentifier(_ text: String, callingCode: Int?) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CorbiError.invalid("The \(rawValue) identifier is empty.") }
        switch self {
        case .email:
            return try Validation.email(trimmed)
        case .whatsapp:
            guard let phone = try PhoneNumber.normalize(trimmed, defaultCallingCode: callingCode) else {
                throw CorbiError.invalid("The whatsapp identifier is empty.")
            }
            return phone
        case .telegram:
            guard let id = try ContactInput.telegramChatId(trimmed) else {
                throw CorbiError.invalid("The telegram identifier is empty.")
            }
            return String(id)
        case .instagram:
            return trimmed
        }
    }

    /// An identifier as the contact column stores it (Telegram ids are integers).
    func databaseValue(ofIdentifier identifier: String) -> any DatabaseValueConvertible {
        self == .telegram ? (Int64(identifier) ?? 0) : identifier
    }

    /// Whether free text (not a template) may only be sent within 24 hours after the
    /// contact's last inbound message, as WhatsApp and Instagram require.
    public var hasCustomerServiceWindow: Bool {
        self == .whatsapp || self == .instagram
    }
}
