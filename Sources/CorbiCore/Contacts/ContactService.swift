import Foundation
import GRDB

/// A page of contacts and how many matched in all.
public struct ContactPage: Sendable {
    public var contacts: [Contact]
    /// How many matched; when `totalIsExact` is false, at least this many.
    public var total: Int
    public var totalIsExact: Bool = true
}

extension AppDatabase {
    /// Adds a contact. Identifiers another contact owns are refused (65) and recorded as
    /// identity conflicts.
    public func addContact(_ actor: Actor, _ input: ContactInput) throws -> Contact {
        guard let name = input.fullName, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            let error = CorbiError.invalid("A contact needs a name.", hints: [.name])
            try? auditRefusal(actor, entry: AuditEntry(action: "contacts.add"), error: error)
            throw error
        }
        var conflicts: [IdentityConflict] = []
        do {
            return try perform(actor, "contacts.add", requires: .write) { db, entry in
                let now = environment.now()
                var contact = Contact(organizationId: actor.organizationId, fullName: name, createdAt: now, updatedAt: now)
                try input.apply(to: &contact, callingCode: actor.organization.callingCode)
                conflicts = try identityConflicts(db, actor: actor, contact: contact)
                if !conflicts.isEmpty { throw Self.conflictError(conflicts, db: db) }
                try contact.insert(db)
                entry.target = "contact:\(contact.id!)"
                entry.details = Self.auditDetails(contact)
                return contact
            }
        } catch {
            try recordConflicts(conflicts)
            throw error
        }
    }

    /// Updates the contact `ref` names; fields left nil in `input` stay as they are.
    public func updateContact(_ actor: Actor, ref: String, _ input: ContactInput) throws -> Contact {
        var conflicts: [IdentityConflict] = []
        do {
            return try perform(actor, "contacts.update", requires: .write, target: "contact:\(ref)") { db, entry in
                var contact = try resolveContact(db, actor: actor, ref: ref)
                entry.target = "contact:\(contact.id!)"
                let before = Self.auditDetails(contact)
                try input.apply(to: &contact, callingCode: actor.organization.callingCode)
                conflicts = try identityConflicts(db, actor: actor, contact: contact)
                if !conflicts.isEmpty { throw Self.conflictError(conflicts, db: db) }
                contact.updatedAt = environment.now()
                try contact.update(db)
                let after = Self.auditDetails(contact)
                entry.details = after.filter { before[$0.key] != $0.value }.mapValues { new in new }
                return contact
            }
        } catch {
            try recordConflicts(conflicts)
            throw error
        }
    }

    /// Deletes a contact with its outbound messages and bookings; inbound messages stay.
    /// The deleted bookings' files leave `calendar` once the deletion is committed (a file
    /// that cannot be removed is named in `calendarWarnings`).
    public func deleteContact(_ actor: Actor, ref: String, calendar: VdirCalendar? = nil) throws -> ContactDeletion {
        let (contact, events) = try perform(actor, "contacts.delete", requires: .write, target: "contact:\(ref)") { db, entry in
            let contact = try resolveContact(db, actor: actor, ref: ref)
            let events = try String.fetchAll(
                db, sql: "SELECT externalCalendarId FROM booking WHERE contactId = ? ORDER BY id", arguments: [contact.id!])
            entry.target = "contact:\(contact.id!)"
            entry.details = ["fullName": .string(contact.fullName), "bookings": .int(Int64(events.count))]
            try contact.delete(db)
            return (contact, events)
        }
        var warnings: [String] = []
        if let calendar {
            for uid in events {
                do { try calendar.remove(uid: uid) } catch { warnings.append("\(error)") }
            }
        }
        return ContactDeletion(contact: contact, bookingsDeleted: events.count, calendarWarnings: warnings)
    }

    /// The contact `ref` names: an id, an email, a phone number, or an unambiguous part of
    /// a name.
    public func contact(_ actor: Actor, ref: String) throws -> Contact {
        do {
            return try read(actor) { db in try resolveContact(db, actor: actor, ref: ref) }
        } catch let error as CorbiError {
            try? auditRefusal(actor, entry: AuditEntry(action: "contacts.show", target: "contact:\(ref)"), error: error)
            throw error
        }
    }

    /// Contacts whose name, email, phone, ids or tags contain every word of `query`
    /// (case- and accent-insensitive), by name; with a `tag`, only contacts carrying that
    /// whole tag (case- and accent-insensitive).
    ///
    /// With a `limit`, the total is counted up to `countLimit` only: counting every match
    /// of a broad query over 100,000 contacts would cost more than the page itself.
    public func contacts(
        _ actor: Actor, matching query: String? = nil, tag: String? = nil, limit: Int? = nil, offset: Int = 0,
        countLimit: Int = 1000
    ) throws -> ContactPage {
        try read(actor) { db in
            var (filter, arguments) = try Self.searchFilter(db, query, organizationId: actor.organizationId)
            if let tag = tag?.trimmed, !tag.isEmpty {
                // A whole tag, not a part of one: "recall" is not "recall-2024".
                filter += " AND EXISTS (SELECT 1 FROM json_each(contact.tags) WHERE corbi_fold(json_each.value) = ?)"
                arguments += [SearchText.fold(tag)]
            }
            var sql = "SELECT * FROM contact WHERE \(filter) ORDER BY fullName COLLATE NOCASE, id"
            guard let limit else {
                let contacts = try Contact.fetchAll(db, sql: sql, arguments: arguments)
                return ContactPage(contacts: Array(contacts.dropFirst(offset)), total: contacts.count)
            }
            sql += " LIMIT ? OFFSET ?"
            let contacts = try Contact.fetchAll(db, sql: sql, arguments: arguments + [limit, offset])
            if contacts.count < limit {
                return ContactPage(contacts: contacts, total: offset + contacts.count)
            }
            let cap = max(countLimit, offset + limit) + 1
            let counted = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM (SELECT 1 FROM contact WHERE \(filter) LIMIT ?)", arguments: arguments + [cap]) ?? 0
            return counted == cap
                ? ContactPage(contacts: contacts, total: cap - 1, totalIsExact: false)
                : ContactPage(contacts: contacts, total: counted)
        }
    }

    /// Names of contacts starting with `prefix` (for tab completion).
    public func contactNames(_ actor: Actor, prefix: String, limit: Int = 50) throws -> [String] {
        try read(actor) { db in
            try String.fetchAll(
                db,
                sql: "SELECT fullName FROM contact WHERE organizationId = ? AND fullName LIKE ? ESCAPE '\\' ORDER BY fullName COLLATE NOCASE LIMIT ?",
                arguments: [actor.organizationId, Self.likeEscape(prefix) + "%", limit])
        }
    }

    // MARK: - Shared pieces

    /// Resolves a contact reference inside the actor's organization (66 if none, 65 with
    /// the candidates if ambiguous). Other services use it too.
    public func resolveContact(_ db: Database, actor: Actor, ref: String) throws -> Contact {
        let ref = ref.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !ref.isEmpty else { throw CorbiError.invalid("The contact reference is empty.") }
        let org = actor.organizationId
        let scoped = Contact.filter(Column("organizationId") == org)

        if let id = Int64(ref.hasPrefix("#") ? String(ref.dropFirst()) : ref), ref.count <= 12 || ref.hasPrefix("#") {
            if let contact = try scoped.filter(Column("id") == id).fetchOne(db) { return contact }
            if ref.hasPrefix("#") { throw CorbiError.notFound("No contact #\(id).") }
        }
        if ref.contains("@"), let email = try? Validation.email(ref) {
            if let contact = try scoped.filter(Column("email") == email).fetchOne(db) { return contact }
            throw CorbiError.notFound("No contact with the email \(email).")
        }
        let phoneLike = ref.allSatisfy { "+0123456789 -().".contains($0) } && ref.filter(\.isNumber).count >= 6
        if phoneLike, let phone = try? PhoneNumber.normalize(ref, defaultCallingCode: actor.organization.callingCode) {
            if let contact = try scoped.filter(Column("phoneWhatsapp") == phone).fetchOne(db) { return contact }
        }
        if let telegram = Int64(ref), let contact = try scoped.filter(Column("telegramChatId") == telegram).fetchOne(db) {
            return contact
        }
        if let contact = try scoped.filter(Column("instagramScopedId") == ref).fetchOne(db) { return contact }
        // A number is an id or an identifier, never part of a name: `delete 2` must not
        // find "Evil2" when #2 is another organization's.
        if ref.allSatisfy({ $0.isNumber || "+- ().".contains($0) }) {
            throw CorbiError.notFound("No contact #\(ref) (nor one with that phone, Telegram or Instagram id).")
        }

        // A part of a name: an exact (folded) name wins over partial matches.
        let folded = SearchText.fold(ref)
        let candidates = try Contact.fetchAll(
            db,
            sql: "SELECT * FROM contact WHERE organizationId = ? AND corbi_fold(fullName) LIKE ? ESCAPE '\\' ORDER BY fullName COLLATE NOCASE LIMIT 11",
            arguments: [org, "%" + Self.likeEscape(folded) + "%"])
        let exact = candidates.filter { SearchText.fold($0.fullName) == folded }
        if exact.count == 1 { return exact[0] }
        if candidates.count == 1 { return candidates[0] }
        // "Anna" means Anna Müller rather than Hannah: a match at the start of a word wins.
        let atWordStart = candidates.filter { (" " + SearchText.fold($0.fullName)).contains(" " + folded) }
        if atWordStart.count == 1 { return atWordStart[0] }
        if candidates.isEmpty { throw CorbiError.notFound("No contact matches '\(ref)'.") }
        let list = candidates.prefix(10).map(\.label).joined(separator: ", ") + (candidates.count > 10 ? ", ..." : "")
        throw CorbiError.invalid("'\(ref)' matches several contacts: \(list). Use an id, email or phone.")
    }

    /// Identifiers of `contact` that another contact of the organization owns.
    func identityConflicts(_ db: Database, actor: Actor, contact: Contact) throws -> [IdentityConflict] {
        var conflicts: [IdentityConflict] = []
        for channel in Channel.allCases {
            guard let value = contact.identifier(on: channel) else { continue }
            let dbValue: (any DatabaseValueConvertible) = channel == .telegram ? contact.telegramChatId! : value
            var sql = "SELECT id FROM contact WHERE organizationId = ? AND \(channel.contactColumn) = ?"
            var arguments: StatementArguments = [actor.organizationId, dbValue]
            if let id = contact.id {
                sql += " AND id <> ?"
                arguments += [id]
            }
            if let owner = try Int64.fetchOne(db.cachedStatement(sql: sql), arguments: arguments) {
                conflicts.append(
                    IdentityConflict(
                        organizationId: actor.organizationId, actor: actor.name, channel: channel, value: value,
                        ownerContactId: owner, attemptedContactId: contact.id, createdAt: environment.now()))
            }
        }
        return conflicts
    }

    static func conflictError(_ conflicts: [IdentityConflict], db: Database) -> CorbiError {
        let sentences = conflicts.map { conflict -> String in
            let owner = (try? Contact.fetchOne(db, key: conflict.ownerContactId)).flatMap { $0 }
            let name = owner.map { $0.label } ?? "#\(conflict.ownerContactId ?? 0)"
            return "The \(conflict.channel.rawValue) identifier \(conflict.value) already belongs to \(name)."
        }
        return CorbiError.invalid(sentences.joined(separator: " ") + " Nothing was changed.")
    }

    /// Writes identity conflicts after the refused action rolled back.
    func recordConflicts(_ conflicts: [IdentityConflict]) throws {
        guard !conflicts.isEmpty else { return }
        try writer.write { db in
            for var conflict in conflicts { try conflict.insert(db) }
        }
    }

    static func auditDetails(_ contact: Contact) -> [String: JSONValue] {
        [
            "fullName": .string(contact.fullName), "email": .optional(contact.email),
            "phoneWhatsapp": .optional(contact.phoneWhatsapp), "telegramChatId": .optional(contact.telegramChatId),
            "instagramScopedId": .optional(contact.instagramScopedId), "status": .string(contact.status.rawValue),
            "tags": .array(contact.tags.map(JSONValue.string)),
        ]
    }

    /// SQL filter for a contact search: trigram FTS for words of three or more letters,
    /// LIKE on the folded text for every word.
    ///
    /// The plan is chosen from the number of trigram matches (cheap to count): few matches
    /// are fetched by rowid and sorted (`+organizationId` keeps SQLite off the name index);
    /// many are found by walking the name index, which stops after one page.
    static func searchFilter(_ db: Database, _ query: String?, organizationId: Int64) throws -> (String, StatementArguments) {
        let (filter, arguments, match) = searchFilter(query, organizationId: organizationId)
        guard let match else { return (filter, arguments) }
        let candidates = try Int.fetchOne(
            db, sql: "SELECT count(*) FROM (SELECT 1 FROM contactSearch WHERE contactSearch MATCH ? LIMIT 2001)",
            arguments: [match]) ?? 0
        return candidates <= 2000 ? ("+" + filter, arguments) : (filter, arguments)
    }

    static func searchFilter(_ query: String?, organizationId: Int64) -> (String, StatementArguments, String?) {
        var clauses = ["organizationId = ?"]
        var arguments: StatementArguments = [organizationId]
        var ftsMatch: String?
        let words = SearchText.fold(query ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { return (clauses.joined(separator: " AND "), arguments, nil) }
        // Phone numbers are searched without their formatting.
        let terms = words.map { word -> String in
            let digits = word.filter(\.isNumber)
            return word.allSatisfy({ "+0123456789-().".contains($0) }) && digits.count >= 3 ? digits : word
        }
        let long = terms.filter { $0.count >= 3 }
        if !long.isEmpty {
            let match = long.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " AND ")
            clauses.append("id IN (SELECT rowid FROM contactSearch WHERE contactSearch MATCH ?)")
            arguments += [match]
            ftsMatch = match
        }
        // Trigram phrase matches are exact substrings already; only short words need LIKE.
        for term in terms where term.count < 3 {
            clauses.append("searchText LIKE ? ESCAPE '\\'")
            arguments += ["%" + likeEscape(term) + "%"]
        }
        return (clauses.joined(separator: " AND "), arguments, ftsMatch)
    }

    static func likeEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
