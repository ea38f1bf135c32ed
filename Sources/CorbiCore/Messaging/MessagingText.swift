import Foundation

/// Small readings of typed text shared by the template and messaging services.
public enum MessagingText {
    /// `12` or `#12` as a record id; nil for anything else.
    public static func recordID(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        return Int64(t.hasPrefix("#") ? String(t.dropFirst()) : t)
    }

    /// The text, or nil when it is nil or blank.
    static func nonBlank(_ text: String?) -> String? {
        text.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
    }
}
