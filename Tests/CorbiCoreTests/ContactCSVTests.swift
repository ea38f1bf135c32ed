import Foundation
import Testing

@testable import CorbiCore

@Suite struct ContactCSVTests {
    @Test func importIsAllOrNothingWithEveryBadRowReported() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let csv = """
            full_name,email,phone_whatsapp,telegram_chat_id,instagram_scoped_id,status,tags,notes
            Anna,anna@example.com,030 1111111,,,active,vip;kids,
            Bad Email,nope,,,,,,
            "Quoted, Name",q@example.com,,,,,,"line one
            line two"
            Bad Phone,,12ab,,,,,
            ,nobody@example.com,,,,,,

            """
        #expect {
            try w.db.importContacts(alpha.staff, csv: csv)
        } throws: { error in
            let text = "\(error)"
            return (error as? CorbiError)?.exitCode == 65 && text.contains("line 3:") && text.contains("line 6:")
                && text.contains("line 7:") && !text.contains("line 2:") && !text.contains("line 4:")
        }
        #expect(try w.count("SELECT count(*) FROM contact") == 0)

        let partial = try w.db.importContacts(alpha.staff, csv: csv, skipInvalid: true)
        #expect(partial.created == 2)
        #expect(partial.skipped.count == 3)
        let quoted = try w.db.contact(alpha.staff, ref: "q@example.com")
        #expect(quoted.fullName == "Quoted, Name")
        #expect(quoted.notes == "line one\nline two")
    }

    @Test func missingOrUnknownColumnsAreRefused() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        #expect { try w.db.importContacts(alpha.staff, csv: "email\nx@example.com\n") } throws: { "\($0)".contains("full_name") }
        #expect { try w.db.importContacts(alpha.staff, csv: "full_name,phone\nX,1\n") } throws: { "\($0)".contains("'phone'") }
        #expect { try w.db.importContacts(alpha.staff, csv: "full_name,email\nX\n") } throws: { "\($0)".contains("line 2") }
        #expect { try w.db.importContacts(alpha.staff, csv: "") } throws: { ($0 as? CorbiError)?.exitCode == 65 }
    }

    @Test func rowMatchingAnIdentifierUpdatesTheContact() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let anna = try w.db.addContact(alpha.staff, ContactInput(fullName: "Anna", email: "anna@example.com", notes: "keep"))
        let result = try w.db.importContacts(alpha.staff, csv: "full_name,email,phone_whatsapp,tags\nAnna Schmidt,ANNA@example.com,030 2222222,new\n")
        #expect(result.updated == 1 && result.created == 0)
        let updated = try w.db.contact(alpha.staff, ref: String(anna.id!))
        #expect(updated.fullName == "Anna Schmidt")
        #expect(updated.phoneWhatsapp == "+49302222222")
        #expect(updated.tags == ["new"])
        #expect(updated.notes == "keep")
    }

    @Test func exportRoundTripsThroughImport() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let beta = try w.organization("beta.example")
        _ = try w.db.addContact(alpha.staff, ContactInput(fullName: "Zoë \"Zee\" Müller", email: "zoe@example.com", phone: "+49 30 1234567", telegram: "-42", instagram: "ig1", status: "blocked", tags: ["a", "b c"], notes: "multi\nline, with comma"))
        _ = try w.db.addContact(alpha.staff, ContactInput(fullName: "Plain"))
        let exported = ContactCSV.write(try w.db.allContacts(alpha.staff))
        let result = try w.db.importContacts(beta.staff, csv: exported)
        #expect(result.created == 2)
        func strip(_ cs: [Contact]) -> [String] {
            cs.map { c in
                [c.fullName, c.email ?? "-", c.phoneWhatsapp ?? "-", c.telegramChatId.map(String.init) ?? "-", c.instagramScopedId ?? "-",
                 c.status.rawValue, c.tags.joined(separator: "|"), c.notes ?? "-"].joined(separator: "\u{1F}")
            }
        }
        #expect(strip(try w.db.allContacts(beta.staff)) == strip(try w.db.allContacts(alpha.staff)))
        // Importing the same file again changes nothing.
        let again = try w.db.importContacts(alpha.staff, csv: exported)
        #expect(again.unchanged == 2 && again.created == 0 && again.updated == 0)
    }
}

@Suite struct ContactCSVFormulaTests {
    @Test func formulaCellsAreExportedAsTextAndImportedBackUnchanged() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let beta = try w.organization("beta.example")
        let hostile = ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "'=already quoted", "''@twice"]
        for (i, name) in hostile.enumerated() {
            _ = try w.db.addContact(alpha.staff, ContactInput(fullName: name, telegram: String(-100 - i), notes: "=1+1"))
        }
        let exported = ContactCSV.write(try w.db.allContacts(alpha.staff))
        for line in exported.split(separator: "\r\n").dropFirst() {
            // No cell starts with a formula character (a quoted cell is checked inside its quotes).
            for cell in line.split(separator: ",", omittingEmptySubsequences: false) {
                let bare = cell.hasPrefix("\"") ? cell.dropFirst() : cell[...]
                #expect(!["=", "+", "-", "@"].contains(bare.first.map(String.init) ?? ""), "\(line)")
            }
        }
        _ = try w.db.importContacts(beta.staff, csv: exported)
        let back = try w.db.allContacts(beta.staff)
        #expect(Set(back.map(\.fullName)) == Set(hostile))
        #expect(Set(back.compactMap(\.telegramChatId)) == Set((0..<hostile.count).map { Int64(-100 - $0) }))
        #expect(back.allSatisfy { $0.notes == "=1+1" })
    }

    @Test func controlCharactersAndOverlongTextAreRefused() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        for name in ["Eve\u{0}Hidden", "Eve\u{1B}[2J", "Eve\nMallory", String(repeating: "x", count: 201), "Eve\u{202E}"] {
            #expect { try w.db.addContact(alpha.staff, ContactInput(fullName: name)) } throws: { ($0 as? CorbiError)?.exitCode == 65 }
        }
        #expect { try w.db.addContact(alpha.staff, ContactInput(fullName: "Eve", notes: String(repeating: "n", count: 4001))) } throws: {
            ($0 as? CorbiError)?.exitCode == 65
        }
        _ = try w.db.addContact(alpha.staff, ContactInput(fullName: "Eve", notes: "two\nlines\twith a tab"))
        #expect(try w.count("SELECT count(*) FROM contact") == 1)
    }
}
