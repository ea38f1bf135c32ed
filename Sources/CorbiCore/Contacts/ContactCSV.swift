import Foundation

/// Reading and writing contacts as CSV (RFC 4180): the columns of the contract, tags
/// separated by `;`.
public enum ContactCSV {
    public static let columns = [
        "full_name", "email", "phone_whatsapp", "telegram_chat_id", "instagram_scoped_id", "status", "tags", "notes",
    ]

    /// One data row: its first line in the file and its cells by column name.
    public struct Row: Sendable {
        public var line: Int
        public var cells: [String: String]
    }

    /// Parses CSV text. Throws 65 for a header without `full_name`, unknown columns,
    /// rows with the wrong number of cells or an unterminated quote.
    public static func parse(_ text: String) throws -> [Row] {
        var records = try records(in: text)
        guard !records.isEmpty else { throw CorbiError.invalid("The CSV file is empty: it needs a header line.") }
        let header = records.removeFirst().cells.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let unknown = header.filter { !columns.contains($0) }
        if !unknown.isEmpty {
            throw CorbiError.invalid(
                "Unknown CSV column\(unknown.count > 1 ? "s" : "") \(unknown.map { "'\($0)'" }.joined(separator: ", ")); the columns are \(columns.joined(separator: ",")).")
        }
        guard header.contains("full_name") else {
            throw CorbiError.invalid("The CSV header has no full_name column; the columns are \(columns.joined(separator: ",")).")
        }
        if Set(header).count != header.count { throw CorbiError.invalid("The CSV header repeats a column.") }
        var rows: [Row] = []
        var problems: [String] = []
        for record in records {
            if record.cells.count == 1 && record.cells[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard record.cells.count == header.count else {
                problems.append("line \(record.line): \(record.cells.count) cells, the header has \(header.count)")
                continue
            }
            rows.append(
                Row(line: record.line, cells: Dictionary(uniqueKeysWithValues: zip(header, record.cells.map(restoringFormula)))))
        }
        if !problems.isEmpty {
            throw CorbiError.invalid("The CSV file has malformed rows; nothing was imported:\n" + problems.joined(separator: "\n"))
        }
        return rows
    }

    /// Contacts as CSV text with a header line.
    public static func write(_ contacts: [Contact]) -> String {
        var out = columns.joined(separator: ",") + "\r\n"
        for c in contacts {
            let cells = [
                c.fullName, c.email ?? "", c.phoneWhatsapp ?? "", c.telegramChatId.map { String($0) } ?? "",
                c.instagramScopedId ?? "", c.status.rawValue, c.tags.joined(separator: ";"), c.notes ?? "",
            ]
            out += cells.map { quote(neutralizingFormula($0)) }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// A cell a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+cmd|...`,
    /// `-2+3`, `@SUM(1)`, or one starting with a tab or carriage return) gets a leading `'`,
    /// which spreadsheets read as "this is text". A cell that already starts with quotes
    /// before such a character gets one more, so ``restoringFormula(_:)`` gives every
    /// value back exactly.
    static func neutralizingFormula(_ cell: String) -> String {
        let afterQuotes = cell.drop(while: { $0 == "'" })
        guard let first = afterQuotes.first, "=+-@\t\r".contains(first) else { return cell }
        return "'" + cell
    }

    /// The value of a cell written by ``neutralizingFormula(_:)``: one leading `'` off
    /// when quotes stand before a formula character.
    static func restoringFormula(_ cell: String) -> String {
        guard cell.hasPrefix("'") else { return cell }
        let afterQuotes = cell.drop(while: { $0 == "'" })
        guard let first = afterQuotes.first, "=+-@\t\r".contains(first) else { return cell }
        return String(cell.dropFirst())
    }

    static func quote(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || cell.hasPrefix(" ") || cell.hasSuffix(" ")
        else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    struct Record {
        var line: Int
        var cells: [String]
    }

    /// Splits text into records, keeping the line each starts on.
    static func records(in text: String) throws -> [Record] {
        var records: [Record] = []
        var cells: [String] = []
        var cell = ""
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quotedCell = false
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var i = 0
        func endRecord() {
            cells.append(cell)
            records.append(Record(line: recordLine, cells: cells))
            cells = []
            cell = ""
            quotedCell = false
        }
        while i < scalars.count {
            let c = scalars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < scalars.count && scalars[i + 1] == "\"" {
                        cell.unicodeScalars.append("\"")
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    cell.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case "\"" where cell.isEmpty && !quotedCell:
                    inQuotes = true
                    quotedCell = true
                case ",":
                    cells.append(cell)
                    cell = ""
                    quotedCell = false
                case "\r":
                    if i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
                    endRecord()
                    line += 1
                    recordLine = line
                case "\n":
                    endRecord()
                    line += 1
                    recordLine = line
                default:
                    cell.unicodeScalars.append(c)
                }
            }
            i += 1
        }
        if inQuotes { throw CorbiError.invalid("The CSV file has an unterminated quote starting on line \(recordLine).") }
        if !cell.isEmpty || !cells.isEmpty { endRecord() }
        return records
    }
}

/// The outcome of an import.
public struct ContactImportResult: Sendable, Equatable {
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    /// "line N: reason" for each row left out (with `skipInvalid`).
    public var skipped: [String]
}

extension AppDatabase {
    /// Imports CSV rows in one transaction. A row whose identifier matches an existing
    /// contact updates it (blank cells leave fields as they are). Without `skipInvalid`,
    /// any bad row refuses the whole file (65) with every bad row's line and reason.
    public func importContacts(_ actor: Actor, csv text: String, skipInvalid: Bool = false) throws -> ContactImportResult {
        var conflicts: [IdentityConflict] = []
        do {
            return try perform(actor, "contacts.import", requires: .write) { db, entry in
                let rows = try ContactCSV.parse(text)
                var result = ContactImportResult(created: 0, updated: 0, unchanged: 0, skipped: [])
                let now = environment.now()
                var rowConflicts: [IdentityConflict] = []
                for row in rows {
                    do {
                        try importRow(db, actor: actor, row: row, now: now, result: &result, conflicts: &rowConflicts)
                    } catch let error as CorbiError {
                        result.skipped.append("line \(row.line): \(error.description)")
                    }
                }
                if !result.skipped.isEmpty && !skipInvalid {
                    conflicts = rowConflicts
                    throw CorbiError.invalid(
                        "\(result.skipped.count) of \(rows.count) rows are invalid; nothing was imported; skip the invalid rows to import the others:\n"
                            + result.skipped.joined(separator: "\n"), hints: [.skipInvalid])
                }
                for var conflict in rowConflicts { try conflict.insert(db) }
                entry.details = [
                    "rows": .int(Int64(rows.count)), "created": .int(Int64(result.created)),
                    "updated": .int(Int64(result.updated)), "skipped": .int(Int64(result.skipped.count)),
                ]
                return result
            }
        } catch {
            try recordConflicts(conflicts)
            throw error
        }
    }

    private func importRow(
        _ db: Database, actor: Actor, row: ContactCSV.Row, now: Date, result: inout ContactImportResult,
        conflicts: inout [IdentityConflict]
    ) throws {
        func cell(_ name: String) -> String? {
            guard let value = row.cells[name]?.trimmed, !value.isEmpty else { return nil }
            return value
        }
        let input = ContactInput(
            fullName: cell("full_name"), email: cell("email"), phone: cell("phone_whatsapp"),
            telegram: cell("telegram_chat_id"), instagram: cell("instagram_scoped_id"), status: cell("status"),
            tags: cell("tags").map { [$0] }, notes: cell("notes"))
        // Normalize first, to find the contact the identifiers belong to.
        var probe = Contact(organizationId: actor.organizationId, fullName: input.fullName ?? "-", createdAt: now, updatedAt: now)
        try input.apply(to: &probe, callingCode: actor.organization.callingCode)
        var owners = Set<Int64>()
        for channel in Channel.allCases {
            guard let value = probe.identifier(on: channel) else { continue }
            let dbValue: any DatabaseValueConvertible = channel == .telegram ? probe.telegramChatId! : value
            let statement = try db.cachedStatement(
                sql: "SELECT id FROM contact WHERE organizationId = ? AND \(channel.contactColumn) = ?")
            if let id = try Int64.fetchOne(statement, arguments: [actor.organizationId, dbValue])
            {
                owners.insert(id)
            }
        }
        // A row without identifiers matches a contact of the same name that has none
        // either, so re-importing an export does not duplicate such contacts.
        if owners.isEmpty, Channel.allCases.allSatisfy({ probe.identifier(on: $0) == nil }), let name = input.fullName {
            let ids = try Int64.fetchAll(
                db,
                sql: """
                    SELECT id FROM contact WHERE organizationId = ? AND fullName = ? AND email IS NULL
                    AND phoneWhatsapp IS NULL AND telegramChatId IS NULL AND instagramScopedId IS NULL LIMIT 2
                    """, arguments: [actor.organizationId, name.trimmingCharacters(in: .whitespacesAndNewlines)])
            if ids.count == 1 { owners.insert(ids[0]) }
        }
        if owners.count > 1 {
            probe.id = nil
            conflicts += try identityConflicts(db, actor: actor, contact: probe)
            throw CorbiError.invalid("its identifiers belong to different contacts (\(owners.sorted().map { "#\($0)" }.joined(separator: ", ")))")
        }
        if let id = owners.first, var existing = try Contact.fetchOne(db, key: id) {
            let before = existing
            try input.apply(to: &existing, callingCode: actor.organization.callingCode)
            let found = try identityConflicts(db, actor: actor, contact: existing)
            if !found.isEmpty {
                conflicts += found
                throw Self.conflictError(found, db: db)
            }
            if existing == before {
                result.unchanged += 1
            } else {
                existing.updatedAt = now
                try existing.update(db)
                result.updated += 1
            }
        } else {
            guard input.fullName != nil else { throw CorbiError.invalid("full_name is empty") }
            var contact = probe
            contact.id = nil
            try contact.insert(db)
            result.created += 1
        }
    }

    /// Every contact of the organization, by name (for export).
    public func allContacts(_ actor: Actor) throws -> [Contact] {
        try contacts(actor).contacts
    }
}

import GRDB
