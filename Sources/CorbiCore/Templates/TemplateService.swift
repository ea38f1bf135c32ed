import Foundation
import GRDB

/// What a new template holds, as typed; the service validates every field.
public struct TemplateInput: Sendable, Equatable {
    public var name: String
    public var channel: String
    public var language: String
    public var body: String
    public var subject: String?
    /// Variables the author declares; when given they must equal the placeholders.
    public var variables: [String]?

    public init(name: String, channel: String, language: String, body: String, subject: String? = nil, variables: [String]? = nil) {
        self.name = name
        self.channel = channel
        self.language = language
        self.body = body
        self.subject = subject
        self.variables = variables
    }
}

/// The result of an update: the template and whether its approval was withdrawn.
public struct TemplateUpdate: Sendable, Equatable {
    public var template: MessageTemplate
    public var approvalWithdrawn: Bool
}

extension AppDatabase {
    /// Adds an unapproved template (staff and admins).
    public func addTemplate(_ actor: Actor, _ input: TemplateInput) throws -> MessageTemplate {
        try perform(actor, "templates.add", requires: .write, target: "template:\(input.name)") { db, entry in
            let name = try Self.templateName(input.name)
            let channel = try Channel.parse(input.channel)
            let language = try Self.templateLanguage(input.language)
            let (body, subject) = try Self.templateTexts(body: input.body, subject: input.subject, channel: channel)
            let variables = try TemplateRenderer.variables(of: (subject.map { [$0] } ?? []) + [body])
            if let declared = input.variables { try Self.checkDeclared(declared, equal: variables) }
            let existing = try MessageTemplate.filter(
                Column("organizationId") == actor.organizationId && Column("name") == name
                    && Column("language") == language && Column("channel") == channel.rawValue
            ).fetchOne(db)
            if let existing {
                throw CorbiError.invalid(
                    "A template \(existing.label) already exists (#\(existing.id!)): change it instead.", hints: [.updateTemplate])
            }
            let now = environment.now()
            var template = MessageTemplate(
                organizationId: actor.organizationId, name: name, channel: channel, language: language,
                subject: subject, body: body, variables: variables, createdAt: now, updatedAt: now)
            try template.insert(db)
            entry.target = "template:\(template.id!)"
            entry.details = Self.auditDetails(template)
            return template
        }
    }

    /// Changes the body and/or subject of a template. Any change of the text of an
    /// approved template withdraws its approval: an admin must approve the new text.
    public func updateTemplate(_ actor: Actor, _ selector: TemplateSelector, body: String?, subject: String?) throws -> TemplateUpdate {
        try perform(actor, "templates.update", requires: .write, target: "template:\(selector.name)") { db, entry in
            var template = try resolveTemplate(db, actor: actor, selector)
            entry.target = "template:\(template.id!)"
            guard body != nil || subject != nil else {
                throw CorbiError.invalid("Nothing to change: give a new body or subject.", hints: [.body, .bodyFile, .subject])
            }
            let (newBody, newSubject) = try Self.templateTexts(
                body: body ?? template.body, subject: subject ?? template.subject, channel: template.channel)
            let variables = try TemplateRenderer.variables(of: (newSubject.map { [$0] } ?? []) + [newBody])
            let changed = newBody != template.body || newSubject != template.subject
            let withdrawn = changed && template.approved
            if changed {
                entry.details["before"] = .object(["body": .string(template.body), "subject": .optional(template.subject)])
                template.body = newBody
                template.subject = newSubject
                template.variables = variables
                template.updatedAt = environment.now()
                if withdrawn {
                    template.approved = false
                    template.approvedBy = nil
                    template.approvedAt = nil
                }
                try template.update(db)
            }
            entry.details["changed"] = .bool(changed)
            entry.details["approvalWithdrawn"] = .bool(withdrawn)
            entry.details["body"] = .string(template.body)
            entry.details["subject"] = .optional(template.subject)
            return TemplateUpdate(template: template, approvalWithdrawn: withdrawn)
        }
    }

    /// Approves a template (admins only); approving an approved template changes nothing.
    public func approveTemplate(_ actor: Actor, _ selector: TemplateSelector) throws -> TemplateInfo {
        try perform(actor, "templates.approve", requires: .administer, target: "template:\(selector.name)") { db, entry in
            var template = try resolveTemplate(db, actor: actor, selector)
            entry.target = "template:\(template.id!)"
            entry.details = ["name": .string(template.name), "channel": .string(template.channel.rawValue), "language": .string(template.language)]
            if !template.approved {
                template.approved = true
                template.approvedBy = actor.userId
                template.approvedAt = environment.now()
                template.updatedAt = environment.now()
                try template.update(db)
            } else {
                entry.details["alreadyApproved"] = true
            }
            return try templateInfo(db, template)
        }
    }

    /// Withdraws a template's approval (admins only).
    public func unapproveTemplate(_ actor: Actor, _ selector: TemplateSelector) throws -> TemplateInfo {
        try perform(actor, "templates.unapprove", requires: .administer, target: "template:\(selector.name)") { db, entry in
            var template = try resolveTemplate(db, actor: actor, selector)
            entry.target = "template:\(template.id!)"
            entry.details = ["name": .string(template.name), "wasApproved": .bool(template.approved)]
            if template.approved {
                template.approved = false
                template.approvedBy = nil
                template.approvedAt = nil
                template.updatedAt = environment.now()
                try template.update(db)
            }
            return try templateInfo(db, template)
        }
    }

    /// Deletes a template. Staff may delete unapproved templates; an approved one takes
    /// an admin. Messages drafted from it keep their text.
    public func deleteTemplate(_ actor: Actor, _ selector: TemplateSelector) throws -> MessageTemplate {
        try perform(actor, "templates.delete", requires: .write, target: "template:\(selector.name)") { db, entry in
            let template = try resolveTemplate(db, actor: actor, selector)
            entry.target = "template:\(template.id!)"
            entry.details = Self.auditDetails(template)
            if template.approved {
                try actor.require(.administer, to: "delete the approved template \(template.label)")
            }
            try template.delete(db)
            return template
        }
    }

    /// Templates of the organization by name, channel and language, optionally narrowed.
    public func templates(_ actor: Actor, name: String? = nil, channel: String? = nil, language: String? = nil) throws -> [TemplateInfo] {
        let channel = try channel.map(Channel.parse)
        return try read(actor) { db in
            var request = MessageTemplate.filter(Column("organizationId") == actor.organizationId)
            if let name { request = request.filter(Column("name") == name.trimmingCharacters(in: .whitespaces)) }
            if let channel { request = request.filter(Column("channel") == channel.rawValue) }
            if let language { request = request.filter(Column("language") == language.trimmingCharacters(in: .whitespaces)) }
            let templates = try request.order(Column("name"), Column("channel"), Column("language")).fetchAll(db)
            return try templates.map { try templateInfo(db, $0) }
        }
    }

    /// One template (66 if none, 65 listing the candidates if the selector is ambiguous).
    public func template(_ actor: Actor, _ selector: TemplateSelector) throws -> TemplateInfo {
        do {
            return try read(actor) { db in try templateInfo(db, try resolveTemplate(db, actor: actor, selector)) }
        } catch let error as CorbiError {
            try? auditRefusal(actor, entry: AuditEntry(action: "templates.show", target: "template:\(selector.name)"), error: error)
            throw error
        }
    }

    /// The variables of the templates named `name` (all channels and languages), for
    /// completion of `name=value` arguments.
    public func templateVariables(_ actor: Actor, name: String) throws -> [String] {
        let templates = try templates(actor, name: name)
        var seen: [String] = []
        for variable in templates.flatMap(\.template.variables) where !seen.contains(variable) { seen.append(variable) }
        return seen
    }

    // MARK: - Shared pieces

    /// Resolves a selector inside the actor's organization: `#12` or `12` is an id, else
    /// a name narrowed by language and channel. 66 if none matches, 65 listing the
    /// candidates if several do. With `channelMismatchIsRule` (drafts), a template that
    /// exists only on other channels is a rule refusal (65) rather than "not found".
    /// `preferred` breaks a tie when no channel was given (a draft prefers the channels the
    /// contact can be reached on, then approved templates).
    public func resolveTemplate(
        _ db: Database, actor: Actor, _ selector: TemplateSelector, channelMismatchIsRule: Bool = false,
        preferred: [(MessageTemplate) -> Bool] = []
    ) throws -> MessageTemplate {
        let ref = selector.name.trimmingCharacters(in: .whitespaces)
        guard !ref.isEmpty else { throw CorbiError.invalid("The template name is empty.") }
        let channel = try MessagingText.nonBlank(selector.channel).map(Channel.parse)
        let language = MessagingText.nonBlank(selector.language)?.trimmingCharacters(in: .whitespaces)
        let scoped = MessageTemplate.filter(Column("organizationId") == actor.organizationId)
        let candidates: [MessageTemplate]
        if let id = MessagingText.recordID(ref) {
            guard let template = try scoped.filter(Column("id") == id).fetchOne(db) else {
                throw CorbiError.notFound("No template #\(id).")
            }
            candidates = [template]
        } else {
            let named = try scoped.filter(Column("name") == ref).order(Column("channel"), Column("language")).fetchAll(db)
            guard !named.isEmpty else { throw CorbiError.notFound("No template named '\(ref)'.") }
            candidates = named.filter { language == nil || $0.language == language }
            if candidates.isEmpty {
                throw CorbiError.notFound(
                    "No template '\(ref)' in \(language!); there are: \(named.map(\.label).joined(separator: ", ")).")
            }
        }
        let matches = candidates.filter { channel == nil || $0.channel == channel }
        if matches.count == 1 { return matches[0] }
        if channel == nil {
            var narrowed = matches
            for prefers in preferred {
                let kept = narrowed.filter(prefers)
                if kept.count == 1 { return kept[0] }
                if !kept.isEmpty { narrowed = kept }
            }
        }
        if let channel, matches.isEmpty {
            if channelMismatchIsRule {
                let channels = Set(candidates.map(\.channel.rawValue)).sorted().joined(separator: ", ")
                throw CorbiError.invalid(
                    "The template '\(ref)' is for \(channels), not \(channel.rawValue): a template is sent only on its own channel.")
            }
            throw CorbiError.notFound(
                "No template '\(ref)' for \(channel.rawValue); there are: \(candidates.map(\.label).joined(separator: ", ")).")
        }
        throw CorbiError.invalid(
            "'\(ref)' matches several templates: \(matches.map(\.label).joined(separator: ", ")). Choose one by channel and language.", hints: [.channel, .language])
    }

    func templateInfo(_ db: Database, _ template: MessageTemplate) throws -> TemplateInfo {
        let email = try template.approvedBy.flatMap { id in
            try String.fetchOne(db, sql: "SELECT email FROM user WHERE id = ?", arguments: [id])
        }
        return TemplateInfo(template: template, approvedByEmail: email)
    }

    /// `^[a-z][a-z0-9_]*$`, at most 512 characters (WhatsApp's limit).
    static func templateName(_ text: String) throws -> String {
        let name = text.trimmingCharacters(in: .whitespaces)
        guard let first = name.first, TemplateRenderer.isLowerLetter(first), name.count <= 512,
            name.allSatisfy({ TemplateRenderer.isLowerLetter($0) || TemplateRenderer.isDigit($0) || $0 == "_" })
        else {
            throw CorbiError.invalid(
                "'\(text)' is not a valid template name: start with a lower-case letter, then lower-case letters, digits or _ (like appointment_reminder).")
        }
        return name
    }

    /// A language tag: letters, then optional `_` or `-` parts (`en`, `de`, `pt_BR`, `en-US`).
    static func templateLanguage(_ text: String) throws -> String {
        let language = text.trimmingCharacters(in: .whitespaces)
        let parts = language.split(separator: "_", omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: "-", omittingEmptySubsequences: false) }
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy(TemplateRenderer.isLowerLetter),
            parts.dropFirst().allSatisfy({ (2...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        else {
            throw CorbiError.invalid("'\(text)' is not a language: use a code such as en, de or pt_BR.")
        }
        return language
    }

    /// Most characters a body may have on each channel (the providers' limits).
    static func maximumBodyLength(_ channel: Channel) -> Int {
        switch channel {
        case .whatsapp: 1024
        case .instagram: 1000
        case .telegram: 4096
        case .email: 100_000
        }
    }

    /// The body (not blank, within the channel's limit) and the subject (required for
    /// email, not used elsewhere).
    static func templateTexts(body: String, subject: String?, channel: Channel) throws -> (String, String?) {
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CorbiError.invalid("The template body is empty.")
        }
        guard body.count <= maximumBodyLength(channel) else {
            throw CorbiError.invalid(
                "The body has \(body.count) characters; \(channel.rawValue) allows at most \(maximumBodyLength(channel)).")
        }
        try Validation.text(body, field: "body", maxLength: maximumBodyLength(channel), multiline: true)
        let subject = try MessagingText.nonBlank(subject).map { try Validation.text($0, field: "subject", maxLength: 200) }
        if channel == .email && subject == nil {
            throw CorbiError.invalid("An email template needs a subject.", hints: [.subject])
        }
        if channel != .email && subject != nil {
            throw CorbiError.invalid("Only email templates have a subject; \(channel.rawValue) messages have none.")
        }
        return (body, subject)
    }

    static func checkDeclared(_ declared: [String], equal found: [String]) throws {
        let declared = declared.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard declared != found else { return }
        let shown = found.isEmpty ? "none" : found.joined(separator: ", ")
        throw CorbiError.invalid(
            "The declared variables (\(declared.joined(separator: ", "))) do not match the placeholders in order of first use (\(shown)).")
    }

    static func auditDetails(_ t: MessageTemplate) -> [String: JSONValue] {
        [
            "name": .string(t.name), "channel": .string(t.channel.rawValue), "language": .string(t.language),
            "subject": .optional(t.subject), "body": .string(t.body), "variables": .array(t.variables.map(JSONValue.string)),
        ]
    }
}
