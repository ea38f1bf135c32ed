import CorbiCore

/// Sender identifiers from payloads, in the form Corbi stores them.
public enum SenderIdentifier {
    /// A WhatsApp `from` / `wa_id` / `recipient_id`: bare international digits
    /// (`491512345678`), never a national number. Gives `+491512345678`, passed through
    /// Corbi's phone normalization when it accepts the number (so it equals a contact's
    /// stored phone), else kept as `+<digits>`. Nil unless 7 to 15 ASCII digits.
    public static func whatsapp(_ digits: String) -> String? {
        var text = digits.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("+") { text.removeFirst() }
        guard (7...15).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let international = "+" + text
        // A calling code Corbi does not know must not turn into an error or a national
        // reading: the digits are international by definition.
        return (try? Channel.whatsapp.normalizeIdentifier(international, callingCode: nil)) ?? international
    }

    /// A Telegram chat id as text; nil for 0.
    public static func telegram(_ chatId: Int64) -> String? {
        chatId == 0 ? nil : String(chatId)
    }
}
