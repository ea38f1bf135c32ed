import Foundation
import Testing

@testable import CorbiCLI
@testable import CorbiCore

/// The contract's JSON shapes: every key present (nulls written), camelCase, times with
/// the organization's offset.
@Suite struct ContractJSONTests {
    func keys(_ value: some Encodable) throws -> [String: Any] {
        let text = JSONOutput.encode(value)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func nilValuesAreWrittenAsNull() throws {
        struct Shape: Encodable {
            @Nullable var a: String?
            @Nullable var b: Int?
            var c: String?
        }
        #expect(JSONOutput.encode(Shape(a: nil, b: 3, c: nil)) == #"{"a":null,"b":3}"#)
    }

    @Test func aContactCarriesEveryStoredField() throws {
        let workspace = try ShellTestWorkspace()
        let actor = try workspace.actor()
        let contact = try workspace.database.addContact(actor, ContactInput(fullName: "Anna Müller", email: "anna@example.com"))
        let zone = actor.organization.timeZone
        let fields = try keys(ContactJSON(contact, zone: zone))
        #expect(
            Set(fields.keys) == [
                "id", "fullName", "email", "phoneWhatsapp", "telegramChatId", "instagramScopedId", "status", "tags", "notes",
                "lastInboundAt", "lastOutboundAt", "createdAt", "updatedAt",
            ])
        #expect(fields["phoneWhatsapp"] is NSNull)
        #expect(fields["lastInboundAt"] is NSNull)
        #expect((fields["createdAt"] as? String)?.hasSuffix("+02:00") == true)
    }

    @Test func aBookingCarriesWhoAndWhen() throws {
        let workspace = try ShellTestWorkspace()
        let actor = try workspace.actor()
        _ = try workspace.database.addContact(actor, ContactInput(fullName: "Anna Müller"))
        let outcome = try workspace.database.book(
            actor, BookingInput(contact: "anna", start: "2027-01-05 10:00", allowPast: true), calendar: nil)
        let fields = try keys(BookingJSON(outcome.detail, zone: actor.organization.timeZone))
        #expect(fields["start"] as? String == "2027-01-05T10:00:00+01:00")
        #expect(fields["location"] is NSNull)
        #expect(fields["createdBy"] as? Int64 == actor.userId)
        #expect(fields["createdAt"] != nil && fields["updatedAt"] != nil)
    }

    @Test func aDryRunDraftHasANullId() throws {
        let workspace = try ShellTestWorkspace()
        let actor = try workspace.actor()
        let message = OutboundMessage(
            organizationId: actor.organizationId, contactId: 1, templateId: nil, channel: .email, subject: "s", body: "b",
            variables: [:], scheduledFor: Date(timeIntervalSince1970: 1_790_000_000), traceId: "t", createdBy: nil,
            createdAt: Date(timeIntervalSince1970: 1_790_000_000))
        let fields = try keys(DraftJSON(message, zone: actor.organization.timeZone))
        #expect(Set(fields.keys) == ["id", "contactId", "templateId", "channel", "body", "status", "scheduledFor", "traceId"])
        #expect(fields["id"] is NSNull && fields["templateId"] is NSNull)
        // The outbox adds every other field of the record, nulls included.
        let outbox = try keys(OutboundMessageJSON(message, zone: actor.organization.timeZone))
        #expect(Set(fields.keys).isSubset(of: Set(outbox.keys)))
        for key in ["retryCount", "error", "providerMessageId", "providerStatus", "mediaUrl", "variables", "subject", "attempts"] {
            #expect(outbox[key] != nil, "\(key)")
        }
        #expect(outbox["error"] is NSNull && outbox["sentAt"] is NSNull)
    }
}

@Suite struct DraftTextTests {
    @Test func theThrottleNoteNamesEveryFullMinute() throws {
        let workspace = try ShellTestWorkspace()
        let actor = try workspace.actor()
        let zone = actor.organization.timeZone
        func note(requested: TimeInterval, scheduled: TimeInterval) -> String {
            var message = OutboundMessage(
                organizationId: actor.organizationId, contactId: 1, templateId: nil, channel: .email, subject: "s", body: "b",
                variables: [:], scheduledFor: Date(timeIntervalSince1970: scheduled), traceId: "t", createdBy: nil,
                createdAt: Date(timeIntervalSince1970: requested))
            message.id = 1
            let contact = Contact(organizationId: actor.organizationId, fullName: "Kim", createdAt: message.createdAt, updatedAt: message.createdAt)
            let draft = Draft(
                message: message, contact: contact, template: nil, requestedFor: Date(timeIntervalSince1970: requested),
                ratePerMinute: 2, throttled: true)
            return DraftCommand.schedule(draft, zone: zone)
        }
        // 2026-09-01 18:53:20 Berlin asked for; 18:55 given: 18:53 and 18:54 were full.
        let minute: TimeInterval = 1_788_281_580
        #expect(note(requested: minute + 20, scheduled: minute + 120).contains("18:53 to 18:54 were full, so 2026-09-01 18:55"))
        #expect(note(requested: minute + 20, scheduled: minute + 60).contains("18:53 was full, so 2026-09-01 18:54"))
    }
}

@Suite struct TerminalTextTests {
    @Test func controlCharactersAreShownVisibly() {
        #expect(TerminalText.safe("plain\ttext\nline") == "plain\ttext\nline")
        #expect(TerminalText.safe("\u{1B}]0;owned\u{07}title") == "\u{241B}]0;owned\u{2407}title")
        #expect(TerminalText.safe("clear\u{1B}[2J") == "clear\u{241B}[2J")
        #expect(TerminalText.safe("ics\r\nline\r\n") == "ics\r\nline\r\n")
        #expect(TerminalText.safe("over\rwrite") == "over\u{240D}write")
        #expect(TerminalText.safe("a\u{9B}31mb\u{202E}c\u{7F}") == "a\u{FFFD}31mb\u{FFFD}c\u{2421}")
        #expect(TerminalText.safe("nul\u{0}") == "nul\u{2400}")
    }

    @Test func jsonKeepsItsValueButNotRawC1Controls() throws {
        let json = JSONOutput.encode(["text": "a\u{9B}b\u{202E}c\u{1B}"])
        let escaped = TerminalText.escapingJSON(json)
        #expect(!escaped.unicodeScalars.contains { TerminalText.needsReplacing($0) })
        let back = try JSONSerialization.jsonObject(with: Data(escaped.utf8)) as? [String: String]
        #expect(back?["text"] == "a\u{9B}b\u{202E}c\u{1B}")
    }

    @Test func theResultPrinterNeverWritesRawControls() {
        let streams = CapturedStreams()
        let printer = ResultPrinter(streams: streams)
        printer.print(CommandResult(stdout: "Anna\u{1B}[8m hidden", stderr: ["skipped \u{1B}]2;x\u{07}"], exitCode: 65, json: false))
        #expect(!streams.out.contains("\u{1B}") && !streams.err.contains("\u{1B}") && !streams.err.contains("\u{07}"))
        #expect(streams.out == "Anna\u{241B}[8m hidden\n")
    }
}
