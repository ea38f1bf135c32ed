import Foundation

/// Normalization and checks shared by the services.
public enum Validation {
    /// A `--limit` of rows to list: 0 or more (nil: no limit).
    public static func limit(_ limit: Int?) throws {
        if let limit, limit < 0 { throw CorbiError.invalid("The limit must be 0 or more.", hints: [.limit]) }
    }

    /// The longest name of a person, organization or member.
    public static let maximumNameLength = 200
    /// The longest notes of a contact or booking.
    public static let maximumNotesLength = 4000
    /// The longest tag, and the most tags of a contact.
    public static let maximumTagLength = 100
    public static let maximumTags = 50

    /// Text a person typed for a record, by one rule for every input: 65 for a control
    /// character (a NUL would cut the text short where it is shown; an escape sequence
    /// would act on a terminal), newlines and tabs allowed only in multi-line fields, and
    /// for text longer than `maxLength` characters. Returns the text unchanged.
    @discardableResult
    public static func text(_ text: String, field: String, maxLength: Int, multiline: Bool = false) throws -> String {
        if let bad = text.unicodeScalars.first(where: { isForbidden($0, multiline: multiline) }) {
            let what = bad == "\n" || bad == "\r" ? "a line break" : "a control character (U+\(String(format: "%04X", bad.value)))"
            throw CorbiError.invalid("The \(field) contains \(what); \(multiline ? "only line breaks and tabs are allowed" : "it must be one line of text").")
        }
        guard text.count <= maxLength else {
            throw CorbiError.invalid("The \(field) is too long (\(text.count) characters; at most \(maxLength)).")
        }
        return text
    }

    static func isForbidden(_ scalar: Unicode.Scalar, multiline: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0D, 0x09: !multiline
        case 0x00...0x1F, 0x7F...0x9F: true
        // Bidirectional overrides reorder what a reader sees.
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// Trimmed, lower-cased, syntax-checked email address.
    public static func email(_ text: String) throws -> String {
        let email = text.trimmed.lowercased()
        guard isEmail(email) else { throw CorbiError.invalid("'\(text)' is not a valid email address.") }
        return email
    }

    /// A pragmatic check: one `@`, a non-empty local part without spaces, and a domain
    /// with a dot and labels of letters, digits and hyphens.
    public static func isEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64, email.count <= 254 else { return false }
        let local = parts[0], domain = parts[1]
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-")
        guard local.allSatisfy({ localAllowed.contains($0) || !$0.isASCII }),
            !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        }
    }

    /// An organization domain: lower case letters, digits, dots and hyphens.
    public static func domain(_ text: String) throws -> String {
        let domain = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        guard !domain.isEmpty, domain.count <= 253, domain.allSatisfy(allowed.contains),
            !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains(".."), domain.first != "-"
        else {
            throw CorbiError.invalid("'\(text)' is not a valid domain (letters, digits, dots and hyphens, like clinic.example).")
        }
        return domain
    }

    /// An IANA time zone identifier known to this system.
    public static func timezone(_ text: String) throws -> String {
        let id = text.trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty, let zone = TimeZone(identifier: id),
            id == "UTC" || id == "GMT" || TimeZone.knownTimeZoneIdentifiers.contains(id) || zone.identifier == id
        else {
            throw CorbiError.invalid("'\(text)' is not an IANA time zone (like Europe/Berlin or America/New_York).")
        }
        return id
    }

    /// A country calling code, 1 to 3 digits.
    public static func callingCode(_ code: Int) throws {
        guard (1...999).contains(code) else {
            throw CorbiError.invalid("'\(code)' is not a country calling code (1 to 999, like 49 or 1).")
        }
    }
}
