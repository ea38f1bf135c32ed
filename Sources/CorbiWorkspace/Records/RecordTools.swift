import CorbiAssistant
import CorbiCore
import Foundation

/// The read-only record queries a model may choose among (OpenAI-compatible tool calls),
/// and how a call becomes a ``RecordQuestion``. There is no tool that writes: a call to
/// any other name is refused, and the arguments are checked as a typed question would be
/// (names through the contact lookup, days through the time grammar).
public enum RecordTools {
    static let channels = Channel.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
    static let messageStatuses = MessageStatus.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
    static let fields = ContactField.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
    static let daysHelp =
        "Days as the user gave them: today, tomorrow, yesterday, a weekday (mon, fri), a date (2026-04-02), this week, next week, or next 7 days."
    static let contactHelp = "The contact's name (or part of it), email or phone number, exactly as the user wrote it."

    /// Every tool offered.
    public static let all: [LLMTool] = [
        LLMTool(
            name: "contact_details",
            description: "One contact's phone (WhatsApp) number, email, Telegram or Instagram id, status, tags, notes, or all details.",
            parametersJSON: """
                {"type": "object", "properties": {"contact": {"type": "string", "description": "\(contactHelp)"},
                "field": {"type": "string", "enum": [\(fields)]}}, "required": ["contact", "field"]}
                """),
        LLMTool(
            name: "last_contact",
            description: "When a contact last wrote to the organization and was last written to.",
            parametersJSON: """
                {"type": "object", "properties": {"contact": {"type": "string", "description": "\(contactHelp)"}}, "required": ["contact"]}
                """),
        LLMTool(
            name: "suppression_status",
            description: "Whether a contact's identifiers are suppressed (opted out), on one channel or all.",
            parametersJSON: """
                {"type": "object", "properties": {"contact": {"type": "string", "description": "\(contactHelp)"},
                "channel": {"type": "string", "enum": [\(channels)]}}, "required": ["contact"]}
                """),
        LLMTool(
            name: "list_bookings",
            description: "Bookings (appointments) on some days, optionally of one contact or one status; without days, the upcoming ones.",
            parametersJSON: """
                {"type": "object", "properties": {"days": {"type": "string", "description": "\(daysHelp)"},
                "contact": {"type": "string", "description": "\(contactHelp)"},
                "status": {"type": "string", "enum": ["pending", "confirmed", "cancelled"]},
                "next_only": {"type": "boolean", "description": "Only the next upcoming booking."}}}
                """),
        LLMTool(
            name: "list_outbox",
            description: "Outbound messages in the outbox, optionally of one status, scheduled on some days, or to one contact.",
            parametersJSON: """
                {"type": "object", "properties": {"status": {"type": "string", "enum": [\(messageStatuses)]},
                "days": {"type": "string", "description": "\(daysHelp)"},
                "contact": {"type": "string", "description": "\(contactHelp)"}}}
                """),
        LLMTool(
            name: "list_inbound",
            description: "The latest messages contacts sent, from one contact or from anyone.",
            parametersJSON: """
                {"type": "object", "properties": {"contact": {"type": "string", "description": "\(contactHelp)"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 50}}}
                """),
        LLMTool(
            name: "count_contacts",
            description: "How many contacts there are, or carry a tag, and who.",
            parametersJSON: """
                {"type": "object", "properties": {"tag": {"type": "string"}}}
                """),
        LLMTool(
            name: "list_members",
            description: "The organization's members (people with access to Corbi) and their roles.",
            parametersJSON: """
                {"type": "object", "properties": {"role": {"type": "string", "enum": ["admin", "staff", "viewer"]}}}
                """),
        LLMTool(
            name: "list_templates",
            description: "The organization's message templates, optionally only approved or unapproved ones, or one name.",
            parametersJSON: """
                {"type": "object", "properties": {"name": {"type": "string"}, "approved": {"type": "boolean"}}}
                """),
    ]

    /// The system prompt: what the tools are for, and to call none for anything else.
    public static func systemPrompt(organization: Organization, now: Date) -> String {
        let zone = organization.timeZone
        return """
            You route questions for Corbi, the CRM of \(organization.name). Today is \
            \(DateFormatting.weekdayName(now, in: zone)) \(DateFormatting.day(now, in: zone)) (time zone \(zone.identifier)). \
            If the question asks about the organization's own records (its contacts and their details, bookings or \
            appointments, outbound or inbound messages, suppressions, tags, members, templates), call exactly one \
            tool, with arguments taken from the question. For any other question (how-to, policies, prices, opening \
            hours, anything documents answer) call no tool and reply with the single word NONE.
            """
    }

    /// Why a model's call was not run.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        /// The name is not one of the read-only queries.
        case unknownTool(String)
        /// The arguments do not say what the query needs.
        case badArguments(String)

        public var description: String {
            switch self {
            case .unknownTool(let name): "the model asked for '\(RecordText.clean(name, limit: 60))', which is not a read-only query Corbi offers"
            case .badArguments(let why): "the model's arguments were refused (\(why))"
            }
        }
    }

    /// The question a tool call asks, checked like a typed one.
    public static func question(tool name: String, arguments: Data) throws -> RecordQuestion {
        guard let object = (try? JSONSerialization.jsonObject(with: arguments)) as? [String: Any] else {
            throw Refusal.badArguments("not a JSON object")
        }
        func string(_ key: String) throws -> String? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let text = value as? String else { throw Refusal.badArguments("\(key) is not text") }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count <= 100 else { throw Refusal.badArguments("\(key) is too long") }
            return trimmed.isEmpty ? nil : trimmed
        }
        func contact(required: Bool) throws -> String? {
            guard let raw = try string("contact") else {
                if required { throw Refusal.badArguments("no contact") }
                return nil
            }
            guard let name = RecordQuestionParser.contactName(raw) else { throw Refusal.badArguments("the contact names no one") }
            return name
        }
        func days() throws -> RecordDays? {
            guard let raw = try string("days") else { return nil }
            return try Self.days(raw)
        }
        switch name {
        case "contact_details":
            guard let raw = try string("field"), let field = ContactField(rawValue: raw.lowercased()) else {
                throw Refusal.badArguments("field must be one of \(fields)")
            }
            return .contactField(contact: try contact(required: true)!, field: field)
        case "last_contact":
            return .lastContact(contact: try contact(required: true)!)
        case "suppression_status":
            let channel = try string("channel").map { raw -> Channel in
                guard let c = Channel(rawValue: raw.lowercased()) else { throw Refusal.badArguments("unknown channel") }
                return c
            }
            return .suppression(contact: try contact(required: true)!, channel: channel)
        case "list_bookings":
            let status = try string("status").map { raw -> BookingStatus in
                guard let s = BookingStatus(rawValue: raw.lowercased()) else { throw Refusal.badArguments("unknown booking status") }
                return s
            }
            let nextOnly = object["next_only"] as? Bool ?? false
            return .bookings(BookingQuestion(days: nextOnly ? nil : try days(), contact: try contact(required: false), status: status, nextOnly: nextOnly))
        case "list_outbox":
            let status = try string("status").map { raw -> MessageStatus in
                guard let s = MessageStatus(rawValue: raw.lowercased()) else { throw Refusal.badArguments("unknown message status") }
                return s
            }
            return .outbox(OutboxQuestion(status: status, days: try days(), contact: try contact(required: false)))
        case "list_inbound":
            let limit = (object["limit"] as? Int).map { min(max($0, 1), 50) } ?? 10
            return .inbound(contact: try contact(required: false), limit: limit)
        case "count_contacts":
            return .contacts(tag: try string("tag").flatMap(RecordQuestionParser.tag))
        case "list_members":
            let role = try string("role").map { raw -> Role in
                guard let r = Role(rawValue: raw.lowercased()) else { throw Refusal.badArguments("unknown role") }
                return r
            }
            return .members(role: role)
        case "list_templates":
            return .templates(name: try string("name"), approved: object["approved"] as? Bool)
        default:
            throw Refusal.unknownTool(name)
        }
    }

    /// Days as a model wrote them: the phrases a question may hold ("next week", "on
    /// Friday"), else a word for the time grammar, which checks it when it is answered.
    static func days(_ raw: String) throws -> RecordDays {
        let lower = raw.lowercased()
        if ["next 7 days", "next seven days", "the next 7 days", "coming week"].contains(lower) { return .nextSevenDays }
        let (found, rest) = RecordDaysPhrase.extract(from: raw)
        if let found, rest.isEmpty { return found }
        guard !raw.contains(where: { $0.isNewline }), raw.split(separator: " ").count <= 3 else {
            throw Refusal.badArguments("days must be a day or a week")
        }
        return .day(lower)
    }
}
