import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

extension OrgCommand {
    /// `corbi org export`: every record of the organization as JSON Lines, streamed.
    struct Export: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "Every record of the organization as JSON Lines (admins).",
            discussion: """
                One record per line with its "type": organization, member, contact, \
                identityConflict, template, outbound (with its attempts), inbound, suppression, \
                booking, channelRate, providerAccount (settings only, never secrets), \
                unsubscribeToken, earlyDeliveryStatus, webhookReceipt, auditEvent, and last \
                auditHead. Columns as stored (dates in UTC). Streamed to stdout, or written \
                atomically to -o FILE (readable by its owner only); counts per type go to stderr, \
                or with -o to stdout (as JSON with --json). `corbi audit verify --file FILE` \
                checks the file's audit trail without the database.
                """)
        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file"))
        var output: String?
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let toFile = output.map { $0 != "-" } ?? false
            if globals.json && !toFile {
                throw CorbiError.usage(
                    "org export prints JSON Lines on stdout, one record per line; --json is for its summary and needs -o FILE.")
            }
            let actor = try session.actor()
            let db = try session.database()
            guard toFile, let output else {
                let summary = try Self.stream(db, actor, to: session.writeStandardOutput)
                return CommandOutput(text: "", json: ConfirmationJSON(message: ""), notes: [Self.describe(summary, file: nil)])
            }
            let summary = try ExportFile.write(to: output) { handle in try db.exportOrganization(actor, to: handle) }
            return CommandOutput(
                text: Self.describe(summary, file: output),
                json: OrganizationExportJSON(
                    organization: summary.organization.domain, file: output, records: summary.records,
                    counts: Dictionary(uniqueKeysWithValues: summary.counts.map { ($0.type, $0.count) }),
                    auditHead: summary.auditHead?.token))
        }

        /// The lines written to stdout in blocks, with C1 controls escaped: the same
        /// values for a parser, nothing a terminal acts on.
        static func stream(_ db: AppDatabase, _ actor: Actor, to write: (Data) throws -> Void) throws -> OrganizationExportSummary {
            var buffer = Data()
            buffer.reserveCapacity(1 << 16)
            return try ExportFile.mappingWriteErrors("the standard output") {
                try db.exportOrganization(
                    actor,
                    to: { line in
                        buffer.append(contentsOf: TerminalText.escapingJSON(line).utf8)
                        buffer.append(0x0A)
                        if buffer.count >= 1 << 16 {
                            try write(buffer)
                            buffer.removeAll(keepingCapacity: true)
                        }
                    },
                    finish: { try write(buffer) })
            }
        }

        /// `Exported 57 records of a.example to FILE: organization 1, member 3, ...`, and
        /// how to verify the file's trail.
        static func describe(_ summary: OrganizationExportSummary, file: String?) -> String {
            let counts = summary.counts.map { "\($0.type) \($0.count)" }.joined(separator: ", ")
            var text = "Exported \(summary.records) records of \(summary.organization.domain)"
                + (file.map { " to \($0)" } ?? "") + ": " + counts + "."
            if let head = summary.auditHead {
                text += "\nIts audit trail ends at event #\(head.lastEventId) (\(head.events) events)"
                    + (file.map { "; check it with: corbi audit verify --file \(ShellQuoting.quote($0))" } ?? ".")
            }
            return text
        }
    }

    /// `corbi org delete DOMAIN`: the organization and everything it holds.
    struct Delete: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete", abstract: "Delete the organization with every record of it (admins); cannot be undone.",
            discussion: """
                DOMAIN is the organization's domain, typed again. On a terminal Corbi asks for it \
                once more unless --yes is given; piped, --yes is required. Members, contacts, \
                conflicts, templates, messages, suppressions, bookings, channel settings and the \
                audit trail go in one transaction; the users stay (they may belong to other \
                organizations). The calendar files of its bookings and its calendar folder are \
                removed; knowledge-base files under orgs/DOMAIN/ are left in place. The deletion \
                itself is recorded apart (who, when, how many records): corbi org deletions.
                """)
        @Argument(help: ArgumentHelp("The organization's domain, to confirm.", valueName: "domain")) var domain: String
        @Flag(name: [.short, .long], help: "Delete without asking.") var yes = false
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let db = try session.database()
            let actor = try session.actor(orNamed: domain)
            let organization = actor.organization
            var typed = domain
            let matches = domain.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() == organization.domain
            // A DOMAIN that is not the organization's, or a member who is not an admin, is
            // refused (and audited) by the core before anyone is asked anything.
            if !yes && matches && actor.role == .admin {
                guard session.terminal.stdin, let ask = session.askText else {
                    throw CorbiError.usage(
                        "Deleting \(organization.domain) cannot be undone and there is no terminal to confirm it on; add --yes to delete it.")
                }
                session.diagnostics(
                    "This deletes \(organization.name) (\(organization.domain)) with its members, contacts, messages, bookings, templates, suppressions, channel settings and audit trail. It cannot be undone.")
                guard let answer = ask("Type the domain again to delete it (anything else keeps it):"), !answer.isEmpty else {
                    return CommandOutput(text: "Not deleted.", json: ConfirmationJSON(ok: false, message: "Not deleted."))
                }
                typed = answer
            }
            let deletion = try db.deleteOrganization(actor, confirmingDomain: typed)
            let calendar = CalendarCleanup.remove(deletion.calendarIds, from: session.workspace.calendar(for: organization))
            let kbFolder = URL(fileURLWithPath: session.configuration.knowledgeBasePath, isDirectory: true)
                .appendingPathComponent("orgs", isDirectory: true).appendingPathComponent(organization.domain, isDirectory: true)
            var isFolder: ObjCBool = false
            let kbExists = FileManager.default.fileExists(atPath: kbFolder.path, isDirectory: &isFolder) && isFolder.boolValue

            let record = deletion.record
            var lines = ["Deleted \(record.name) (\(record.domain)): \(OrganizationDeletionJSON.describeCounts(record))."]
            lines.append(calendar.summary)
            lines.append(
                kbExists
                    ? "Its knowledge-base files in \(kbFolder.path)/ were left in place; delete them yourself if they should go."
                    : "It had no knowledge-base folder (orgs/\(record.domain)/ under \(session.configuration.knowledgeBasePath)).")
            if !record.auditIntact {
                lines.append("Its audit trail did not verify when it was deleted: \(record.auditProblem ?? "unknown problem").")
            }
            lines.append("The deletion is recorded outside the deleted trail: corbi org deletions.")
            return CommandOutput(
                text: lines.joined(separator: "\n"),
                json: OrganizationDeleteJSON(
                    deletion: OrganizationDeletionJSON(record), calendarFolder: calendar.folder, calendarFilesRemoved: calendar.removed,
                    calendarFolderRemoved: calendar.folderRemoved, knowledgeBaseFolder: kbFolder.path, knowledgeBaseFolderKept: kbExists),
                notes: calendar.warnings)
        }
    }

    /// `corbi org deletions`: the deleted organizations the user may see.
    struct Deletions: CorbiCommand {
        static let configuration = CommandConfiguration(
            commandName: "deletions", abstract: "Organizations deleted by you, or that you were an admin of, newest first.")
        @OptionGroup var globals: GlobalOptions

        func execute(in session: Session) throws -> CommandOutput {
            let records = try session.database().organizationDeletions(visibleTo: try session.actorUser())
            var table = TextTable(["ID", "DELETED", "DOMAIN", "NAME", "BY", "RECORDS", "AUDIT"])
            for r in records {
                let zone = TimeZone(identifier: r.timezone) ?? TimeZone(identifier: "UTC")!
                table.add([
                    String(r.id), DateFormatting.dateTime(r.deletedAt, in: zone), r.domain, r.name, r.deletedBy, String(r.total),
                    (r.auditIntact ? "intact" : "broken") + ", \(r.auditEvents) events",
                ])
            }
            return CommandOutput(
                text: records.isEmpty ? "No deleted organizations." : table.render(),
                json: OrganizationDeletionListJSON(deletions: records.map(OrganizationDeletionJSON.init)))
        }
    }
}
