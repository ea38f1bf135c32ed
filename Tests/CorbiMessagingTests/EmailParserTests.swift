import CorbiCore
import Foundation
import Testing
@testable import CorbiMessaging

@Suite("Email parser (corbi inbound ingest email)")
struct EmailParserTests {
    let parser = EmailParser()

    func parse(_ text: String) throws -> ReceivedMessage {
        try parser.parse(bytes(text.replacingOccurrences(of: "\n", with: "\r\n")))
    }

    @Test("a plain message: From with display name, To, Subject, Message-ID, Date, In-Reply-To, text")
    func plain() throws {
        let message = try parse("""
            Return-Path: <zoe@example.com>
            Received: from mail.example.com by mx.brightsmile.example; Tue, 1 Dec 2026 09:00:00 +0100
            From: "Müller, Zoë" <Zoe@Example.COM>
            To: BrightSmile <praxis@brightsmile.example>, unsubscribe@brightsmile.example
            Subject: Re: Ihr Termin am Dienstag
            Date: Tue, 1 Dec 2026 09:00:00 +0100 (CET)
            Message-ID: <CAF=abc123@mail.example.com>
            In-Reply-To: <tr-4f1c2b@brightsmile.example>
            Content-Type: text/plain; charset=utf-8

            Danke, ich komme!

            > alter Text
            """)
        #expect(message.channel == .email)
        #expect(message.sender == "zoe@example.com")
        #expect(message.senderName == "Müller, Zoë")
        #expect(message.recipients == ["praxis@brightsmile.example", "unsubscribe@brightsmile.example"])
        #expect(message.subject == "Re: Ihr Termin am Dienstag")
        #expect(message.providerMessageId == "CAF=abc123@mail.example.com")
        #expect(message.replyTo == "tr-4f1c2b@brightsmile.example")
        #expect(message.timestamp == Date(timeIntervalSince1970: 1_796_112_000))
        #expect(message.text == "Danke, ich komme!\r\n\r\n> alter Text")
        #expect(message.raw == [
            "from": "zoe@example.com", "fromName": "Müller, Zoë",
            "to": ["praxis@brightsmile.example", "unsubscribe@brightsmile.example"], "subject": "Re: Ihr Termin am Dienstag",
            "messageId": "CAF=abc123@mail.example.com", "inReplyTo": "tr-4f1c2b@brightsmile.example",
            "date": "Tue, 1 Dec 2026 09:00:00 +0100 (CET)", "text": "Danke, ich komme!\r\n\r\n> alter Text",
        ])
    }

    @Test("encoded words in Subject and From, Q and B, utf-8 and iso-8859-1, adjacent words joined")
    func encodedWords() throws {
        let message = try parse("""
            From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen@example.com>
            Subject: =?utf-8?B?VGVybWluIMO8YmVy?=
             =?utf-8?Q?pr=C3=BCfen?= bitte
            Message-ID: <1@example.com>

            x
            """)
        #expect(message.senderName == "Jürgen Müller")
        #expect(message.subject == "Termin überprüfen bitte")
    }

    @Test("multipart/alternative: the text/plain part, quoted-printable, wins over HTML")
    func alternative() throws {
        let message = try parse("""
            From: zoe@example.com
            Message-ID: <2@example.com>
            MIME-Version: 1.0
            Content-Type: multipart/alternative; boundary="b1=_x"

            preamble
            --b1=_x
            Content-Type: text/html; charset=utf-8

            <p>HTML</p>
            --b1=_x
            Content-Type: text/plain; charset="utf-8"
            Content-Transfer-Encoding: quoted-printable

            Gr=C3=BC=C3=9Fe aus Berlin, ein sehr langer Satz der weich umbrochen wir=
            d.
            --b1=_x--
            epilogue
            """)
        #expect(message.text == "Grüße aus Berlin, ein sehr langer Satz der weich umbrochen wird.")
    }

    @Test("multipart/mixed with a nested alternative, base64 latin-1 text, and an attachment")
    func nested() throws {
        let latin1 = Data([0x53, 0x74, 0x6F, 0x70, 0x70, 0x2C, 0x20, 0x62, 0x69, 0x74, 0x74, 0x65, 0x21, 0x20, 0xC4, 0x72, 0x7A, 0x74, 0x65]).base64EncodedString()
        let message = try parse("""
            From: Zoe <zoe@example.com>
            Message-ID: <3@example.com>
            Content-Type: multipart/mixed; boundary=outer

            --outer
            Content-Type: multipart/alternative; boundary=inner

            --inner
            Content-Type: text/plain; charset=ISO-8859-1
            Content-Transfer-Encoding: base64

            \(latin1)
            --inner
            Content-Type: text/html

            <b>x</b>
            --inner--
            --outer
            Content-Type: text/plain; name=notes.txt
            Content-Disposition: attachment; filename=notes.txt

            not this
            --outer--
            """)
        #expect(message.text == "Stopp, bitte! Ärzte")
    }

    @Test("an HTML-only message is read as text")
    func htmlOnly() throws {
        let message = try parse("""
            From: zoe@example.com
            Message-ID: <4@example.com>
            Content-Type: text/html; charset=windows-1252

            <html><head><style>p{}</style></head><body><p>STOP</p><script>x()</script></body></html>
            """)
        #expect(message.text == "STOP")
        #expect(OptOutKeyword.recognize(message.text ?? "") == .optOut("STOP"))
    }

    @Test("without a Message-ID the id is a digest of the message, the same on redelivery")
    func syntheticId() throws {
        let text = "From: zoe@example.com\n\nhello"
        let first = try parse(text)
        #expect(first.providerMessageId.hasPrefix("sha256-"))
        #expect(first.providerMessageId.hasSuffix("@corbi.invalid"))
        #expect(try parse(text).providerMessageId == first.providerMessageId)
    }

    @Test("raw 8-bit Latin-1 headers are read as Latin-1; an empty body gives no text")
    func latin1Headers() throws {
        var message = Array("From: ".utf8) + [0x4A, 0xFC, 0x72, 0x67, 0x65, 0x6E] + Array(" <j@example.com>\nSubject: Gr".utf8) + [0xFC, 0xDF, 0x65]
        message += Array("\nMessage-ID: <6@x>\n\n \n".utf8)
        let parsed = try parser.parse(message)
        #expect(parsed.senderName == "Jürgen")
        #expect(parsed.subject == "Grüße")
        #expect(parsed.text == nil)
    }

    @Test("an mbox From_ line before the headers is skipped; bare LF endings work")
    func mbox() throws {
        let message = try parser.parse(bytes("From zoe@example.com Tue Dec  1 09:00:00 2026\nFrom: Zoë <zoe@example.com>\nMessage-ID: <5@x>\n\nHallo"))
        #expect(message.sender == "zoe@example.com")
        #expect(message.text == "Hallo")
    }

    @Test("messages without headers, without From, or with an unusable From are refused", arguments: [
        "", "just text without headers", "Subject: no sender\n\nbody", "From: not an address\n\nbody", "From: <>\n\nbody",
    ])
    func refused(text: String) {
        #expect(throws: WebhookPayloadError.self) { try parser.parse(bytes(text)) }
    }

    @Test("hostile input never crashes: deep multiparts, endless boundaries, broken encodings, huge headers")
    func hostile() throws {
        var deep = "From: a@example.com\nContent-Type: multipart/mixed; boundary=b0\n\n"
        for level in 1...50 { deep += "--b\(level - 1)\nContent-Type: multipart/mixed; boundary=b\(level)\n\n" }
        deep += "--b50\nContent-Type: text/plain\n\nbottom\n"
        #expect(try parser.parse(bytes(deep)).text == nil)

        let broken = "From: =?utf-8?B?####?= <a@example.com>\nSubject: =?x-unknown?Q?=ZZ=4?= =?utf-8?Q?\nContent-Transfer-Encoding: base64\n\n!!!!"
        let message = try parser.parse(bytes(broken))
        #expect(message.sender == "a@example.com")

        let parts = "From: a@example.com\nContent-Type: multipart/mixed; boundary=x\n\n" + String(repeating: "--x\n\n", count: 5000)
        _ = try parser.parse(bytes(parts))

        let header = "From: a@example.com\nSubject: " + String(repeating: "a", count: 200_000) + "\n\nx"
        #expect(try parser.parse(bytes(header)).subject?.count == 200_000)

        let binary = [UInt8](repeating: 0xFF, count: 1000)
        #expect(throws: WebhookPayloadError.self) { try parser.parse(binary) }
        #expect(throws: WebhookPayloadError.tooLarge(limit: 10)) { try EmailParser(maxBytes: 10).parse(bytes(header)) }
    }
}
