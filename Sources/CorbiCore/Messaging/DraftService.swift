import Foundation
import GRDB

/// A draft as typed: every value is text, checked by the service (65 for a bad value).
public struct DraftRequest: Sendable, Equatable {
    /// Contact id, email, phone or part of the name.
    public var contact: String
    /// Template name (or `#id`); nil for free text.
    public var template: String?
    /// Narrows the template; nil takes the only one.
    public var language: String?
    /// Free text instead of a template.
    public var text: String?
    /// The subject of a free-text email.
    public var subject: String?
    /// The channel; for a template, it narrows which one and must match it.
    public var channel: String?
    /// `name=value` arguments; for positional templates bare values fill `{{1}}`, `{{2}}`...
    public var arguments: [String]
    /// When to send, in the time grammar of `TimeInput`; nil is now.
    public var at: String?
    /// A booking id whose date, time and location fill `booking_*` variables.
    public var booking: String?
    /// An https link to an image or document sent with the message.
    public var mediaUrl: String?

    public init(
        contact: String, template: String? = nil, language: String? = nil, text: String? = nil, subject: String? = nil,
        channel: String? = nil, arguments: [String] = [], at: String? = nil, booking: String? = nil, mediaUrl: String? = nil
    ) {
        self.contact = contact
        self.template = template
        self.language = language
        self.text = text
        self.subject = subject
        self.channel = channel
        self.arguments = arguments
        self.at = at
        self.booking = booking
        self.mediaUrl = mediaUrl
    }
}

/// A rendered, checked message: saved (an id) or a preview (no id).
public struct Draft: Sendable, Equatable {
    public var message: OutboundMessage
    public var contact: Contact
    public var template: MessageTemplate?
    /// The time asked for (`--at`, or now).
    public var requestedFor: Date
    /// The channel's rate per minute that applied.
    public var ratePerMinute: Int
    /// Whether the rate moved the message to a later minute.
    public var throttled: Bool
    /// Whether it was saved (false for a dry run).
    public var saved: Bool { message.id != nil }
}

/// Variables drafts fill from context when the arguments do not give them.
public enum DraftContext {
    /// From the contact and the organization.
    public static let contactVariables = ["first_name", "full_name", "org_name"]
    /// From `--booking`, in the organization's zone.
    public static let bookingVariables = ["booking_date", "booking_time", "booking_location", "booking_title"]
}

extension AppDatabase {
    /// Renders, checks, schedules and saves a draft as a pending outbound message, in one
    /// transaction (staff and admins). Every refusal is a 65 naming the rule.
    public func draft(_ actor: Actor, _ request: DraftRequest) throws -> Draft {
        try perform(actor, "draft.create", requires: .write, target: "contact:\(request.contact)", details: Self.auditDetails(request)) { db, entry in
            var draft = try planDraft(db, actor: actor, request)
            entry.target = "contact:\(draft.contact.id!)"
            try draft.message.insert(db)
            entry.target = "outbound:\(draft.message.id!)"
            entry.details = [
                "contactId": .int(draft.contact.id!), "templateId": .optional(draft.template?.id),
                "channel": .string(draft.message.channel.rawValue), "body": .string(draft.message.body),
                "scheduledFor": .string(AuditLog.timestamp(draft.message.scheduledFor)),
                "throttled": .bool(draft.throttled), "messageTraceId": .string(draft.message.traceId),
            ]
            if let media = draft.message.mediaUrl { entry.details["mediaUrl"] = .string(media) }
            return draft
        }
    }

    /// Everything `draft` does but the save: the rendered message as it would be
    /// scheduled now. Writes nothing, not even an audit event.
    public func previewDraft(_ actor: Actor, _ request: DraftRequest) throws -> Draft {
        try actor.require(.write, to: "draft messages")
        return try read(actor) { db in try planDraft(db, actor: actor, request) }
    }

    /// The rules, in the order a person would fix them.
    func planDraft(_ db: Database, actor: Actor, _ request: DraftRequest) throws -> Draft {
        let now = environment.now()
        let zone = actor.organization.timeZone
        let requestedChannel = try MessagingText.nonBlank(request.channel).map(Channel.parse)
        let contact = try resolveContact(db, actor: actor, ref: request.contact)
        guard contact.status == .active else {
            throw CorbiError.invalid(
                "\(contact.label) is \(contact.status.rawValue): messages go only to active contacts.")
        }

        // The template, or free text.
        let template: MessageTemplate?
        let channel: Channel
        if let name = request.template {
            guard request.text == nil else { throw CorbiError.usage("Give a template or a free text, not both.", hints: [.text]) }
            let t = try resolveTemplate(
                db, actor: actor, TemplateSelector(name: name, channel: requestedChannel?.rawValue, language: request.language),
                channelMismatchIsRule: true,
                preferred: [{ contact.identifier(on: $0.channel) != nil }, { $0.approved }])
            guard t.approved else {
                throw CorbiError.invalid(
                    "The template \(t.label) is not approved: only approved templates are sent, and an admin approves them.",
                    hints: [.approveTemplate])
            }
            template = t
            channel = t.channel
        } else {
            guard let text = request.text else { throw CorbiError.usage("Give a template name or a free text.", hints: [.text]) }
            guard let c = requestedChannel else { throw CorbiError.usage("Free text needs a channel.", hints: [.channel]) }
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw CorbiError.invalid("The message text is empty.")
            }
            guard request.booking == nil else {
                throw CorbiError.invalid("A booking fills a template's booking_* variables; free text has none.", hints: [.booking])
            }
            guard request.arguments.isEmpty else {
                throw CorbiError.usage("Free text takes no name=value arguments: \(request.arguments.joined(separator: " ")).")
            }
            template = nil
            channel = c
        }

        // The contact must be reachable on the channel and not opted out.
        guard let identifier = contact.identifier(on: channel) else {
            throw CorbiError.invalid("\(contact.label) has no \(channel.rawValue) identifier: cannot message them on \(channel.rawValue).")
        }
        if let suppression = try findSuppression(db, actor: actor, channel: channel, identifier: identifier) {
            let why = suppression.reason.map { " (\($0))" } ?? ""
            throw CorbiError.invalid(
                "\(identifier) is suppressed on \(channel.rawValue)\(why): no message goes to a suppressed identifier.")
        }

        // The text.
        let body: String
        let subject: String?
        var values: [String: String] = [:]
        if let template {
            values = try draftValues(db, actor: actor, template: template, contact: contact, request: request)
            body = try TemplateRenderer.render(template.body, values: values)
            subject = try template.subject.map { try TemplateRenderer.render($0, values: values) }
        } else {
            body = try Validation.text(request.text!, field: "message", maxLength: Self.maximumBodyLength(channel), multiline: true)
            subject = try MessagingText.nonBlank(request.subject).map { try Validation.text($0, field: "subject", maxLength: 200) }
            if channel == .email && subject == nil {
                throw CorbiError.invalid("An email needs a subject.", hints: [.subject])
            }
            if channel != .email && subject != nil {
                throw CorbiError.invalid("Only email has a subject; \(channel.rawValue) messages have none.")
            }
        }
        guard body.count <= Self.maximumBodyLength(channel) else {
            throw CorbiError.invalid(
                "The message has \(body.count) characters; \(channel.rawValue) allows at most \(Self.maximumBodyLength(channel)).")
        }

        // When.
        let requested = try request.at.map { try TimeInput.instant($0, in: zone, now: now).date } ?? now
        if requested < now.addingTimeInterval(-60) {
            throw CorbiError.invalid(
                "The time to send, \(request.at!), is in the past (\(DateFormatting.dateTime(requested, in: zone))).", hints: [.at])
        }
        let rate = try channelRate(db, organizationId: actor.organizationId, channel: channel)
        let scheduled = try freeSlot(db, organizationId: actor.organizationId, channel: channel, from: requested, rate: rate)

        // Free text on WhatsApp and Instagram only inside the 24-hour customer-service
        // window, which must still be open when the message goes out.
        if template == nil && channel.hasCustomerServiceWindow {
            guard let last = contact.lastInboundAt else {
                throw CorbiError.invalid(
                    "Free text on \(channel.rawValue) is allowed only within 24 hours of the contact's last message, and \(contact.label) has never written: use an approved template.")
            }
            if scheduled > last.addingTimeInterval(24 * 3600) {
                throw CorbiError.invalid(
                    "Free text on \(channel.rawValue) is allowed only within 24 hours of the contact's last message (\(DateFormatting.dateTime(last, in: zone))): use an approved template.")
            }
        }

        var message = OutboundMessage(
            organizationId: actor.organizationId, contactId: contact.id!, templateId: template?.id, channel: channel,
            subject: subject, body: body, variables: values, scheduledFor: scheduled, traceId: environment.makeID(),
            createdBy: actor.userId, createdAt: now)
        message.mediaUrl = try MessagingText.nonBlank(request.mediaUrl).map(MediaLink.validate)
        return Draft(
            message: message, contact: contact, template: template, requestedFor: requested, ratePerMinute: rate,
            throttled: scheduled > requested)
    }

    /// The values for a template: the arguments first, then the context. Lists every
    /// missing variable in one error.
    private func draftValues(
        _ db: Database, actor: Actor, template: MessageTemplate, contact: Contact, request: DraftRequest
    ) throws -> [String: String] {
        var given: [String: String] = [:]
        var bare: [String] = []
        for argument in request.arguments {
            if let eq = argument.firstIndex(of: "=") {
                let name = argument[..<eq].trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { throw CorbiError.invalid("'\(argument)' has no variable name before '='.") }
                if given[name] != nil { throw CorbiError.invalid("The variable \(name) is given twice.") }
                given[name] = String(argument[argument.index(after: eq)...])
            } else {
                bare.append(argument)
            }
        }
        if !bare.isEmpty {
            guard template.isPositional else {
                throw CorbiError.invalid("Give variables as name=value: \(bare.map { "'\($0)'" }.joined(separator: ", ")).")
            }
            for (index, value) in bare.enumerated() {
                let name = String(index + 1)
                if given[name] != nil { throw CorbiError.invalid("The variable \(name) is given twice.") }
                given[name] = value
            }
        }
        let unknown = given.keys.filter { !template.variables.contains($0) }.sorted()
        if !unknown.isEmpty {
            let known = template.variables.isEmpty ? "it has none" : "its variables: " + template.variables.joined(separator: ", ")
            throw CorbiError.invalid(
                "The template \(template.label) has no variable \(unknown.joined(separator: ", ")) (\(known)).")
        }

        var context: [String: String] = [
            "first_name": contact.firstName, "full_name": contact.fullName, "org_name": actor.organization.name,
        ]
        if let booking = request.booking {
            context.merge(try bookingContext(db, actor: actor, ref: booking, contact: contact)) { _, new in new }
        }
        var values: [String: String] = [:]
        var missing: [String] = []
        for variable in template.variables {
            if let value = given[variable], !value.isEmpty {
                values[variable] = value
            } else if let value = context[variable], !value.isEmpty {
                values[variable] = value
            } else {
                missing.append(variable)
            }
        }
        if !missing.isEmpty {
            let fromBooking = request.booking == nil && missing.contains(where: DraftContext.bookingVariables.contains)
            throw CorbiError.invalid(
                "Missing variables for \(template.label): \(missing.joined(separator: ", ")); give them as name=value"
                    + (fromBooking ? " or name a booking." : "."),
                hints: fromBooking ? [.booking] : [])
        }
        return values
    }

    /// `booking_date` (YYYY-MM-DD), `booking_time` (HH:MM), `booking_location` and
    /// `booking_title` of a live booking of the contact, in the organization's zone.
    private func bookingContext(_ db: Database, actor: Actor, ref: String, contact: Contact) throws -> [String: String] {
        let booking = try liveBooking(db, actor: actor, id: ref, of: contact).booking
        let zone = actor.organization.timeZone
        var context = [
            "booking_date": DateFormatting.day(booking.start, in: zone),
            "booking_time": DateFormatting.clock(booking.start, in: zone),
            "booking_title": booking.title,
        ]
        if let location = booking.location { context["booking_location"] = location }
        return context
    }

    static func auditDetails(_ request: DraftRequest) -> [String: JSONValue] {
        var details: [String: JSONValue] = ["contact": .string(request.contact)]
        if let t = request.template { details["template"] = .string(t) }
        if let c = request.channel { details["channel"] = .string(c) }
        if let t = request.text { details["text"] = .string(t) }
        if let a = request.at { details["at"] = .string(a) }
        if let b = request.booking { details["booking"] = .string(b) }
        if let m = request.mediaUrl { details["mediaUrl"] = .string(m) }
        if !request.arguments.isEmpty { details["arguments"] = .array(request.arguments.map(JSONValue.string)) }
        return details
    }
}
