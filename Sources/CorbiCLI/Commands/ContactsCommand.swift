import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

/// `corbi contacts`: the people the organization talks to.
public struct ContactsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "contacts", abstract: "Add, find, change, import, export and merge contacts.",
        subcommands: [
            List.self, Show.self, Add.self, Update.self, Delete.self, Import.self, Export.self, Conflicts.self, Merge.self,
        ],
        defaultSubcommand: List.self)

    public init() {}

    /// The fields shared by add and update.
    struct Fields: ParsableArguments {
        @Option(help: "Full name.") var name: String?
        @Option(help: "Email address (blank clears it).") var email: String?
        @Option(help: "WhatsApp phone number; national numbers use the organization's calling code.") var phone: String?
        @Option(help: "Telegram chat id (a whole number).") var telegram: String?
        @Option(help: "Instagram scoped id.") var instagram: String?
        @Option(help: "Tag; repeat for several (on update, replaces all tags).") var tag: [String] = []
        @Option(help: "The contact's status.") var status: Choice<ContactStatus>?
        @Option(help: "Free-form notes.") var notes: String?

        var input: ContactInput {
            ContactInput(
                fullName: name, email: email, phone: phone, telegram: telegram, instagram: instagram, status: status?.text,
                tags: tag.isEmpty ? nil : tag, notes: notes)
        }
    }

    static func describe(_ c: Contact, zone: TimeZone) -> String {
        var lines = ["#\(c.id!) \(c.fullName)"]
        if let v = c.email { lines.append("  email:     \(v)") }
        if let v = c.phoneWhatsapp { lines.append("  whatsapp:  \(v)") }
        if let v = c.telegramChatId { lines.append("  telegram:  \(v)") }
        if let v = c.instagramScopedId { lines.append("  instagram: \(v)") }
        lines.append("  status:    \(c.status.rawValue)")
        if !c.tags.isEmpty { lines.append("  tags:      \(c.tags.joined(separator: ", "))") }
        if let v = c.notes { lines.append("  notes:     \(v)") }
        func time(_ date: Date?) -> String { date.map { DateFormatting.dateTime($0, in: zone) } ?? "never" }
        lines.append("  last in:   \(time(c.lastInboundAt))")
        lines.append("  last out:  \(time(c.lastOutboundAt))")
        lines.append("  added:     \(time(c.createdAt)), changed \(time(c.updatedAt))")
        return lines.joined(separator: "\n")
    }

    struct List: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "list", 
            abstract: "Contacts whose name, email, phone, ids or tags contain every word of QUERY.")
        @Argument(help: "Words to look for (case and accents ignored).") var query: [String] = []
        @Option(help: "Only contacts with this tag (the whole tag; case and accents ignored).") var tag: String?
        @Option(help: "At most this many (text output shows 50 unless set).") var limit: Int?
        @Flag(help: "Show every match.") var all = false
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            try Validation.limit(limit)
            let actor = try session.actor()
            let effectiveLimit = all ? nil : (limit ?? (globals.json ? nil : 50))
            let q = query.joined(separator: " ")
            let page = try session.database().contacts(actor, matching: q, tag: tag, limit: effectiveLimit)
            var table = TextTable(["ID", "NAME", "EMAIL", "WHATSAPP", "STATUS", "TAGS"])
            for c in page.contacts {
                table.add([String(c.id!), c.fullName, c.email ?? "", c.phoneWhatsapp ?? "", c.status.rawValue, c.tags.joined(separator: ",")])
            }
            let asked = [q.isEmpty ? nil : "'\(q)'", tag.map { "the tag '\($0)'" }].compactMap { $0 }.joined(separator: " with ")
            var text = page.contacts.isEmpty ? (asked.isEmpty ? "No contacts yet." : "No contact matches \(asked).") : table.render()
            if page.contacts.isEmpty && page.total > 0 {
                // --limit 0: the count alone.
                let noun = page.total == 1 ? "contact" : "contacts"
                text = (page.totalIsExact ? "\(page.total) \(noun)" : "More than \(page.total) \(noun)")
                    + (asked.isEmpty ? "" : " match \(asked)") + "; none listed (--limit 0)."
            } else if !page.totalIsExact {
                text += "\n... more than \(page.total) match (use --limit N or --all)"
            } else if page.total > page.contacts.count {
                text += "\n... \(page.total - page.contacts.count) more of \(page.total) (use --limit N or --all)"
            }
            return CommandOutput(
                text: text,
                json: ContactListJSON(
                    contacts: page.contacts.map { ContactJSON($0, zone: actor.organization.timeZone) }, total: page.total, totalIsExact: page.totalIsExact))
        }
    }

    struct Show: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One contact, by id, email, phone or part of the name.")
        @Argument(help: "Contact id, email, phone or part of the name.") var ref: String
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let c = try session.database().contact(actor, ref: ref)
            return CommandOutput(text: ContactsCommand.describe(c, zone: actor.organization.timeZone), json: ContactJSON(c, zone: actor.organization.timeZone))
        }
    }

    struct Add: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add a contact, or make one from an unknown sender's message.",
            discussion: """
                With --from-inbound ID the contact takes that message's sender: its identifier on \
                the channel and its display name (unless --name is given); the sender's earlier \
                messages become the contact's.
                """)
        @OptionGroup var fields: Fields
        @Option(help: ArgumentHelp("An inbound message from an unknown sender (inbound list --unknown).", valueName: "id"))
        var fromInbound: String?
        @OptionGroup var globals: GlobalOptions

        func validate() throws {
            guard fields.name != nil || fromInbound != nil else { throw ValidationError("Missing expected argument '--name <name>'") }
        }

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            if let fromInbound {
                guard let id = MessagingText.recordID(fromInbound), id > 0 else {
                    throw CorbiError.invalid("'\(fromInbound)' is not an inbound message id (a number).")
                }
                let made = try session.database().addContact(actor, fromInbound: id, name: fields.name)
                let c = made.contact
                let linked = made.linkedMessages == 1 ? "1 message" : "\(made.linkedMessages) messages"
                return CommandOutput(
                    text: "Added " + ContactsCommand.describe(c, zone: actor.organization.timeZone) + "\n(\(linked) now this contact's)",
                    json: ContactJSON(c, zone: actor.organization.timeZone))
            }
            var input = fields.input
            if input.status == nil { input.status = "active" }
            let c = try session.database().addContact(actor, input)
            return CommandOutput(text: "Added " + ContactsCommand.describe(c, zone: actor.organization.timeZone), json: ContactJSON(c, zone: actor.organization.timeZone))
        }
    }

    struct Update: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Change a contact; blank values clear a field.")
        @Argument(help: "Contact id, email, phone or part of the name.") var ref: String
        @OptionGroup var fields: Fields
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let c = try session.database().updateContact(actor, ref: ref, fields.input)
            return CommandOutput(text: "Updated " + ContactsCommand.describe(c, zone: actor.organization.timeZone), json: ContactJSON(c, zone: actor.organization.timeZone))
        }
    }

    struct Delete: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "delete", 
            abstract: "Delete a contact with its outbound messages and bookings.")
        @Argument(help: "Contact id, email, phone or part of the name.") var ref: String
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let deletion = try session.database().deleteContact(actor, ref: ref, calendar: session.bookingCalendar(actor))
            let c = deletion.contact
            let bookings = deletion.bookingsDeleted
            let text = "Deleted \(c.label)" + (bookings == 0 ? "." : " and \(counted(bookings, "booking")).")
            return CommandOutput(text: text, json: ContactJSON(c, zone: actor.organization.timeZone), notes: deletion.calendarWarnings)
        }
    }

    struct Import: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "import", 
            abstract: "Import contacts from CSV (full_name,email,phone_whatsapp,telegram_chat_id,instagram_scoped_id,status,tags,notes).",
            discussion: "All or nothing unless --skip-invalid. A row whose email, phone or id matches a contact updates it; blank cells leave fields as they are.")
        @Argument(help: "The CSV file ('-' for stdin).") var file: String
        @Flag(help: "Import the valid rows and report the others.") var skipInvalid = false
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let text = try InputFile.text(file)
            let r = try session.database().importContacts(try session.actor(), csv: text, skipInvalid: skipInvalid)
            let summary = "Imported: \(r.created) created, \(r.updated) updated, \(r.unchanged) unchanged, \(r.skipped.count) skipped."
            return CommandOutput(
                text: summary, json: ContactImportJSON(created: r.created, updated: r.updated, unchanged: r.unchanged, skipped: r.skipped),
                notes: r.skipped.map { "skipped " + $0 })
        }
    }

    struct Export: CorbiCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Export every contact as CSV or JSON (re-importable).")
        @Option(help: "The file format.") var format: Choice<ExportFormat> = Choice(argument: "csv")!
        @Option(name: [.customShort("o"), .long], help: "Write to this file instead of stdout.") var output: String?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let format = format.text.lowercased()
            guard format == "csv" || format == "json" else {
                throw CorbiError.invalid("Unknown format '\(self.format)': use csv or json.")
            }
            let actor = try session.actor()
            let contacts = try session.database().allContacts(actor)
            let zone = actor.organization.timeZone
            let json = ContactExportJSON(contacts: contacts.map { ContactJSON($0, zone: zone) })
            let body = format == "csv" || !globals.json && format == "csv" ? ContactCSV.write(contacts) : JSONOutput.encode(json)
            if let output {
                do {
                    try Data((format == "csv" ? body : body + "\n").utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                } catch {
                    throw CorbiError.permission("Cannot write \(output): \(error.localizedDescription)")
                }
                return CommandOutput(text: "Exported \(contacts.count) contacts to \(output).", json: ConfirmationJSON(message: "Exported \(contacts.count) contacts to \(output)."))
            }
            return CommandOutput(text: body, json: json)
        }
    }
}
