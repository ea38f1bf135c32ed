import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

extension ContactsCommand {
    /// `corbi contacts conflicts`: identity conflicts, and settling one without a merge.
    struct Conflicts: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "conflicts", abstract: "Identity conflicts: identifiers two contacts claimed; list or settle them.",
            subcommands: [ListConflicts.self, Resolve.self], defaultSubcommand: ListConflicts.self)
    }

    struct ListConflicts: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Open identity conflicts, newest first (--all: settled ones too).",
            discussion: """
                A conflict is written when adding or changing a contact would give it an \
                identifier another contact owns. It is settled by merging the two contacts \
                (contacts merge KEEP OTHER) or by hand (contacts conflicts resolve ID).
                """)
        @Flag(help: "Also list conflicts already settled.") var all = false
        @Option(help: "At most this many.") var limit: Int?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            try Validation.limit(limit)
            let actor = try session.actor()
            let entries = try session.database().identityConflicts(actor, unresolvedOnly: !all, limit: limit)
            let zone = actor.organization.timeZone
            var table = TextTable(["ID", "CREATED", "CHANNEL", "IDENTIFIER", "OWNER", "ATTEMPTED BY", "SETTLED"])
            for e in entries {
                let c = e.conflict
                table.add([
                    String(c.id!), DateFormatting.dateTime(c.createdAt, in: zone), c.channel.rawValue, c.value,
                    ConflictJSON.describe(e.owner, none: "(deleted)"), ConflictJSON.describe(e.attempted, none: "(a new contact)"),
                    c.resolvedAt.map { DateFormatting.dateTime($0, in: zone) + " by " + (c.resolvedBy ?? "?") } ?? "",
                ])
            }
            let text =
                entries.isEmpty
                ? (all ? "No identity conflicts." : "No open identity conflicts (--all lists settled ones too).")
                : table.render()
            return CommandOutput(text: text, json: ConflictListJSON(conflicts: entries.map { ConflictJSON($0, zone: zone) }))
        }
    }

    struct Resolve: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "resolve",
            abstract: "Mark a conflict settled without merging (the contacts are different people, or it was a typo).")
        @Argument(help: "The conflict's id.") var id: String
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            guard let id = MessagingText.recordID(id), id > 0 else {
                throw CorbiError.invalid("'\(self.id)' is not a conflict id (a number).")
            }
            let actor = try session.actor()
            let entry = try session.database().resolveIdentityConflict(actor, id: id)
            let c = entry.conflict
            return CommandOutput(
                text: "Settled identity conflict #\(id) (\(c.channel.rawValue) \(c.value)) without a merge.",
                json: ConflictJSON(entry, zone: actor.organization.timeZone))
        }
    }

    /// `corbi contacts merge KEEP OTHER`: one person entered twice becomes one contact.
    struct Merge: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge", abstract: "Merge OTHER into KEEP: identifiers, tags, notes, messages and bookings move; OTHER is deleted.",
            discussion: """
                Shows what would move and what would be dropped (OTHER's identifier on a channel \
                where KEEP has one), then asks on a terminal; --yes merges without asking. Piped \
                without --yes it shows the preview only and changes nothing. A merge that would \
                make two live bookings overlap is refused (65). Conflicts between the two are \
                marked settled; moved bookings' calendar files are rewritten.
                """)
        @Argument(help: "The contact to keep (id, email, phone or part of the name).") var keep: String
        @Argument(help: "The contact merged into it and deleted.") var other: String
        @Flag(name: [.short, .long], help: "Merge without asking.") var yes = false
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let actor = try session.actor()
            let db = try session.database()
            let zone = actor.organization.timeZone
            if !yes {
                let plan = try db.contactMergePreview(actor, keep: keep, other: other)
                guard plan.canMerge else { throw AppDatabase.clashError(plan, zone: zone) }
                let preview = Self.describe(plan, zone: zone)
                if session.terminal.stdin, let confirm = session.confirm {
                    session.diagnostics(preview)
                    guard confirm("Merge \(plan.other.label) into \(plan.keep.label)? [y/N]") else {
                        return CommandOutput(text: "Not merged.", json: ContactMergeJSON(plan: plan, zone: zone))
                    }
                } else {
                    return CommandOutput(
                        text: preview, json: ContactMergeJSON(plan: plan, zone: zone),
                        notes: ["Nothing was merged: add --yes to merge (there is no terminal to ask on)."])
                }
            }
            let merge = try db.mergeContacts(actor, keep: keep, other: other)
            let warnings = db.syncCalendar(actor, calendar: session.bookingCalendar(actor))
            let plan = merge.plan
            let text = "Merged \(plan.other.label) into \(plan.keep.label).\n"
                + Self.describe(plan, zone: zone, heading: false) + "\n"
                + ContactsCommand.describe(merge.contact, zone: zone)
            return CommandOutput(text: text, json: ContactMergeJSON(merge: merge, zone: zone, warnings: warnings), notes: warnings)
        }

        /// What the merge moves and drops, one line per kind.
        static func describe(_ plan: ContactMergePlan, zone: TimeZone, heading: Bool = true) -> String {
            var lines: [String] = []
            if heading { lines.append("Merge \(plan.other.label) into \(plan.keep.label):") }
            func identifiers(_ list: [MergedIdentifier]) -> String {
                list.map { "\($0.channel.rawValue) \($0.value)" + ($0.keptValue.map { " (keeps \($0))" } ?? "") }.joined(separator: ", ")
            }
            lines.append("  identifiers moved:   " + (plan.movedIdentifiers.isEmpty ? "none" : identifiers(plan.movedIdentifiers)))
            if !plan.droppedIdentifiers.isEmpty { lines.append("  identifiers dropped: " + identifiers(plan.droppedIdentifiers)) }
            if !plan.addedTags.isEmpty { lines.append("  tags added:          " + plan.addedTags.joined(separator: ", ")) }
            if plan.notesAppended { lines.append("  notes:               \(plan.other.label)'s appended") }
            if plan.status != plan.keep.status { lines.append("  status:              \(plan.status.rawValue) (was \(plan.keep.status.rawValue))") }
            var messages = "\(plan.inbound) inbound, \(plan.outbound) outbound"
            if plan.unsentOutbound > 0 { messages += " (\(plan.unsentOutbound) not sent yet: they go to the kept contact's identifiers)" }
            lines.append("  messages moved:      " + messages)
            if plan.bookings.isEmpty {
                lines.append("  bookings moved:      none")
            } else {
                lines.append("  bookings moved:      \(plan.bookings.count)")
                for d in plan.bookings {
                    let b = d.booking
                    lines.append("    #\(b.id!) \(b.title), \(DateFormatting.range(b.start, b.end, in: zone)), \(b.status.rawValue)")
                }
            }
            if !plan.resolvedConflicts.isEmpty {
                lines.append("  conflicts settled:   " + plan.resolvedConflicts.map { "#\($0)" }.joined(separator: ", "))
            }
            if plan.repointedConflicts > 0 {
                lines.append("  conflicts repointed: \(plan.repointedConflicts) (now naming \(plan.keep.label))")
            }
            if heading { lines.append("  \(plan.other.label) is deleted.") }
            return lines.joined(separator: "\n")
        }
    }
}
