import CorbiCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import CorbiMessaging

@Suite("Email: composing and sendmail")
struct EmailTests {
    static let date = Date(timeIntervalSince1970: 1_796_112_000)  // 2026-12-01 08:00:00 UTC

    func message(
        subject: String? = "Ihr Termin am Dienstag", text: String = "Guten Tag Zoë,\nbis morgen!",
        unsubscribe: ListUnsubscribe? = ListUnsubscribe(mailto: "unsubscribe@brightsmile.example", oneClickURL: "https://corbi.example.com/unsubscribe/tok123"),
        from: String = "BrightSmile Dental <praxis@brightsmile.example>"
    ) throws -> OutgoingMessage {
        OutgoingMessage(
            channel: .email, recipient: "zoe@example.com", content: .text(text), subject: subject, traceId: "tr-4f1c2b",
            email: EmailDetails(from: try EmailAddress(parsing: from), listUnsubscribe: unsubscribe))
    }

    func headerLines(_ email: ComposedEmail) -> [String] {
        let head = email.text.components(separatedBy: "\n\n").first ?? ""
        return head.components(separatedBy: "\n")
    }

    @Test("the message has the RFC 5322 headers, a Message-ID from the trace id and RFC 8058 one-click unsubscribe")
    func headers() throws {
        let email = try EmailComposer().compose(try message(), date: Self.date)
        #expect(email.messageId == "tr-4f1c2b@brightsmile.example")
        #expect(headerLines(email) == [
            "Date: Tue, 01 Dec 2026 08:00:00 +0000",
            "From: BrightSmile Dental <praxis@brightsmile.example>",
            "To: zoe@example.com",
            "Subject: Ihr Termin am Dienstag",
            "Message-ID: <tr-4f1c2b@brightsmile.example>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "List-Unsubscribe: <mailto:unsubscribe@brightsmile.example>,",
            " <https://corbi.example.com/unsubscribe/tok123>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        ])
        #expect(email.text.hasSuffix("Guten Tag Zo=C3=AB,\nbis morgen!\n"))
    }

    @Test("without an https target there is only the mailto entry and no List-Unsubscribe-Post")
    func mailtoOnly() throws {
        let email = try EmailComposer().compose(
            try message(unsubscribe: ListUnsubscribe(mailto: "mailto:unsubscribe@brightsmile.example?subject=unsubscribe")), date: Self.date)
        let lines = headerLines(email)
        #expect(lines.contains("List-Unsubscribe: <mailto:unsubscribe@brightsmile.example?subject=unsubscribe>"))
        #expect(!lines.contains { $0.hasPrefix("List-Unsubscribe-Post") })
        let none = try EmailComposer().compose(try message(unsubscribe: nil), date: Self.date)
        #expect(!none.text.contains("List-Unsubscribe"))
    }

    @Test("a non-ASCII subject and display name are RFC 2047 encoded words that decode back")
    func encodedWords() throws {
        let subject = "Erinnerung: Ihr Termin bei Dr. Müller — Dienstag 9:30 Uhr 🦷 bitte 15 Minuten früher kommen"
        let email = try EmailComposer().compose(try message(subject: subject, from: "Zahnärztin Jürgens <praxis@brightsmile.example>"), date: Self.date)
        let lines = headerLines(email)
        for line in lines { #expect(line.utf8.count <= 78, "\(line)") }
        #expect(lines.contains { $0.hasPrefix("Subject: =?UTF-8?B?") })
        #expect(lines.contains { $0.hasPrefix("From: =?UTF-8?B?") && $0.hasSuffix(" <praxis@brightsmile.example>") })
        let parsed = try EmailParser().parse(Array(email.data))
        #expect(parsed.subject == subject)
        #expect(parsed.senderName == "Zahnärztin Jürgens")
        #expect(parsed.sender == "praxis@brightsmile.example")
        #expect(parsed.providerMessageId == "tr-4f1c2b@brightsmile.example")
        #expect(parsed.text == "Guten Tag Zoë,\nbis morgen!")
        #expect(parsed.timestamp == Self.date)
    }

    @Test("a display name with specials is quoted")
    func quotedName() throws {
        let email = try EmailComposer().compose(try message(from: #""Weber, Anna (Praxis)" <anna@brightsmile.example>"#), date: Self.date)
        #expect(headerLines(email).contains(#"From: "Weber, Anna (Praxis)" <anna@brightsmile.example>"#))
    }

    @Test("line breaks in any header value cannot add a header", arguments: [
        "Hi\r\nBcc: victim@example.org", "Hi\nBcc: victim@example.org", "Hi\rBcc: victim@example.org", "Hi\u{85}Bcc: victim@example.org",
    ])
    func headerInjection(subject: String) throws {
        let email = try EmailComposer().compose(try message(subject: subject, from: "Evil\r\nBcc: x@example.org <praxis@brightsmile.example>"), date: Self.date)
        let lines = headerLines(email)
        #expect(!lines.contains { $0.lowercased().hasPrefix("bcc:") })
        #expect(lines.filter { !$0.hasPrefix(" ") }.count == 10)
        #expect(lines.contains("Subject: Hi Bcc: victim@example.org"))
    }

    @Test("a recipient, an unsubscribe target or a trace id that could break a header is refused")
    func refusedValues() throws {
        var bad = try message()
        bad.recipient = "zoe@example.com\r\nBcc: victim@example.org"
        #expect(throws: EmailCompositionError.invalidRecipient) { try EmailComposer().compose(bad, date: Self.date) }
        let badMailto = try message(unsubscribe: ListUnsubscribe(mailto: "mailto:a@b.example>, <https://evil.example"))
        #expect(throws: EmailCompositionError.invalidUnsubscribe) { try EmailComposer().compose(badMailto, date: Self.date) }
        let badHTTPS = try message(unsubscribe: ListUnsubscribe(mailto: "u@b.example", oneClickURL: "http://corbi.example.com/u/1"))
        #expect(throws: EmailCompositionError.invalidUnsubscribe) { try EmailComposer().compose(badHTTPS, date: Self.date) }
        var noTrace = try message()
        noTrace.traceId = "<>\r\n "
        #expect(throws: EmailCompositionError.invalidTraceId) { try EmailComposer().compose(noTrace, date: Self.date) }
        var noFrom = try message()
        noFrom.email = nil
        #expect(throws: EmailCompositionError.missingSender) { try EmailComposer().compose(noFrom, date: Self.date) }
        #expect(throws: EmailAddressError.invalidAddress) { try EmailAddress(parsing: "Name <not an address>") }
    }

    @Test("the quoted-printable body keeps lines short, encodes what transports mangle, and decodes to the same text")
    func quotedPrintableBody() throws {
        let text = "From the clinic: = sign, trailing space \n.leading dot\n" + String(repeating: "Zähne putzen! ", count: 20) + "\r\nCRLF line\tand tab\u{0}nul"
        let email = try EmailComposer().compose(try message(text: text), date: Self.date)
        let body = email.text.components(separatedBy: "\n\n").dropFirst().joined(separator: "\n\n")
        for line in body.split(separator: "\n") { #expect(line.count <= 76) }
        #expect(body.hasPrefix("=46rom the clinic: =3D sign, trailing space=20\n=2Eleading dot\n"))
        let parsed = try EmailParser().parse(Array(email.data))
        #expect(parsed.text == text.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("a media URL is added to the body as a link")
    func mediaLink() throws {
        var m = try message(text: "Ihre Rechnung")
        m.mediaURL = "https://cdn.example.com/r.pdf"
        let parsed = try EmailParser().parse(Array(try EmailComposer().compose(m, date: Self.date).data))
        #expect(parsed.text == "Ihre Rechnung\n\nhttps://cdn.example.com/r.pdf")
    }

    @Test("CRLF line endings on request")
    func crlf() throws {
        let email = try EmailComposer(lineEnding: .crlf).compose(try message(), date: Self.date)
        #expect(!email.text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test("command lines split as a shell splits words, without expanding anything")
    func commandSplitting() throws {
        #expect(try SendmailCommand().arguments == ["/usr/sbin/sendmail", "-t", "-oi"])
        #expect(try SendmailCommand.split(#"msmtp  -t --account='clinic mail' -C "/etc/my msmtprc" a\ b "x\"y" '$HOME' "\$Z""#)
            == ["msmtp", "-t", "--account=clinic mail", "-C", "/etc/my msmtprc", "a b", "x\"y", "$HOME", "$Z"])
        #expect(try SendmailCommand.split(#"a "" b"#) == ["a", "", "b"])
        #expect(throws: SendmailCommandError.unterminatedQuote) { try SendmailCommand("sendmail 'oops") }
        #expect(throws: SendmailCommandError.trailingBackslash) { try SendmailCommand("sendmail \\") }
        #expect(throws: SendmailCommandError.empty) { try SendmailCommand("   ") }
        #expect(throws: SendmailCommandError.invalidProgram) { try SendmailCommand("A=B sendmail") }
    }

    @Test("exit 0 is accepted with the Message-ID; the script got -t -oi and the whole message on stdin")
    func accepted() async throws {
        let fake = try FakeSendmail(status: 0)
        defer { fake.remove() }
        let provider = EmailProvider(command: try SendmailCommand("'\(fake.script.path)' -t -oi"), now: { Self.date })
        let outcome = await provider.send(try message())
        #expect(outcome == .accepted(SendReceipt(providerMessageId: "tr-4f1c2b@brightsmile.example", providerStatus: "queued")))
        #expect(fake.arguments == ["-t", "-oi"])
        let expected = try EmailComposer().compose(try message(), date: Self.date).text
        #expect(fake.input == expected)
    }

    @Test("exit 75 is temporary, another exit permanent with stderr's first line, cleaned")
    func exitCodes() async throws {
        let tempfail = try FakeSendmail(status: 75, stderr: "msmtp: cannot connect to smtp.example.com\nmore")
        defer { tempfail.remove() }
        let outcome = await EmailProvider(command: try SendmailCommand(tempfail.script.path)).send(try message())
        #expect(outcome == .temporary(ProviderFailure(code: "exit-75", message: "msmtp: cannot connect to smtp.example.com")))

        let failed = try FakeSendmail(status: 1, stderr: "\n\u{1b}[31msendmail: zoe@example.com... User unknown\u{7}\nsecond line")
        defer { failed.remove() }
        let permanent = await EmailProvider(command: try SendmailCommand(failed.script.path)).send(try message())
        #expect(permanent == .permanent(ProviderFailure(code: "exit-1", message: "[31msendmail: zoe@example.com... User unknown")))

        let silent = try FakeSendmail(status: 67)
        defer { silent.remove() }
        let quiet = await EmailProvider(command: try SendmailCommand(silent.script.path)).send(try message())
        #expect(quiet == .permanent(ProviderFailure(code: "exit-67", message: "the mail command failed")))
    }

    @Test("a command that exits without reading a large message does not kill this process")
    func earlyExit() async throws {
        let fake = try FakeSendmail(status: 1, stderr: "refused", readInput: false)
        defer { fake.remove() }
        let big = String(repeating: "Lorem ipsum dolor sit amet. ", count: 40_000)
        let outcome = await EmailProvider(command: try SendmailCommand(fake.script.path)).send(try message(text: big))
        #expect(outcome == .permanent(ProviderFailure(code: "exit-1", message: "refused")))
    }

    @Test("a command that hangs is stopped at the timeout with everything it started (temporary); a missing one is temporary too")
    func hangAndMissing() async throws {
        let fake = try FakeSendmail(status: 0, sleep: 30)
        defer { fake.remove() }
        let outcome = await EmailProvider(command: try SendmailCommand(fake.script.path), timeout: 0.5).send(try message())
        #expect(outcome.failure?.code == "sendmail-timeout")
        #expect(outcome.isTemporary)
        // Not a timing check (a loaded machine may delay this task for long): the shell and
        // its sleep must both be gone, and the sleep must never have finished.
        let pids = fake.processIds
        #expect(pids.count == 2)
        var alive = pids
        for _ in 0..<100 where !alive.isEmpty {
            alive = alive.filter { kill($0, 0) == 0 }
            if !alive.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(alive.isEmpty)
        #expect(!fake.slept)

        let missing = await EmailProvider(command: try SendmailCommand("/nonexistent/sendmail -t")).send(try message())
        #expect(missing.isTemporary)
        #expect(missing.failure?.code == "sendmail-unavailable")
        #expect(missing.failure?.message == "/nonexistent/sendmail could not be started (No such file or directory)")
    }

    @Test("a program without a path is found on PATH")
    func programOnPath() async throws {
        let fake = try FakeSendmail(status: 0)
        defer { fake.remove() }
        let outcome = await EmailProvider(command: try SendmailCommand("sh '\(fake.script.path)' -t")).send(try message())
        #expect(outcome.receipt != nil)
        #expect(fake.arguments == ["-t"])
    }

    @Test("a message the composer refuses is permanent and never reaches the command")
    func refusedBeforeSending() async throws {
        let fake = try FakeSendmail(status: 0)
        defer { fake.remove() }
        var bad = try message()
        bad.recipient = "not-an-address"
        let outcome = await EmailProvider(command: try SendmailCommand(fake.script.path)).send(bad)
        #expect(outcome.failure?.code == "invalid-recipient")
        #expect(fake.input == nil)
    }
}
