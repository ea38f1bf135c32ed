import CorbiCore

/// A mailbox: an address with an optional display name, as in `Anna Weber <anna@example.com>`.
public struct EmailAddress: Sendable, Equatable, CustomStringConvertible {
    /// The address, trimmed and lower-cased.
    public let address: String
    /// The display name, without control characters; nil when there is none.
    public let displayName: String?

    /// Checks `address` (Corbi's email syntax) and cleans `displayName` of control
    /// characters, so neither can break out of a header.
    public init(address: String, displayName: String? = nil) throws(EmailAddressError) {
        let normalized = address.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard Validation.isEmail(normalized), !normalized.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidAddress
        }
        self.address = normalized
        let name = displayName.map { SafeText.clean($0, limit: 200) }
        self.displayName = (name?.isEmpty ?? true) ? nil : name
    }

    /// Reads `Name <address>`, `"Name, Jr." <address>` or a bare address (as `channels set
    /// email from=...` takes it).
    public init(parsing text: String) throws(EmailAddressError) {
        guard let (name, address) = MailboxSyntax.split(text) else { throw .invalidAddress }
        try self.init(address: address, displayName: name)
    }

    /// The part after the `@`.
    public var domain: String { String(address[address.index(after: address.lastIndex(of: "@")!)...]) }

    /// `Name <address>` or the bare address, for reading (not a header encoding).
    public var description: String { displayName.map { "\($0) <\(address)>" } ?? address }
}

/// Why an email address was refused.
public enum EmailAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidAddress

    /// A sentence for an error message.
    public var description: String { "Not a valid email address (name@example.com, or Name <name@example.com>)." }
}

/// Splitting a mailbox into display name and address, honouring quoted strings and comments.
enum MailboxSyntax {
    /// `(display name, address)` of `text`, or nil when no address can be found.
    static func split(_ text: String) -> (String?, String)? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var display = ""
        var address: String?
        var inQuotes = false
        var escaped = false
        var commentDepth = 0
        var comment = ""
        var angle: String?
        for ch in trimmed {
            if escaped {
                if angle != nil { angle!.append(ch) } else if commentDepth > 0 { comment.append(ch) } else { display.append(ch) }
                escaped = false
                continue
            }
            if var inside = angle {
                if ch == ">" {
                    address = inside
                    angle = nil
                } else {
                    inside.append(ch)
                    angle = inside
                }
                continue
            }
            switch ch {
            case "\\" where inQuotes || commentDepth > 0:
                escaped = true
            case "\"" where commentDepth == 0:
                inQuotes.toggle()
            case "(" where !inQuotes:
                if commentDepth > 0 { comment.append(ch) }
                commentDepth += 1
            case ")" where !inQuotes && commentDepth > 0:
                commentDepth -= 1
                if commentDepth > 0 { comment.append(ch) }
            case "<" where !inQuotes && commentDepth == 0:
                angle = ""
            default:
                if commentDepth > 0 { comment.append(ch) } else { display.append(ch) }
            }
        }
        let name: String?
        let addr: String
        if let address {
            addr = address
            name = display.trimmingCharacters(in: .whitespaces)
        } else {
            // A bare address, perhaps with a comment holding the name: `anna@x.org (Anna)`.
            guard angle == nil else { return nil }
            addr = display
            name = comment.trimmingCharacters(in: .whitespaces)
        }
        let cleanAddress = addr.trimmingCharacters(in: .whitespaces)
        guard !cleanAddress.isEmpty, !cleanAddress.contains(" ") else { return nil }
        return ((name?.isEmpty ?? true) ? nil : name, cleanAddress)
    }
}
