import CorbiCore
import Foundation

/// Recognizes questions about the organization's own records in plain English ("who is
/// booked tomorrow?", "what is Anna Müller's phone number?", "how many messages failed
/// today?") and reads them into a ``RecordQuestion``; anything else is left to the
/// knowledge base (nil).
///
/// The check is cheap because every question passes through it before the knowledge base
/// is searched: a pattern is tried only when the line holds one of its words
/// (``QuestionKeys``), and compiled only the first time it is tried. Names are taken as written and
/// resolved later by the core's contact lookup: there is no list of names here. Phrases
/// that name no person ("the clinic's phone number", "your email") are not records
/// questions.
public enum RecordQuestionParser {
    /// The question about records that `question` asks, or nil.
    public static func parse(_ question: String) -> RecordQuestion? {
        parse(question, usingKeys: true)
    }

    /// `usingKeys` false tries every pattern whatever the line's words: the tests compare
    /// the two, which must always agree.
    static func parse(_ question: String, usingKeys: Bool) -> RecordQuestion? {
        var text = normalized(question)
        guard !text.isEmpty, text.count <= 300 else { return nil }
        if usingKeys, !mayBeAboutRecords(QuestionKeys.Line(text)) { return nil }
        text = withoutPoliteness(text)
        let (days, restAfterDays) = RecordDaysPhrase.extract(from: text)
        let (channel, rest) = channelPhrase(in: restAfterDays)
        let line = QuestionKeys.Line(rest)
        for pattern in patterns where !usingKeys || pattern.keys.admit(line) {
            if var found = pattern.read(rest) {
                guard apply(days: days, channel: channel, to: &found) else { return nil }
                return found
            }
        }
        guard days == nil, channel == nil else { return nil }
        guard !usingKeys || fieldKeys.admit(line) else { return nil }
        return nameThenField(rest)
    }

    /// Whether any pattern may match once polite openings, days and channels are taken out
    /// of `line` (they only remove words).
    static func mayBeAboutRecords(_ line: QuestionKeys.Line) -> Bool {
        anyPatternKeys.admitAfterRemovals(line)
    }

    /// The keys of every pattern and of a field after a name, each once.
    static let anyPatternKeys: QuestionKeys = {
        let all = patterns.reduce(fieldKeys) { $0 + $1.keys }
        var parts = Set<String>()
        var endings = Set<String>()
        return QuestionKeys(
            parts: all.parts.filter { parts.insert($0).inserted }, words: all.words,
            endings: all.endings.filter { endings.insert($0).inserted }, digit: all.digit)
    }()

    // MARK: - Keys

    /// The words of every field phrase (``fieldWords``), whole: a field is always a phrase
    /// of its own at the end of the line or before "of"/"for".
    static let fieldKeys = QuestionKeys(words: [
        "phone", "number", "mobile", "cell", "cellphone", "telephone", "tel", "whatsapp", "email", "mail", "address",
        "telegram", "instagram", "insta", "ig", "status", "tags", "tag", "labels", "notes", "note", "details", "info",
        "information", "record", "contact", "card",
    ])
    static let bookingKeys: QuestionKeys = ["appointment", "booking", "visit", "session"]
    static let messageKeys: QuestionKeys = ["message", "text", "sms", "whatsapp", "mail"]
    static let contactsKeys: QuestionKeys = ["contacts", "patients", "clients", "customers", "people"]

    static let whatPrefix = try! NSRegularExpression(
        pattern: "^(?:what(?:'s| is| are)|whats|give me|show me|get|find|look up|tell me|i need) ", options: [.caseInsensitive])

    /// "What is Anna Müller phone number?": a name without the possessive, then a field.
    /// Only a capitalized name of two words or more is taken this way: "what is office
    /// phone number" and "Clinic email" are not questions about a contact.
    static func nameThenField(_ text: String) -> RecordQuestion? {
        var rest = text
        if let match = whatPrefix.firstMatch(in: rest, range: NSRange(rest.startIndex..., in: rest)), let r = Range(match.range, in: rest) {
            rest = String(rest[r.upperBound...])
        }
        let words = rest.split(separator: " ").map(String.init)
        for count in (1...3).reversed() where words.count > count {
            guard let field = field(words.suffix(count).joined(separator: " ")) else { continue }
            let name = words.dropLast(count)
            guard name.count >= 2, name.allSatisfy({ $0.first?.isUppercase ?? false }), let contact = contactName(name.joined(separator: " ")) else {
                return nil
            }
            return .contactField(contact: contact, field: field)
        }
        return nil
    }

    // MARK: - Preparing the line

    /// One line, single spaces, typographic apostrophes plain, no closing punctuation.
    static func normalized(_ question: String) -> String {
        var text = question.replacingOccurrences(of: "\u{2019}", with: "'").replacingOccurrences(of: "\u{2018}", with: "'")
        text = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        while let last = text.last, "?!. ".contains(last) { text.removeLast() }
        return text
    }

    /// The first words of ``politeness``: a line starting otherwise has nothing to take off.
    static let politeOpenings: Set<String> = [
        "hi", "hey", "hello", "ok", "okay", "so", "quick", "please", "pls", "corbi", "can", "could", "would", "do", "i'd", "i",
        "tell", "let",
    ]

    static let politeness = try! NSRegularExpression(
        pattern: "^(?:(?:hi|hey|hello|ok|okay|so|quick question|please|pls|corbi)[,:]? |(?:can|could|would) you (?:please )?(?:tell me|check|look up|show me|find out|let me know)?\\s*|do you know |i'd like to know |i want to know |i wonder |tell me |let me know )",
        options: [.caseInsensitive])

    /// Without "please", "can you tell me" and the like at the start.
    static func withoutPoliteness(_ text: String) -> String {
        var text = text
        while politeOpenings.contains(text.prefix(while: { $0.isLetter || $0 == "'" }).lowercased()) {
            let range = NSRange(text.startIndex..., in: text)
            guard let match = politeness.firstMatch(in: text, range: range), match.range.length > 0,
                let r = Range(match.range, in: text)
            else { break }
            text = String(text[r.upperBound...])
        }
        if text.lowercased().hasSuffix(" please") { text.removeLast(7) }
        return text.trimmingCharacters(in: .whitespaces)
    }

    static let channelRegex = try! NSRegularExpression(
        pattern: "\\s+(?:on|via|by|over|for|from|in|through) (whatsapp|telegram|instagram|e-?mail)\\b", options: [.caseInsensitive])

    /// "on WhatsApp", "by email": the channel, and the line without it.
    static func channelPhrase(in text: String) -> (Channel?, String) {
        let lowercased = text.lowercased()
        guard ["whatsapp", "telegram", "instagram", "mail"].contains(where: { lowercased.contains($0) }) else { return (nil, text) }
        let range = NSRange(text.startIndex..., in: text)
        guard let match = channelRegex.firstMatch(in: text, range: range), let whole = Range(match.range, in: text),
            let word = Range(match.range(at: 1), in: text)
        else { return (nil, text) }
        let name = text[word].lowercased().replacingOccurrences(of: "-", with: "")
        let rest = (text[..<whole.lowerBound] + text[whole.upperBound...]).trimmingCharacters(in: .whitespaces)
        return (Channel(rawValue: name), rest)
    }

    /// Adds the days and channel found apart to the question; false if the question
    /// cannot take them (a phone number "tomorrow" is not a records question).
    static func apply(days: RecordDays?, channel: Channel?, to question: inout RecordQuestion) -> Bool {
        switch question {
        case .bookings(var b):
            if let days { b.days = days }
            guard channel == nil else { return false }
            question = .bookings(b)
        case .outbox(var o):
            if let days { o.days = days }
            guard channel == nil else { return false }
            question = .outbox(o)
        case .suppression(let contact, let given):
            guard days == nil else { return false }
            question = .suppression(contact: contact, channel: channel ?? given)
        default:
            guard days == nil, channel == nil else { return false }
        }
        return true
    }

    // MARK: - Names and words

    static let determiners: Set<String> = [
        "the", "a", "an", "our", "your", "my", "this", "that", "these", "those", "his", "her", "their", "its", "any",
        "some", "every", "each", "all", "no", "which", "what", "who", "how", "when", "where", "why",
    ]
    /// Words a clause has and a name does not.
    static let notInNames: Set<String> = [
        "a", "an", "the", "i", "my", "our", "your", "to", "for", "with", "that", "which", "is", "are", "was", "we", "you",
        "it", "this", "of", "in", "on", "at", "from", "and", "or", "not",
    ]
    static let notNames: Set<String> = [
        "you", "we", "us", "i", "me", "it", "they", "them", "he", "she", "him", "someone", "somebody", "anyone",
        "anybody", "everyone", "everybody", "nobody", "people", "there", "here", "corbi", "it's", "everything",
        "anything", "something", "nothing",
    ]

    /// The contact as written, or nil when the words name no person: a determiner or
    /// pronoun ("the clinic", "you"), or too long to be a name.
    static func contactName(_ raw: String?) -> String? {
        guard var name = raw?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return nil }
        for quote in ["\"", "'"] where name.count > 2 && name.hasPrefix(quote) && name.hasSuffix(quote) {
            name = String(name.dropFirst().dropLast())
        }
        let lower = name.lowercased()
        for prefix in ["contact ", "patient ", "client ", "customer "] where lower.hasPrefix(prefix) && name.count > prefix.count {
            name = String(name.dropFirst(prefix.count))
        }
        let words = name.lowercased().split(separator: " ").map(String.init)
        guard let first = words.first, words.count <= 5, name.count <= 100 else { return nil }
        if determiners.contains(first) || notNames.contains(name.lowercased()) { return nil }
        // "off a shutdown I scheduled" is a clause, not a name.
        if words.dropFirst().contains(where: { notInNames.contains($0) }) { return nil }
        if words.contains(where: { ["appointment", "appointments", "booking", "bookings", "message", "messages"].contains($0) }) {
            return nil
        }
        return name.trimmingCharacters(in: .whitespaces)
    }

    static let fieldWords: [String: ContactField] = {
        var words: [String: ContactField] = [:]
        for w in [
            "phone", "phone number", "number", "mobile", "mobile number", "mobile phone", "cell", "cell phone", "cellphone",
            "cell number", "telephone", "telephone number", "tel", "whatsapp", "whatsapp number", "whatsapp phone",
            "phone no", "number for whatsapp",
        ] { words[w] = .phone }
        for w in ["email", "e-mail", "email address", "e-mail address", "mail", "mail address", "address"] { words[w] = .email }
        for w in ["telegram", "telegram id", "telegram chat id", "telegram chat", "telegram handle"] { words[w] = .telegram }
        for w in ["instagram", "instagram id", "instagram handle", "instagram account", "insta", "ig"] { words[w] = .instagram }
        for w in ["status", "contact status"] { words[w] = .status }
        for w in ["tags", "tag", "labels"] { words[w] = .tags }
        for w in ["notes", "note"] { words[w] = .notes }
        for w in [
            "details", "contact details", "contact info", "contact information", "info", "information", "record",
            "contact record", "contact", "card", "contact card",
        ] { words[w] = .details }
        return words
    }()

    /// The field a phrase names ("phone number", "e-mail address"), or nil.
    static func field(_ raw: String?) -> ContactField? {
        guard let raw else { return nil }
        var phrase = raw.lowercased().trimmingCharacters(in: .whitespaces)
        for article in ["the ", "a ", "an ", "his ", "her ", "their "] where phrase.hasPrefix(article) {
            phrase = String(phrase.dropFirst(article.count))
        }
        return fieldWords[phrase]
    }

    static func bookingStatus(_ raw: String?) -> BookingStatus? {
        guard let word = raw?.lowercased() else { return nil }
        switch word {
        case "cancelled", "canceled", "cancellations", "cancellation": return .cancelled
        case "confirmed": return .confirmed
        case "pending", "unconfirmed": return .pending
        default: return nil
        }
    }

    static func messageStatus(_ raw: String?) -> MessageStatus? {
        guard let word = raw?.lowercased() else { return nil }
        switch word {
        case "failed", "undelivered", "bounced", "fail": return .failed
        case "pending", "queued", "waiting", "unsent", "outstanding", "scheduled": return .pending
        case "retrying": return .retrying
        case "sent", "gone out", "went out", "been sent": return .sent
        case "delivered", "been delivered": return .delivered
        case "read", "opened", "been read": return .read
        case "cancelled", "canceled": return .cancelled
        default: return nil
        }
    }

    static func role(_ raw: String?) -> Role? {
        guard let word = raw?.lowercased() else { return nil }
        if word.hasPrefix("admin") { return .admin }
        if word.hasPrefix("staff") { return .staff }
        if word.hasPrefix("viewer") { return .viewer }
        return nil
    }

    static func tag(_ raw: String?) -> String? {
        guard var tag = raw?.trimmingCharacters(in: .whitespaces), !tag.isEmpty, tag.count <= 100 else { return nil }
        for quote in ["\"", "'"] where tag.count > 2 && tag.hasPrefix(quote) && tag.hasSuffix(quote) {
            tag = String(tag.dropFirst().dropLast())
        }
        guard tag.split(separator: " ").count <= 3 else { return nil }
        return tag
    }

    // MARK: - The patterns, most specific first

    static let patterns: [QuestionPattern] = contactPatterns + bookingPatterns + messagePatterns + listPatterns

    static let contactPatterns: [QuestionPattern] = [
        // "when was Carl last in touch?", "when did Carl last write?"
        QuestionPattern(
            ["last"], "when (?:was|were|did|has) (?<name>.+?) last (?:been )?(?:in touch|in contact|contacted|heard from|write|wrote|written|message|messaged|text|texted|reply|replied|respond|responded|reach out|reached out|get in touch|got in touch|contact us|contacted us|seen|active)(?: with us| us)?"
        ) { m in contactName(m["name"]).map { .lastContact(contact: $0) } },
        // "when did we last hear from Carl?"
        QuestionPattern(
            ["last"], "when (?:did|have) (?:we|i|you|anyone|someone) last (?:heard from|hear from|talk(?:ed)? to|talk(?:ed)? with|speak to|speak with|spoke(?:n)? (?:to|with)|message|messaged|write to|wrote to|contact|contacted|text|texted|e-?mail|e-?mailed|reach|get in touch with|have contact with|had contact with) (?<name>.+)"
        ) { m in contactName(m["name"]).map { .lastContact(contact: $0) } },
        // "when was the last contact with Carl?", "last interaction with Carl"
        QuestionPattern(
            ["last", "latest", "recent"], "(?:when was |what was |when's |whens )?(?:the )?(?:last|latest|most recent) (?:contact|touch ?point|interaction|conversation|communication|exchange) (?:with|from|to) (?<name>.+)"
        ) { m in contactName(m["name"]).map { .lastContact(contact: $0) } },
        QuestionPattern(["last"], "when (?:was|were) (?:we|i) last in (?:touch|contact) with (?<name>.+)") { m in
            contactName(m["name"]).map { .lastContact(contact: $0) }
        },
        // "is Ben suppressed (on WhatsApp)?", "has Ben opted out?"
        QuestionPattern(
            ["suppress", "opted", "list"], "(?:is|are) (?<name>.+?) (?:currently |still |now )?(?:suppressed|opted[ -]out|on the suppression list|in the suppression list|on the do[- ]not[- ](?:contact|message) list)"
        ) { m in contactName(m["name"]).map { .suppression(contact: $0, channel: nil) } },
        QuestionPattern(["opt", "suppressed", "unsubscribed", "asked"], "(?:has|have|did) (?<name>.+?) (?:opted[ -]out|opt[ -]out|been suppressed|unsubscribed|asked not to be (?:contacted|messaged))") { m in
            contactName(m["name"]).map { .suppression(contact: $0, channel: nil) }
        },
        // "is Ben blocked?"
        QuestionPattern(["active", "blocked", "unsubscribed", "bounced"], "(?:is|are) (?<name>.+?) (?:an? )?(?:currently |still |now )?(?<status>active|blocked|unsubscribed|bounced)") { m in
            guard let name = contactName(m["name"]), let status = m["status"].flatMap({ ContactStatus(rawValue: $0.lowercased()) })
            else { return nil }
            return .contactStatusIs(contact: name, status: status)
        },
        // "what is Anna Müller's phone number?", "Jonas's email"
        QuestionPattern(fieldKeys, "(?:{WHAT} )?(?<name>.+?)(?:'s|') (?<field>[a-z -]+)") { m in
            guard let field = field(m["field"]), let name = contactName(m["name"]) else { return nil }
            return .contactField(contact: name, field: field)
        },
        // "the phone number of Anna Müller", "email for Jonas"
        QuestionPattern(fieldKeys, "(?:{WHAT} )?(?<field>[a-z -]+?) (?:of|for) (?<name>.+)") { m in
            guard let field = field(m["field"]), let name = contactName(m["name"]) else { return nil }
            return .contactField(contact: name, field: field)
        },
        // "does Jonas have an email?"
        QuestionPattern(fieldKeys, "(?:does|do) (?<name>.+?) have (?:an? |any )?(?<field>[a-z -]+)") { m in
            guard let field = field(m["field"]), field != .details, let name = contactName(m["name"]) else { return nil }
            return .contactField(contact: name, field: field)
        },
        QuestionPattern(["tag", "label"], "(?:what|which) (?:tags?|labels?) (?:does|do|has) (?<name>.+?) (?:have|got|carry)") { m in
            contactName(m["name"]).map { .contactField(contact: $0, field: .tags) }
        },
        // "how can I reach Anna?", "show contact Anna Müller"
        QuestionPattern(["reach", "contact", "call", "hold", "touch"], "how (?:can|do|should|could) (?:i|we) (?:reach|contact|call|get hold of|get in touch with) (?<name>.+)") { m in
            contactName(m["name"]).map { .contactField(contact: $0, field: .details) }
        },
        QuestionPattern(["contact", "patient", "client", "customer"], "(?:show(?: me)?|look up|lookup|find|open|display|pull up) (?:the )?(?:contact|patient|client|customer)(?: card| record| details| info)?(?: of| for)? (?<name>.+)") { m in
            contactName(m["name"]).map { .contactField(contact: $0, field: .details) }
        },
    ]

    static let bookingPatterns: [QuestionPattern] = [
        // "when is Anna's next appointment?"
        QuestionPattern(bookingKeys, "(?:when(?:'s| is| was)?|whens|what(?:'s| is)) (?<name>.+?)(?:'s|') (?:next|upcoming|first) {BOOKING}") { m in
            contactName(m["name"]).map { .bookings(BookingQuestion(contact: $0, nextOnly: true)) }
        },
        QuestionPattern(bookingKeys, "(?:when(?:'s| is)|whens|what(?:'s| is)) the next {BOOKING}(?: (?:of|for|with) (?<name>.+))?") { m in
            if let raw = m["name"] {
                guard let name = contactName(raw) else { return nil }
                return .bookings(BookingQuestion(contact: name, nextOnly: true))
            }
            return .bookings(BookingQuestion(nextOnly: true))
        },
        QuestionPattern(bookingKeys + ["come", "coming", "booked", "due", "scheduled", "next"], "when (?:is|does|will) (?<name>.+?) (?:next )?(?:come in|coming in|coming|come|booked|due|scheduled|in next|have (?:an? |their next )?{BOOKING})(?: next)?") { m in
            contactName(m["name"]).map { .bookings(BookingQuestion(contact: $0, nextOnly: true)) }
        },
        // "who is booked tomorrow?"
        QuestionPattern(["book", "schedul", "coming", "due", "visiting", "seeing", "calendar", "agenda", "diary"], "who(?:'s| is| are)? (?:booked(?: in)?|scheduled|coming(?: in)?|due(?: in)?|visiting|seeing us|on the (?:calendar|schedule|books|agenda)|in the (?:calendar|diary|books))") { _ in
            .bookings(BookingQuestion())
        },
        QuestionPattern(bookingKeys, "who (?:has|had) (?:an? |any )?(?:(?<status>{BSTATUS}) )?{BOOKING}") { m in
            .bookings(BookingQuestion(status: bookingStatus(m["status"])))
        },
        QuestionPattern(["cancelled", "canceled"], "who (?:cancell?ed)") { _ in .bookings(BookingQuestion(status: .cancelled)) },
        // "which appointments does Zoë have next week?"
        QuestionPattern(bookingKeys, "(?:what|which|how many|any|list|show(?: me)?|get) (?:(?<status>{BSTATUS}) )?{BOOKING} (?:does|do|has|have|did|will) (?<name>.+?)(?: have| got| booked| made| had)?") { m in
            contactName(m["name"]).map { .bookings(BookingQuestion(contact: $0, status: bookingStatus(m["status"]))) }
        },
        // "does Anna have an appointment tomorrow?", "is Anna booked on Friday?"
        QuestionPattern(bookingKeys + ["anything"] + QuestionKeys(endings: ["have", "got", "booked", "booked in", "scheduled", "coming", "coming in", "come in"]), "(?:does|do|has|is|will) (?<name>.+?) (?:have|got|booked(?: in)?|scheduled|coming(?: in)?|come in)(?: (?:an? |any )?(?:(?<status>{BSTATUS}) )?{BOOKING}| anything(?: booked| scheduled| planned| on)?)?") { m in
            if let raw = m["name"]?.lowercased(), ["anyone", "anybody", "someone", "somebody"].contains(raw) {
                return .bookings(BookingQuestion(status: bookingStatus(m["status"])))
            }
            return contactName(m["name"]).map { .bookings(BookingQuestion(contact: $0, status: bookingStatus(m["status"]))) }
        },
        // "Anna's appointments", "appointments for Anna"
        QuestionPattern(bookingKeys + ["schedule", "calendar", "agenda"], "(?:{WHAT} )?(?<name>.+?)(?:'s|') (?:(?<status>{BSTATUS}) )?(?:{BOOKING}|schedule|calendar|agenda)") { m in
            contactName(m["name"]).map { .bookings(BookingQuestion(contact: $0, status: bookingStatus(m["status"]))) }
        },
        QuestionPattern(bookingKeys, "(?:{WHAT} )?(?:the |all )?(?:(?<status>{BSTATUS}) )?{BOOKING} (?:for|of|with) (?<name>.+)") { m in
            contactName(m["name"]).map { .bookings(BookingQuestion(contact: $0, status: bookingStatus(m["status"]))) }
        },
        // "how many appointments are there tomorrow?", "any cancellations this week?"
        QuestionPattern(bookingKeys, "(?:{WHAT}|any|are there(?: any)?|were there(?: any)?|do we have(?: any)?|have we got(?: any)?|is there(?: an?| any)?|how many|count(?: the)?|all)? ?(?:the |our )?(?:(?<status>{BSTATUS}) )?{BOOKING}(?: (?:are there|do we have|have we got|are booked|booked|scheduled|are scheduled|planned|are planned|are left|on the calendar|(?:are |were |got |have been |been )(?<verb>cancell?ed|confirmed|pending)))?") { m in
            .bookings(BookingQuestion(status: bookingStatus(m["status"]) ?? bookingStatus(m["verb"])))
        },
        QuestionPattern(["cancellations"], "(?:any|are there any|were there any|how many|list|show(?: me)?|what|which)? ?(?<status>cancellations)") { _ in
            .bookings(BookingQuestion(status: .cancelled))
        },
        // "what's on the calendar tomorrow?"
        QuestionPattern(["calendar", "schedule", "agenda", "diary", "books"], "(?:what(?:'s| is)|whats) (?:on )?(?:the |our |my )?(?:calendar|schedule|agenda|diary|books)(?: look like)?") { _ in
            .bookings(BookingQuestion(days: .day("today")))
        },
        QuestionPattern(["look"], "(?:how|what) does (?:the |our |my )?(?:calendar|schedule|day|agenda) look(?: like)?") { _ in
            .bookings(BookingQuestion(days: .day("today")))
        },
    ]

    static let messagePatterns: [QuestionPattern] = [
        // "what did Carl last write?", "messages from Carl"
        QuestionPattern(["write", "say", "send", "reply", "text", "message"], "what did (?<name>.+?) (?:last )?(?:write|say|send|reply|text|message)(?: us| last)?") { m in
            contactName(m["name"]).map { .inbound(contact: $0, limit: 1) }
        },
        QuestionPattern(["message", "text", "reply"], "(?:{WHAT} )?(?<name>.+?)(?:'s|') (?:last|latest|most recent|newest) (?:message|text|reply)") { m in
            contactName(m["name"]).map { .inbound(contact: $0, limit: 1) }
        },
        QuestionPattern(["message", "text", "reply"], "(?:{WHAT} )?(?:the )?(?:last|latest|most recent|newest) (?:message|text|reply) (?:from|by) (?<name>.+)") { m in
            contactName(m["name"]).map { .inbound(contact: $0, limit: 1) }
        },
        QuestionPattern(["messages", "texts", "replies"], "(?:{WHAT} |any )?(?:the )?(?:new |recent |latest |incoming |inbound )?(?:messages|texts|replies) (?:from|by) (?<name>.+)") { m in
            contactName(m["name"]).map { .inbound(contact: $0, limit: 10) }
        },
        QuestionPattern(["writ", "repl", "answer", "messaged", "texted", "sent"], "(?:did|has) (?<name>.+?) (?:written|write|replied|reply|answered|answer|messaged|texted|sent (?:us )?(?:a |any )?{MESSAGE})(?: us| back| to us)?") { m in
            contactName(m["name"]).map { .inbound(contact: $0, limit: 1) }
        },
        QuestionPattern(["messages", "texts"], "(?:{WHAT} |any |are there any |were there any )?(?:the )?(?:new |recent |latest )?(?:inbound|incoming|received) (?:messages|texts)") { _ in
            .inbound(contact: nil, limit: 10)
        },
        // "how many messages failed today?"
        QuestionPattern(messageKeys, "(?:how many|count(?: the)?|number of) (?:outbound |outgoing )?{MESSAGE} (?:have |has |were |was |are |is |got |did )?(?:been )?(?<status>{MSTATUS}|gone out|went out|fail)(?: to (?<name>.+?))?") { m in
            outbox(status: m["status"], contact: m["name"])
        },
        QuestionPattern(messageKeys, "(?:how many|count(?: the)?|number of) (?:(?<status>{MSTATUS}) )?(?:outbound |outgoing )?{MESSAGE}(?: (?:are |is )?(?:there|in the outbox|in the queue))?(?: to (?<name>.+?))?") { m in
            outbox(status: m["status"], contact: m["name"])
        },
        QuestionPattern(messageKeys, "how many {MESSAGE} (?:did we|have we|did you|has corbi) (?:send|sent)(?: to (?<name>.+?))?") { m in
            outbox(status: nil, contact: m["name"])
        },
        // "which messages failed?", "any failed messages?", "messages to Anna"
        QuestionPattern(messageKeys, "(?:{WHAT} |any |are there any |were there any |did any |have any |has any )?(?:the )?(?:(?<status>{MSTATUS}) )?(?:outbound |outgoing )?{MESSAGE}(?: (?:have |has |were |are |did |is |was )?(?:been )?(?<status2>{MSTATUS}|fail|gone out|went out))?(?: (?:in the outbox|in the queue))?(?: to (?<name>.+?))?") { m in
            guard m["status"] != nil || m["status2"] != nil || m["name"] != nil else { return nil }
            return outbox(status: m["status"] ?? m["status2"], contact: m["name"])
        },
        // "is there anything pending in the outbox?"
        QuestionPattern(["there"], "(?:is|are) there (?:anything|any|something|any messages?|messages?|any {MESSAGE})(?: still)? (?<status>{MSTATUS})(?<where> in the (?:outbox|queue))?") { m in
            // "Is there anything scheduled tomorrow?" asks about the calendar.
            if m["status"]?.lowercased() == "scheduled" && m["where"] == nil { return .bookings(BookingQuestion()) }
            return outbox(status: m["status"], contact: nil)
        },
        QuestionPattern(["outbox", "queue"], "(?:is |are )?(?:there )?(?:anything|something|any messages?|messages?) (?:(?<status>{MSTATUS}) |stuck )?in the (?:outbox|queue)") { m in
            outbox(status: m["status"], contact: nil)
        },
        QuestionPattern(["outbox", "queue"], "(?:{WHAT}|how many) (?:messages )?(?:is |are )?(?:in )?the (?:outbox|queue)|(?:show |list )?(?:me )?(?:the )?outbox") { _ in
            .outbox(OutboxQuestion())
        },
        QuestionPattern(["send", "went", "sent"], "(?:what|which {MESSAGE}) (?:did we send|went out|have we sent|was sent|were sent)(?: to (?<name>.+?))?") { m in
            outbox(status: nil, contact: m["name"])
        },
    ]

    static let listPatterns: [QuestionPattern] = [
        // "how many contacts are tagged recall?"
        QuestionPattern(["tagged", "label", "marked"], "(?:how many|count(?: the)?|number of) {CONTACTS} (?:are |have been |were |is )?(?:tagged|labell?ed|marked)(?: (?:as|with))?(?: the tag)? (?<tag>.+)") { m in
            tag(m["tag"]).map { .contacts(tag: $0) }
        },
        QuestionPattern(["tag", "label"], "(?:how many|count(?: the)?|number of) {CONTACTS} (?:have|has|carry|with|having) (?:the |a )?(?:tag|label) (?<tag>.+)") { m in
            tag(m["tag"]).map { .contacts(tag: $0) }
        },
        QuestionPattern(["tagged", "label", "marked"], "(?:who|which {CONTACTS}|(?:list|show)(?: me)?(?: the| all)? {CONTACTS}|what {CONTACTS}|{CONTACTS})(?: is| are)? (?:tagged|labell?ed|marked)(?: (?:as|with))?(?: the tag)? (?<tag>.+)") { m in
            tag(m["tag"]).map { .contacts(tag: $0) }
        },
        QuestionPattern(["tag", "label"], "(?:who has|which {CONTACTS} have|{CONTACTS} with|(?:list|show)(?: me)?(?: the| all)? {CONTACTS} with) (?:the |a )?(?:tag|label) (?<tag>.+)") { m in
            tag(m["tag"]).map { .contacts(tag: $0) }
        },
        // "how many contacts have the recall tag?"
        QuestionPattern(["tag", "label"], "(?:how many|count(?: the)?|number of|which|who are the) {CONTACTS} (?:have|has|carry|with|having) (?:the |a )?(?<tag>[^ ]+) (?:tag|label)") { m in
            tag(m["tag"]).map { .contacts(tag: $0) }
        },
        QuestionPattern(["tag", "label"], "(?:who has|(?:list|show)(?: me)?(?: the| all)? {CONTACTS} with) (?:the |a )?(?<tag>[^ ]+) (?:tag|label)") { m in
            tag(m["tag"]).map { .contacts(tag: $0) }
        },
        QuestionPattern(contactsKeys, "(?:how many|count(?: the)?|number of) {CONTACTS}(?: (?:do we have|have we got|are there|in total|are in corbi|exist|total|are in the (?:database|crm)))?") { _ in
            .contacts(tag: nil)
        },
        // "who are the admins?"
        QuestionPattern(["members", "admin", "staff", "viewer", "users"], "who (?:are|is) (?:the |our |an? )?(?<role>members|admins?|administrators?|staff(?: members)?|viewers?|users)(?: of (?:the|this|our) (?:organi[sz]ation|workspace|team|practice|clinic))?") { m in
            let word = m["role"]?.lowercased() ?? ""
            return .members(role: word == "members" || word == "users" ? nil : role(word))
        },
        QuestionPattern(["access", "members", "users"], "who has access(?: to corbi| to (?:the|our) (?:records|workspace|crm))?|(?:list|show)(?: me)?(?: the| all)? (?:members|users)|how many (?:members|users) (?:do we have|are there)") { _ in
            .members(role: nil)
        },
        // "which templates are approved?"
        QuestionPattern(["templates"], "(?:{WHAT}|how many|any)? ?(?:the |all |our )?(?:(?<approved>approved|unapproved|not approved) )?(?:message )?templates(?: (?:do we have|are there|exist|have we got|(?:are|is) (?<state>approved|unapproved|not approved|waiting for approval|pending approval)))?") { m in
            let word = (m["approved"] ?? m["state"])?.lowercased()
            return .templates(name: nil, approved: word.map { $0 == "approved" })
        },
        QuestionPattern(["template"], "is (?:the )?(?<name>[\\w-]+) template approved") { m in
            m["name"].map { .templates(name: $0, approved: nil) }
        },
    ]

    static func outbox(status: String?, contact: String?) -> RecordQuestion? {
        var question = OutboxQuestion()
        if let status {
            guard let parsed = messageStatus(status) else { return nil }
            question.status = parsed
        }
        if let contact {
            guard let name = contactName(contact) else { return nil }
            question.contact = name
        }
        return .outbox(question)
    }
}
