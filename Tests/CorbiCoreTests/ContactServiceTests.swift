import Foundation
import GRDB
import Testing

@testable import CorbiCore

@Suite struct ContactServiceTests {
    @Test func addNormalizesIdentifiers() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let c = try w.db.addContact(
            alpha.staff,
            ContactInput(fullName: "  Zoë Müller ", email: " Zoe.Muller@Example.COM ", phone: "030 1234 5678",
                telegram: "-100123", instagram: "  ig_42 ", tags: ["vip", "VIP", "recall;kids", " "]))
        #expect(c.fullName == "Zoë Müller")
        #expect(c.email == "zoe.muller@example.com")
        #expect(c.phoneWhatsapp == "+493012345678")
        #expect(c.telegramChatId == -100123)
        #expect(c.instagramScopedId == "ig_42")
        #expect(c.tags == ["vip", "recall", "kids"])
        #expect(c.status == .active)
    }

    @Test func invalidInputIsRefusedWithEveryReasonAndNothingWritten() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        #expect {
            try w.db.addContact(alpha.staff, ContactInput(fullName: "X", email: "not-an-email", phone: "abc", telegram: "1.5", status: "gone"))
        } throws: { error in
            let text = "\(error)"
            return (error as? CorbiError)?.exitCode == 65 && text.contains("email") && text.contains("phone")
                && text.contains("Telegram") && text.contains("status")
        }
        #expect(try w.count("SELECT count(*) FROM contact") == 0)
        #expect(try w.count("SELECT count(*) FROM auditEvent WHERE outcome = 'refused' AND action = 'contacts.add'") == 1)
    }

    @Test func identifierOwnedByAnotherContactIsAConflict() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let anna = try w.db.addContact(alpha.staff, ContactInput(fullName: "Anna", email: "anna@example.com", phone: "+49 30 1111111"))
        let bob = try w.db.addContact(alpha.staff, ContactInput(fullName: "Bob", email: "bob@example.com"))

        #expect(throws: CorbiError.invalid("The email identifier anna@example.com already belongs to Anna (#1). Nothing was changed.")) {
            try w.db.addContact(alpha.staff, ContactInput(fullName: "Impostor", email: "ANNA@example.com"))
        }
        #expect {
            try w.db.updateContact(alpha.staff, ref: "Bob", ContactInput(email: "carl@example.com", phone: "030 1111111"))
        } throws: { ($0 as? CorbiError)?.exitCode == 65 }

        // Neither contact changed; both attempts recorded.
        #expect(try w.db.contact(alpha.staff, ref: String(bob.id!)).email == "bob@example.com")
        #expect(try w.db.contact(alpha.staff, ref: String(anna.id!)).phoneWhatsapp == "+49301111111")
        let conflicts = try w.db.identityConflicts(alpha.admin).map(\.conflict)
        #expect(conflicts.count == 2)
        #expect(conflicts.allSatisfy { $0.ownerContactId == anna.id })
        #expect(conflicts.contains { $0.attemptedContactId == bob.id && $0.channel == .whatsapp && $0.value == "+49301111111" })
        #expect(conflicts.contains { $0.attemptedContactId == nil && $0.channel == .email })
    }

    @Test func sameIdentifierInAnotherOrganizationIsFine() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let beta = try w.organization("beta.example")
        _ = try w.db.addContact(alpha.staff, ContactInput(fullName: "Anna", email: "anna@example.com"))
        let b = try w.db.addContact(beta.staff, ContactInput(fullName: "Anna B", email: "anna@example.com"))
        #expect(b.email == "anna@example.com")
    }

    @Test func anotherOrganizationsContactIsNotFound() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let beta = try w.organization("beta.example")
        let anna = try w.db.addContact(alpha.staff, ContactInput(fullName: "Anna", email: "anna@example.com"))
        for ref in [String(anna.id!), "anna@example.com", "Anna"] {
            #expect { try w.db.contact(beta.admin, ref: ref) } throws: { ($0 as? CorbiError)?.exitCode == 66 }
            #expect { try w.db.deleteContact(beta.admin, ref: ref) } throws: { ($0 as? CorbiError)?.exitCode == 66 }
        }
        #expect(try w.db.contacts(beta.admin).total == 0)
    }

    @Test func viewersNeverWrite() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let anna = try w.db.addContact(alpha.staff, ContactInput(fullName: "Anna"))
        #expect { try w.db.addContact(alpha.viewer, ContactInput(fullName: "V")) } throws: { ($0 as? CorbiError)?.exitCode == 77 }
        #expect { try w.db.updateContact(alpha.viewer, ref: "Anna", ContactInput(notes: "x")) } throws: { ($0 as? CorbiError)?.exitCode == 77 }
        #expect { try w.db.deleteContact(alpha.viewer, ref: "Anna") } throws: { ($0 as? CorbiError)?.exitCode == 77 }
        #expect { try w.db.importContacts(alpha.viewer, csv: "full_name\nX\n") } throws: { ($0 as? CorbiError)?.exitCode == 77 }
        #expect(try w.db.contacts(alpha.viewer).contacts.map(\.id) == [anna.id])
        #expect(try w.count("SELECT count(*) FROM auditEvent WHERE outcome = 'refused'") == 4)
    }

    @Test func referencesResolveByIdEmailPhoneAndNamePart() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let anna = try w.db.addContact(alpha.staff, ContactInput(fullName: "Anna Schmidt", email: "anna@example.com", phone: "+4930111111"))
        _ = try w.db.addContact(alpha.staff, ContactInput(fullName: "Annabel Lee"))
        _ = try w.db.addContact(alpha.staff, ContactInput(fullName: "Jürgen Groß"))
        #expect(try w.db.contact(alpha.staff, ref: String(anna.id!)).id == anna.id)
        #expect(try w.db.contact(alpha.staff, ref: "ANNA@example.com").id == anna.id)
        #expect(try w.db.contact(alpha.staff, ref: "030 111111").id == anna.id)
        #expect(try w.db.contact(alpha.staff, ref: "schmidt").id == anna.id)
        #expect(try w.db.contact(alpha.staff, ref: "jurgen").fullName == "Jürgen Groß")
        _ = try w.db.addContact(alpha.staff, ContactInput(fullName: "Hannah Berg"))
        #expect(try w.db.contact(alpha.staff, ref: "annab").fullName == "Annabel Lee")
        #expect(try w.db.contact(alpha.staff, ref: "Lee").fullName == "Annabel Lee")
        #expect {
            try w.db.contact(alpha.staff, ref: "Ann")
        } throws: { error in
            (error as? CorbiError)?.exitCode == 65 && "\(error)".contains("Anna Schmidt") && "\(error)".contains("Annabel Lee")
        }
        #expect { try w.db.contact(alpha.staff, ref: "nobody") } throws: { ($0 as? CorbiError)?.exitCode == 66 }
    }

    @Test func searchIsCaseAndAccentInsensitiveOverNameEmailPhoneAndTags() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        _ = try w.db.addContact(alpha.staff, ContactInput(fullName: "Zoë Müller", email: "zoe@example.com", phone: "+49 30 1234567", tags: ["Kinder"]))
        _ = try w.db.addContact(alpha.staff, ContactInput(fullName: "Mark Twain", email: "mark@twain.example"))
        func names(_ q: String) throws -> [String] { try w.db.contacts(alpha.staff, matching: q).contacts.map(\.fullName) }
        #expect(try names("muller") == ["Zoë Müller"])
        #expect(try names("MÜLLER zoe") == ["Zoë Müller"])
        #expect(try names("kind") == ["Zoë Müller"])
        #expect(try names("30 123") == ["Zoë Müller"])
        #expect(try names("twain.ex") == ["Mark Twain"])
        #expect(try names("ma") == ["Mark Twain"])
        #expect(try names("nobody") == [])
        #expect(try names("\"; DROP TABLE contact; --") == [])
        #expect(try names("").count == 2)
    }

    @Test func deletingAContactCascadesButKeepsInboundMessages() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let anna = try w.db.addContact(alpha.staff, ContactInput(fullName: "Anna", email: "anna@example.com"))
        try w.db.writer.write { db in
            let now = Date()
            try db.execute(
                sql: "INSERT INTO inboundMessage (organizationId, contactId, channel, payload, receivedAt) VALUES (?, ?, 'email', '{}', ?)",
                arguments: [alpha.staff.organizationId, anna.id, now])
            try db.execute(
                sql: """
                    INSERT INTO outboundMessage (organizationId, contactId, channel, body, scheduledFor, traceId, createdAt, updatedAt)
                    VALUES (?, ?, 'email', 'hi', ?, 't1', ?, ?)
                    """, arguments: [alpha.staff.organizationId, anna.id, now, now, now])
        }
        _ = try w.db.deleteContact(alpha.staff, ref: "anna@example.com")
        #expect(try w.count("SELECT count(*) FROM outboundMessage") == 0)
        #expect(try w.count("SELECT count(*) FROM inboundMessage WHERE contactId IS NULL") == 1)
    }

    @Test func searchCombinesWordsOverManyContacts() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        var csv = "full_name,email,phone_whatsapp,tags\n"
        for i in 0..<3_000 { csv += "Person \(i) Nachname\(i % 97),p\(i)@example.com,+4915\(String(format: "%08d", i)),t\(i % 13)\n" }
        let result = try w.db.importContacts(alpha.staff, csv: csv)
        #expect(result.created == 3_000)
        let page = try w.db.contacts(alpha.staff, matching: "NACHNAME70 p1234", limit: 50)
        #expect(page.contacts.map(\.email) == ["p1234@example.com"])
    }
}

@Suite struct SearchTextTests {
    @Test(arguments: [
        ("Zoë MÜLLER", "zoe muller"), ("Jürgen Groß", "jurgen gross"), ("Łukasz Øster", "lukasz oster"),
        ("Chloé Dubois", "chloe dubois"), ("ÆSIR Œuvre", "aesir oeuvre"), ("Ωmega Ñandú", "ωmega nandu"), ("plain", "plain"),
    ])
    func folds(input: String, expected: String) {
        #expect(SearchText.fold(input) == expected)
    }
}

@Suite struct ContactPagingTests {
    @Test func pagesCountExactlyUpToTheCapAndSayWhenTheyStop() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        var csv = "full_name\n"
        for i in 0..<30 { csv += "Person \(String(format: "%02d", i))\n" }
        _ = try w.db.importContacts(alpha.staff, csv: csv)
        let exact = try w.db.contacts(alpha.staff, matching: "person", limit: 10)
        #expect(exact.contacts.map(\.fullName).first == "Person 00")
        #expect(exact.total == 30 && exact.totalIsExact)
        let capped = try w.db.contacts(alpha.staff, matching: "person", limit: 10, countLimit: 20)
        #expect(capped.total == 20 && !capped.totalIsExact)
        let second = try w.db.contacts(alpha.staff, matching: "person", limit: 10, offset: 25)
        #expect(second.contacts.count == 5 && second.total == 30 && second.totalIsExact)
        let all = try w.db.contacts(alpha.staff, matching: "person 1")
        // "1" is a short word: any 1 anywhere (01, 10-19, 21).
        #expect(all.contacts.count == 12 && all.total == 12)
    }

    @Test func aNumberIsNeverAPartOfAName() throws {
        let w = try TestWorkspace()
        let alpha = try w.organization("alpha.example")
        let beta = try w.organization("beta.example")
        let other = try w.db.addContact(beta.staff, ContactInput(fullName: "Beta Person"))
        let evil = try w.db.addContact(alpha.staff, ContactInput(fullName: "Evil\(other.id!)"))
        #expect { try w.db.contact(alpha.staff, ref: String(other.id!)) } throws: { ($0 as? CorbiError)?.exitCode == 66 }
        #expect { try w.db.deleteContact(alpha.staff, ref: String(other.id!), calendar: nil) } throws: { ($0 as? CorbiError)?.exitCode == 66 }
        #expect(try w.db.contact(alpha.staff, ref: "Evil").id == evil.id)
        #expect(try w.db.contact(alpha.staff, ref: String(evil.id!)).id == evil.id)
    }
}
