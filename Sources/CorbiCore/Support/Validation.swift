import Foundation

/// Normalization and checks shared by the services.
public enum Validation {
    /// A `--limit` of rows to list: 0 or more (nil: no limit).
    public static func limit(_ limit: Int?) throws {
        if let limit, limit < 0 { throw CorbiError.invalid("The limit must be 0 or more.", hints: [.limit]) }
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
