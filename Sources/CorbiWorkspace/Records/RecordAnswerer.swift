import CorbiCore
import Foundation

/// Answers a ``RecordQuestion`` from the organization's records through the same
/// read-only core queries the commands run (`contacts show`, `bookings list`, `outbox
/// list`...), and names that command as the member would type it.
///
/// It never writes: no audit event of its own (a contact is looked up without the
/// refusal event `contacts show` writes, and days are checked before `bookings` would
/// audit a refused range), no calendar sync. The member's role is read again by every
/// core query, and every query is scoped to the member's organization, so a contact of
/// another organization is "not found", as for the commands.
public struct RecordAnswerer {
    public let database: AppDatabase
    public let actor: Actor
    public let now: Date
    /// The most rows an answer lists; the command shows them all.
    public var listLimit = 20

    public init(database: AppDatabase, actor: Actor, now: Date) {
        self.database = database
        self.actor = actor
        self.now = now
    }

    var zone: TimeZone { actor.organization.timeZone }

    /// The answer, or nil when the question turns out not to be about records after all
    /// (it names something that is not a contact and does not look like a name: "the
    /// price of whitening", the organization itself). Refusals of the core (a removed
    /// member, a locked database) are thrown.
    public func answer(_ question: RecordQuestion) throws -> RecordAnswer? {
        switch question {
        case .contactField(let phrase, let field):
            return try withContact(phrase, question) { contact, ref in
                try answer(field: field, of: contact, command: Self.contactsShow(ref), question)
            }
        case .contactStatusIs(let phrase, let status):
            return try withContact(phrase, question) { contact, ref in
                let name = RecordText.clean(contact.fullName)
                let text = contact.status == status
                    ? "Yes: \(name) is \(status.rawValue)."
                    : "No: \(name)'s status is \(contact.status.rawValue)."
                return RecordAnswer(answered: true, text: text, command: Self.contactsShow(ref), question: question)
            }
        case .lastContact(let phrase):
            return try withContact(phrase, question) { contact, ref in
                RecordAnswer(answered: true, text: lastContact(contact), command: Self.contactsShow(ref), question: question)
            }
        case .suppression(let phrase, let channel):
            return try withContact(phrase, question) { contact, _ in try suppression(of: contact, channel: channel, question) }
        case .bookings(let b):
            return try bookings(b, question)
        case .outbox(let o):
            return try outbox(o, question)
        case .inbound(let phrase, let limit):
            guard let phrase else { return try inbound(contact: nil, ref: nil, limit: limit, question) }
            return try withContact(phrase, question) { contact, ref in try inbound(contact: contact, ref: ref, limit: limit, question) }
        case .contacts(let tag):
            return try contacts(tag: tag, question)
        case .members(let role):
            return try members(role: role, question)
        case .templates(let name, let approved):
            return try templates(name: name, approved: approved, question)
        }
    }

    // MARK: - Contacts

    /// Resolves `phrase` as the commands resolve a contact reference and runs `body` with
    /// the contact and the reference the command should use; a name that matches nobody
    /// (or several) is answered with the core's own words.
    func withContact(
        _ phrase: String, _ question: RecordQuestion, _ body: (Contact, String) throws -> RecordAnswer?
    ) throws -> RecordAnswer? {
        // "BrightSmile's phone number" asks about the organization itself: the knowledge base's.
        let folded = SearchText.fold(phrase)
        let organization = SearchText.fold(actor.organization.name + " " + actor.organization.domain)
        if (" " + organization + " ").contains(" " + folded + " ") || actor.organization.domain.hasPrefix(folded + ".") {
            return nil
        }
        let failedCommand = Self.command(for: question, ref: phrase)
        do {
            let contact = try lookUp(phrase)
            return try body(contact, try commandRef(for: contact))
        } catch let error as CorbiError {
            switch error {
            case .notFound:
                // "the price of whitening" matched a pattern but names no one: a question
                // for the knowledge base. A capitalized name that matches nobody is
                // answered honestly instead of guessed at.
                guard Self.looksLikeName(phrase) else { return nil }
                return RecordAnswer(answered: false, text: RecordText.clean(error.message, limit: 400), command: failedCommand, question: question)
            case .invalid:
                return RecordAnswer(answered: false, text: RecordText.clean(error.message, limit: 600), command: failedCommand, question: question)
            default:
                throw error
            }
        }
    }

    /// The contact `phrase` names, by the core's lookup (without the refusal event
    /// `contacts show` records: a question is audited once, as a question). A title
    /// ("Dr. Weber") is tried without it too.
    func lookUp(_ phrase: String) throws -> Contact {
        do {
            return try database.read(actor) { db in try database.resolveContact(db, actor: actor, ref: phrase) }
        } catch CorbiError.notFound(let message, let hints) {
            let words = phrase.split(separator: " ")
            let titles: Set<String> = ["mr", "mrs", "ms", "miss", "dr", "prof", "herr", "frau", "mx"]
            guard words.count > 1, titles.contains(words[0].lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))) else {
                throw CorbiError.notFound(message, hints: hints)
            }
            let rest = words.dropFirst().joined(separator: " ")
            do {
                return try database.read(actor) { db in try database.resolveContact(db, actor: actor, ref: rest) }
            } catch is CorbiError {
                throw CorbiError.notFound(message, hints: hints)
            }
        }
    }

    /// The reference a command should use for `contact`: the full name when it names
    /// that contact alone, else the id.
    func commandRef(for contact: Contact) throws -> String {
        let byName = try? database.read(actor) { db in try database.resolveContact(db, actor: actor, ref: contact.fullName) }
        return byName?.id == contact.id && !contact.fullName.hasPrefix("-") ? contact.fullName : String(contact.id!)
    }

    /// Whether the words look like a person's name as written: one of them capitalized
    /// (and not the word "I").
    static func looksLikeName(_ phrase: String) -> Bool {
        phrase.split(separator: " ").contains { word in word != "I" && (word.first.map { $0.isUppercase } ?? false) }
    }

    static func contactsShow(_ ref: String) -> String {
        ShellQuoting.line(["contacts", "show", .value(ref)])
    }

    /// The command of a question whose contact was not found, with the name as written.
    static func command(for question: RecordQuestion, ref: String) -> String {
        switch question {
        case .suppression(_, let channel):
            return ShellQuoting.line(["suppressions", "list"] + (channel.map { ["--channel", .value($0.rawValue)] } ?? []))
        case .bookings:
            return ShellQuoting.line(["bookings", "list", "--contact", .value(ref)])
        case .outbox:
            return ShellQuoting.line(["outbox", "list", "--contact", .value(ref)])
        case .inbound:
            return ShellQuoting.line(["inbound", "list", "--contact", .value(ref)])
        default:
            return contactsShow(ref)
        }
    }

    func answer(field: ContactField, of contact: Contact, command: String, _ question: RecordQuestion) throws -> RecordAnswer {
        let name = RecordText.clean(contact.fullName)
        func value(_ label: String, _ value: String?) -> String {
            guard let value else { return "\(name) has no \(label) on record." }
            return "\(name)'s \(label) is \(RecordText.clean(value))."
        }
        let text: String
        switch field {
        case .phone: text = value("WhatsApp number", contact.phoneWhatsapp)
        case .email: text = value("email address", contact.email)
        case .telegram: text = value("Telegram chat id", contact.telegramChatId.map { String($0) })
        case .instagram: text = value("Instagram id", contact.instagramScopedId)
        case .status: text = "\(name)'s status is \(contact.status.rawValue)."
        case .tags:
            text = contact.tags.isEmpty
                ? "\(name) has no tags."
                : "\(name)'s tags: \(contact.tags.map { RecordText.clean($0) }.joined(separator: ", "))."
        case .notes: text = contact.notes.map { "\(name)'s notes: \(RecordText.clean($0, limit: 400))" } ?? "\(name) has no notes."
        case .details: text = details(contact)
        }
        return RecordAnswer(answered: true, text: text, command: command, question: question)
    }

    /// What `contacts show` shows, on one line.
    func details(_ c: Contact) -> String {
        var parts: [String] = []
        if let v = c.email { parts.append("email \(RecordText.clean(v))") }
        if let v = c.phoneWhatsapp { parts.append("WhatsApp \(RecordText.clean(v))") }
        if let v = c.telegramChatId { parts.append("Telegram \(v)") }
        if let v = c.instagramScopedId { parts.append("Instagram \(RecordText.clean(v))") }
        parts.append("status \(c.status.rawValue)")
        if !c.tags.isEmpty { parts.append("tags \(c.tags.map { RecordText.clean($0) }.joined(separator: ", "))") }
        return "\(RecordText.clean(c.fullName)) (#\(c.id!)): " + parts.joined(separator: "; ") + "."
    }

    func lastContact(_ c: Contact) -> String {
        let name = RecordText.clean(c.fullName)
        let from = c.lastInboundAt.map { RecordText.moment($0, zone: zone) }
        let to = c.lastOutboundAt.map { RecordText.moment($0, zone: zone) }
        guard let latest = [c.lastInboundAt, c.lastOutboundAt].compactMap({ $0 }).max() else {
            return "No message from or to \(name) is on record."
        }
        return "\(name) was last in touch on \(RecordText.moment(latest, zone: zone)): last message from \(name) "
            + (from ?? "none on record") + "; last message to \(name) " + (to ?? "none on record") + "."
    }

    // MARK: - Suppressions

    func suppression(of contact: Contact, channel: Channel?, _ question: RecordQuestion) throws -> RecordAnswer {
        let command = ShellQuoting.line(["suppressions", "list"] + (channel.map { ["--channel", .value($0.rawValue)] } ?? []))
        let list = try database.suppressions(actor, channel: channel?.rawValue)
        let name = RecordText.clean(contact.fullName)
        let channels = channel.map { [$0] } ?? Channel.allCases.filter { contact.identifier(on: $0) != nil }
        var parts: [String] = []
        var suppressedAny = false
        for c in channels {
            guard let identifier = contact.identifier(on: c) else {
                parts.append("\(name) has no \(RecordText.identifierName(c)), so nothing of theirs is suppressed on \(c.rawValue)")
                continue
            }
            let shown = RecordText.clean(identifier)
            if let s = list.first(where: { $0.channel == c && $0.identifier == identifier }) {
                suppressedAny = true
                let reason = s.reason.map { ", reason: \(RecordText.clean($0))" } ?? ""
                parts.append("\(name)'s \(RecordText.identifierName(c)) \(shown) is suppressed on \(c.rawValue) since \(RecordText.moment(s.createdAt, zone: zone))\(reason)")
            } else {
                parts.append("\(name)'s \(RecordText.identifierName(c)) \(shown) is not suppressed on \(c.rawValue)")
            }
        }
        let text = parts.isEmpty
            ? "\(name) has no identifier on any channel, so nothing of theirs is suppressed."
            : (suppressedAny ? "Yes: " : "No: ") + parts.joined(separator: "; ") + "."
        return RecordAnswer(answered: true, text: text, command: command, question: question)
    }

    // MARK: - Bookings

    func bookings(_ b: BookingQuestion, _ question: RecordQuestion) throws -> RecordAnswer? {
        var filter = BookingFilter()
        var words: [ShellQuoting.Word] = ["bookings", "list"]
        var label = "upcoming"
        if b.nextOnly || b.days == nil {
            filter.upcoming = true
            words.append("--upcoming")
        } else if let days = b.days {
            let span: DaySpan
            do {
                span = try days.span(now: now, zone: zone)
            } catch let error as CorbiError {
                return RecordAnswer(answered: false, text: error.message, command: ShellQuoting.line(words), question: question)
            }
            (filter.from, filter.to, label) = (span.from, span.to, span.label)
            words += ["--from", .value(span.from), "--to", .value(span.to)]
        }
        var contact: Contact?
        if let phrase = b.contact {
            var found: (Contact, String)?
            if let refused = try withContact(phrase, question, { c, ref in found = (c, ref); return nil }) { return refused }
            guard let (c, ref) = found else { return nil }
            contact = c
            filter.contact = ref
            words += ["--contact", .value(ref)]
        }
        if let status = b.status {
            filter.status = status.rawValue
            words += ["--status", .value(status.rawValue)]
        }
        let rows = try database.bookings(actor, filter)
        let command = ShellQuoting.line(words)
        let whose = contact.map { " for \(RecordText.clean($0.fullName))" } ?? ""
        if b.nextOnly {
            guard let next = rows.first else {
                return RecordAnswer(answered: true, text: "No upcoming bookings\(whose).", command: command, question: question)
            }
            var text = "The next booking\(whose): \(line(next))."
            if rows.count > 1 { text += " \(RecordText.count(rows.count, "upcoming booking")) in all." }
            return RecordAnswer(answered: true, text: text, command: command, question: question)
        }
        let kind = b.status.map { "\($0.rawValue) booking" } ?? "booking"
        guard !rows.isEmpty else {
            return RecordAnswer(answered: true, text: "No \(kind)s \(label)\(whose).", command: command, question: question)
        }
        var head = RecordText.count(rows.count, kind) + " \(label)\(whose)"
        let cancelled = rows.filter { $0.booking.status == .cancelled }.count
        if b.status == nil && cancelled > 0 { head += " (\(cancelled) cancelled)" }
        let text = list(head, rows.map(line))
        return RecordAnswer(answered: true, text: text, command: command, question: question)
    }

    /// `Tue 2026-03-31 09:00-09:30 +02:00, Anna Müller, Cleaning, confirmed, Room 1`.
    func line(_ d: BookingDetail) -> String {
        let b = d.booking
        var parts = [RecordText.when(b.start, b.end, zone: zone), RecordText.clean(d.contactName), RecordText.clean(b.title), b.status.rawValue]
        if let location = b.location { parts.append(RecordText.clean(location)) }
        return parts.joined(separator: ", ")
    }

    /// "head:" and one line per row, at most ``listLimit`` of them.
    func list(_ head: String, _ lines: [String]) -> String {
        var out = [head + ":"]
        out += lines.prefix(listLimit).map { "- " + $0 }
        if lines.count > listLimit { out.append("... and \(lines.count - listLimit) more (the command lists them all).") }
        return out.joined(separator: "\n")
    }

    // MARK: - Messages

    func outbox(_ o: OutboxQuestion, _ question: RecordQuestion) throws -> RecordAnswer? {
        var words: [ShellQuoting.Word] = ["outbox", "list"]
        if let status = o.status { words += ["--status", .value(status.rawValue)] }
        var span: DaySpan?
        if let days = o.days {
            do {
                span = try days.span(now: now, zone: zone)
            } catch let error as CorbiError {
                return RecordAnswer(answered: false, text: error.message, command: ShellQuoting.line(words), question: question)
            }
            words += ["--from", .value(span!.from), "--to", .value(span!.to)]
        }
        var contact: Contact?
        var ref: String?
        if let phrase = o.contact {
            var found: (Contact, String)?
            if let refused = try withContact(phrase, question, { c, r in found = (c, r); return nil }) { return refused }
            guard let (c, r) = found else { return nil }
            (contact, ref) = (c, r)
            words += ["--contact", .value(r)]
        }
        let rows = try database.outbox(actor, status: o.status?.rawValue, contact: ref, from: span?.from, to: span?.to)
        // The text output lists 50 unless told otherwise.
        if rows.count > 50 { words.append("--all") }
        let command = ShellQuoting.line(words)
        let kind = o.status.map { "\($0.rawValue) message" } ?? "message"
        var scope = span.map { " scheduled \($0.label)" } ?? ""
        if let contact { scope += " to \(RecordText.clean(contact.fullName))" }
        guard !rows.isEmpty else {
            let text = o.days == nil && o.contact == nil ? "No \(kind)s in the outbox." : "No \(kind)s\(scope)."
            return RecordAnswer(answered: true, text: text, command: command, question: question)
        }
        var head = RecordText.count(rows.count, kind) + scope
        if o.status == nil {
            let counts = MessageStatus.allCases.compactMap { status -> String? in
                let n = rows.filter { $0.message.status == status }.count
                return n == 0 ? nil : "\(n) \(status.rawValue)"
            }
            head += " (" + counts.joined(separator: ", ") + ")"
        }
        let lines = rows.map { e -> String in
            let m = e.message
            var line = "#\(m.id!) \(RecordText.moment(m.scheduledFor, zone: zone)), \(m.channel.rawValue) to \(RecordText.clean(e.contactName)), \(m.status.rawValue)"
            if let error = m.error, m.status == .failed || m.status == .retrying { line += " (\(RecordText.clean(error, limit: 120)))" }
            return line
        }
        return RecordAnswer(answered: true, text: list(head, lines), command: command, question: question)
    }

    func inbound(contact: Contact?, ref: String?, limit: Int, _ question: RecordQuestion) throws -> RecordAnswer {
        var words: [ShellQuoting.Word] = ["inbound", "list"]
        if let ref { words += ["--contact", .value(ref)] }
        words += ["--limit", .value(String(limit))]
        let rows = try database.inboundMessages(actor, contact: ref, limit: limit)
        let command = ShellQuoting.line(words)
        let name = contact.map { RecordText.clean($0.fullName) }
        guard !rows.isEmpty else {
            return RecordAnswer(
                answered: true, text: name.map { "No message from \($0) is on record." } ?? "No inbound messages are on record.",
                command: command, question: question)
        }
        func describe(_ e: InboundEntry) -> String {
            let from = e.contactName.map { RecordText.clean($0) } ?? "an unknown sender"
            let text = RecordText.clean(RecordText.inboundText(e.message.payloadValue), limit: 160)
            return "\(RecordText.moment(e.message.receivedAt, zone: zone)), \(e.message.channel.rawValue), from \(from): \"\(text)\""
        }
        if limit == 1, let name {
            return RecordAnswer(answered: true, text: "\(name)'s last message: \(describe(rows[0])).", command: command, question: question)
        }
        let head = (name.map { "The latest " + RecordText.count(rows.count, "message") + " from \($0)" }
            ?? "The latest " + RecordText.count(rows.count, "inbound message"))
        return RecordAnswer(answered: true, text: list(head, rows.map(describe)), command: command, question: question)
    }

    // MARK: - Lists

    func contacts(tag: String?, _ question: RecordQuestion) throws -> RecordAnswer {
        guard let tag else {
            let page = try database.contacts(actor, limit: 0)
            let count = page.totalIsExact ? RecordText.count(page.total, "contact") : "more than \(page.total) contacts"
            return RecordAnswer(
                answered: true, text: "The organization has \(count).", command: "contacts list --limit 0", question: question)
        }
        let page = try database.contacts(actor, tag: tag)
        var words: [ShellQuoting.Word] = ["contacts", "list", "--tag", .value(tag)]
        if page.total > 50 { words.append("--all") }
        let command = ShellQuoting.line(words)
        let shownTag = RecordText.clean(tag)
        guard !page.contacts.isEmpty else {
            return RecordAnswer(answered: true, text: "No contact is tagged \(shownTag).", command: command, question: question)
        }
        let names = page.contacts.prefix(listLimit).map { RecordText.clean($0.fullName) }
        let more = page.total > names.count ? " and \(page.total - names.count) more" : ""
        let verb = page.total == 1 ? "is" : "are"
        return RecordAnswer(
            answered: true, text: "\(RecordText.count(page.total, "contact")) \(verb) tagged \(shownTag): \(names.joined(separator: ", "))\(more).",
            command: command, question: question)
    }

    func members(role: Role?, _ question: RecordQuestion) throws -> RecordAnswer {
        let all = try database.members(actor)
        let members = role.map { r in all.filter { $0.role == r } } ?? all
        let noun = role.map { $0 == .staff ? "staff member" : $0.rawValue } ?? "member"
        let names = members.map { m in
            (m.name.map { "\(RecordText.clean($0)) <\(RecordText.clean(m.email))>" } ?? RecordText.clean(m.email)) + (role == nil ? " (\(m.role.rawValue))" : "")
        }
        let text = members.isEmpty ? "No \(noun)s." : "\(RecordText.count(members.count, noun)): \(names.joined(separator: ", "))."
        return RecordAnswer(answered: true, text: text, command: "members list", question: question)
    }

    func templates(name: String?, approved: Bool?, _ question: RecordQuestion) throws -> RecordAnswer {
        let all = try database.templates(actor, name: name)
        let command = ShellQuoting.line(["templates", "list"] + (name.map { [.value($0)] } ?? []))
        if let name, all.isEmpty {
            return RecordAnswer(answered: false, text: "No template named \(RecordText.clean(name)).", command: command, question: question)
        }
        let chosen = approved.map { wanted in all.filter { $0.template.approved == wanted } } ?? all
        let noun = approved.map { $0 ? "approved template" : "unapproved template" } ?? "template"
        let names = chosen.map { info in
            let t = info.template
            return "\(RecordText.clean(t.name)) (\(t.channel.rawValue), \(RecordText.clean(t.language))\(approved == nil ? (t.approved ? ", approved" : ", not approved") : ""))"
        }
        let text = chosen.isEmpty ? "No \(noun)s." : "\(RecordText.count(chosen.count, noun)): \(names.joined(separator: ", "))."
        return RecordAnswer(answered: true, text: text, command: command, question: question)
    }
}
