import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

/// `corbi templates`: the texts the business has written (and approved) for messages.
public struct TemplatesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "templates", abstract: "Write, approve and manage message templates.",
        discussion: """
            Placeholders are {{first_name}} (lower-case letters, digits, _) or positional {{1}}..{{n}}, \
            never mixed; spaces inside the braces are ignored. A NAME that matches several templates \
            (one per channel and language) is narrowed with --channel and --language.
            """,
        subcommands: [List.self, Show.self, Add.self, Update.self, Approve.self, Unapprove.self, Delete.self],
        defaultSubcommand: List.self)

    public init() {}

    /// Which template: NAME (or #ID) narrowed by channel and language.
    struct Which: ParsableArguments {
        @Argument(help: "Template name, or #ID.") var name: String
        @Option(help: "Narrow to this channel.") var channel: Choice<Channel>?
        @Option(help: "Narrow to this language.") var language: String?

        var selector: TemplateSelector { TemplateSelector(name: name, channel: channel?.text, language: language) }
    }

    static func json(_ info: TemplateInfo, _ actor: Actor) -> TemplateJSON {
        TemplateJSON(info, zone: actor.organization.timeZone)
    }

    static func describe(_ info: TemplateInfo, _ actor: Actor) -> String {
        let t = info.template
        var lines = ["#\(t.id!) \(t.label)"]
        if t.approved {
            let when = t.approvedAt.map { DateFormatting.dateTime($0, in: actor.organization.timeZone) } ?? ""
            lines.append("  approved:  yes, by \(info.approvedByEmail ?? "a former member") on \(when)")
        } else {
            lines.append("  approved:  no")
        }
        lines.append("  variables: \(t.variables.isEmpty ? "none" : t.variables.joined(separator: ", "))")
        if let s = t.subject { lines.append("  subject:   \(s)") }
        lines.append("  body:")
        lines.append(contentsOf: t.body.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 })
        return lines.joined(separator: "\n")
    }

    /// The body from --body or --body-file (`-` is stdin); a file's final newline is not
    /// part of the body.
    static func body(_ body: String?, file: String?, required: Bool) throws -> String? {
        switch (body, file) {
        case (.some, .some):
            throw CorbiError.usage("Give a body or a body file, not both.", hints: [.body, .bodyFile])
        case (.some(let b), nil):
            return b
        case (nil, .some(let path)):
            var text = try InputFile.text(path)
            if text.hasSuffix("\r\n") { text.removeLast(2) } else if text.hasSuffix("\n") { text.removeLast() }
            return text
        case (nil, nil):
            if required { throw CorbiError.usage("Missing expected argument '--body <text>' (or --body-file <path>).") }
            return nil
        }
    }

    struct List: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The organization's templates.")
        @Argument(help: "Only templates of this name.") var name: String?
        @Option(help: "Only this channel.") var channel: Choice<Channel>?
        @Option(help: "Only this language.") var language: String?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let infos = try session.database().templates(actor, name: name, channel: channel?.text, language: language)
            var table = TextTable(["ID", "NAME", "CHANNEL", "LANG", "APPROVED", "VARIABLES"])
            for i in infos {
                let t = i.template
                table.add([String(t.id!), t.name, t.channel.rawValue, t.language, t.approved ? "yes" : "no", t.variables.joined(separator: ", ")])
            }
            return CommandOutput(
                text: infos.isEmpty ? "No templates." : table.render(),
                json: TemplateListJSON(templates: infos.map { TemplatesCommand.json($0, actor) }))
        }
    }

    struct Show: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One template with its body and variables.")
        @OptionGroup var which: Which
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let info = try session.database().template(actor, which.selector)
            return CommandOutput(text: TemplatesCommand.describe(info, actor), json: TemplatesCommand.json(info, actor))
        }
    }

    struct Add: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "add", 
            abstract: "Add a template (unapproved until an admin approves it).",
            discussion: "The variables are the placeholders in order of first use (body, then subject).")
        @Argument(help: "Name: a lower-case letter, then lower-case letters, digits or _.") var name: String
        @Option(help: "The channel.") var channel: Choice<Channel>
        @Option(help: "Language code, like en, de or pt_BR.") var language: String
        @Option(help: "The text, with {{placeholders}}.") var body: String?
        @Option(help: "Read the text from this file ('-' for stdin).") var bodyFile: String?
        @Option(help: "Subject (email only, required there).") var subject: String?
        @Option(help: "Declared variables, comma-separated; must equal the placeholders.") var variables: String?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let text = try TemplatesCommand.body(body, file: bodyFile, required: true)!
            let actor = try session.actor()
            let input = TemplateInput(
                name: name, channel: channel.text, language: language, body: text, subject: subject,
                variables: variables.map { [$0] })
            let db = try session.database()
            let template = try db.addTemplate(actor, input)
            let info = TemplateInfo(template: template, approvedByEmail: nil)
            return CommandOutput(
                text: "Added " + TemplatesCommand.describe(info, actor) + "\nAn admin approves it with: templates approve \(template.name) --channel \(template.channel.rawValue) --language \(template.language)",
                json: TemplatesCommand.json(info, actor))
        }
    }

    struct Update: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "update", 
            abstract: "Change a template's body or subject; an approved template loses its approval.")
        @OptionGroup var which: Which
        @Option(help: "The new text.") var body: String?
        @Option(help: "Read the new text from this file ('-' for stdin).") var bodyFile: String?
        @Option(help: "The new subject (email only).") var subject: String?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let text = try TemplatesCommand.body(body, file: bodyFile, required: false)
            let actor = try session.actor()
            let db = try session.database()
            let update = try db.updateTemplate(actor, which.selector, body: text, subject: subject)
            let info = try db.template(actor, TemplateSelector(name: "#\(update.template.id!)"))
            var message = "Updated " + TemplatesCommand.describe(info, actor)
            if update.approvalWithdrawn {
                message += "\nThe text changed, so the approval was withdrawn: an admin must approve it again."
            }
            return CommandOutput(
                text: message, json: TemplatesCommand.json(info, actor),
                notes: update.approvalWithdrawn ? ["approval withdrawn: \(update.template.label) must be approved again"] : [])
        }
    }

    struct Approve: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a template for sending (admins).")
        @OptionGroup var which: Which
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let info = try session.database().approveTemplate(actor, which.selector)
            return CommandOutput(text: "Approved \(info.template.label).", json: TemplatesCommand.json(info, actor))
        }
    }

    struct Unapprove: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "unapprove", abstract: "Withdraw a template's approval (admins).")
        @OptionGroup var which: Which
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let info = try session.database().unapproveTemplate(actor, which.selector)
            return CommandOutput(text: "\(info.template.label) is no longer approved.", json: TemplatesCommand.json(info, actor))
        }
    }

    struct Delete: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "delete", 
            abstract: "Delete a template (an approved one takes an admin); drafted messages keep their text.")
        @OptionGroup var which: Which
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let template = try session.database().deleteTemplate(actor, which.selector)
            return CommandOutput(
                text: "Deleted \(template.label).",
                json: TemplatesCommand.json(TemplateInfo(template: template, approvedByEmail: nil), actor))
        }
    }
}
