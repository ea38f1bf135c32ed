import Foundation

/// Fields for adding or updating a contact, as typed. For an update, nil leaves a field
/// as it is and a blank string clears it.
public struct ContactInput: Sendable, Equatable {
    public var fullName: String?
    public var email: String?
    public var phone: String?
    public var telegram: String?
    public var instagram: String?
    public var status: String?
    /// Replaces all tags when set.
    public var tags: [String]?
    public var notes: String?

    public init(
        fullName: String? = nil, email: String? = nil, phone: String? = nil, telegram: String? = nil,
        instagram: String? = nil, status: String? = nil, tags: [String]? = nil, notes: String? = nil
    ) {
        self.fullName = fullName
        self.email = email
        self.phone = phone
        self.telegram = telegram
        self.instagram = instagram
        self.status = status
        self.tags = tags
        self.notes = notes
    }

    /// Applies the input to `contact`, normalizing every identifier. Throws 65 with one
    /// sentence per invalid field.
    func apply(to contact: inout Contact, callingCode: Int?) throws {
        var problems: [String] = []
        func attempt(_ body: () throws -> Void) {
            do { try body() } catch let error as CorbiError { problems.append(error.description) } catch {
                problems.append("\(error)")
            }
        }
        if let fullName {
            let name = fullName.trimmed
            if name.isEmpty {
                problems.append("The contact's name is empty.")
            } else {
                attempt { contact.fullName = try Validation.text(name, field: "name", maxLength: Validation.maximumNameLength) }
            }
        }
        if let email {
            attempt { contact.email = email.trimmed.isEmpty ? nil : try Validation.email(email) }
        }
        if let phone {
            attempt { contact.phoneWhatsapp = try PhoneNumber.normalize(phone, defaultCallingCode: callingCode) }
        }
        if let telegram {
            attempt { contact.telegramChatId = try Self.telegramChatId(telegram) }
        }
        if let instagram {
            let id = instagram.trimmed
            attempt {
                contact.instagramScopedId = id.isEmpty ? nil : try Validation.text(id, field: "Instagram id", maxLength: 100)
            }
        }
        if let status {
            attempt { contact.status = try ContactStatus.parse(status) }
        }
        if let tags {
            attempt {
                let normalized = Self.normalizeTags(tags)
                guard normalized.count <= Validation.maximumTags else {
                    throw CorbiError.invalid("A contact has at most \(Validation.maximumTags) tags.")
                }
                for tag in normalized { try Validation.text(tag, field: "tag", maxLength: Validation.maximumTagLength) }
                contact.tags = normalized
            }
        }
        if let notes {
            let trimmed = notes.trimmed
            attempt {
                contact.notes =
                    trimmed.isEmpty ? nil : try Validation.text(notes, field: "notes", maxLength: Validation.maximumNotesLength, multiline: true)
            }
        }
        if !problems.isEmpty { throw CorbiError.invalid(problems.joined(separator: " ")) }
        contact.refreshSearchText()
    }

    /// A Telegram chat id: a 64-bit integer, negative for groups.
    public static func telegramChatId(_ text: String) throws -> Int64? {
        let trimmed = text.trimmed
        if trimmed.isEmpty { return nil }
        guard let id = Int64(trimmed), id != 0 else {
            throw CorbiError.invalid("'\(trimmed)' is not a Telegram chat id (a whole number, negative for groups).")
        }
        return id
    }

    /// Trimmed, without blanks or case-insensitive duplicates, in the given order. A tag
    /// given as "a;b" counts as two tags (the CSV separator).
    public static func normalizeTags(_ tags: [String]) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for raw in tags.flatMap({ $0.split(separator: ";") }) {
            let tag = raw.trimmed
            if !tag.isEmpty && seen.insert(tag.lowercased()).inserted { result.append(tag) }
        }
        return result
    }
}
