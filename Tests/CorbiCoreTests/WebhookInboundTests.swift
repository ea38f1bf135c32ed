import Foundation
import GRDB
import Testing

@testable import CorbiCore

@Suite struct WebhookInboundTests {
    static func webhook(_ w: MessagingTestWorkspace, _ channel: Channel = .whatsapp) -> Actor {
        Actor.service("webhook:\(channel.rawValue)", organization: w.admin.organization)
    }

    /// A WhatsApp text message as the Cloud API's `messages[]` entry carries it.
    static func whatsapp(_ id: String, from: String = "491512345678", name: String? = "Anna", text: String) -> InboundEvent {
        .message(InboundMessageEvent(
            providerMessageId: id, sender: from, senderName: name, text: text,
            payload: ["from": .string(from), "id": .string(id), "type": "text", "text": ["body": .string(text)]]))
    }

    @Test func aWhatsAppSendersBareDigitsMatchTheContact() throws {
        let w = try MessagingTestWorkspace()
        w.clock.advance(60)
        let sentAt = MessagingTestWorkspace.start.addingTimeInterval(30)
        var event = InboundMessageEvent(providerMessageId: "wamid.in1", sender: "491512345678", senderName: "Anna S", text: "Hello?", sentAt: sentAt)
        event.payload = ["id": "wamid.in1"]
        let result = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [.message(event)])
        let ingested = try #require(result.messages.first)
        #expect(!ingested.duplicate)
        #expect(ingested.recorded?.contact?.id == w.anna.id)
        let m = ingested.message
        #expect(m.contactId == w.anna.id && m.senderIdentifier == "+491512345678" && m.senderName == "Anna S")
        #expect(m.text == "Hello?" && m.providerMessageId == "wamid.in1" && m.receivedAt == sentAt)
        #expect(try w.db.contact(w.admin, ref: "anna").lastInboundAt == sentAt)
        let event2 = try #require(try w.events("inbound.ingest").last)
        #expect(event2.actor == "webhook:whatsapp")
        #expect(event2.detailsValue["messages"] == [.int(m.id!)])
        // An older message does not move lastInboundAt back.
        _ = try w.db.ingestInbound(
            Self.webhook(w), channel: .whatsapp,
            events: [.message(InboundMessageEvent(providerMessageId: "wamid.in0", sender: "+491512345678", sentAt: MessagingTestWorkspace.start))])
        #expect(try w.db.contact(w.admin, ref: "anna").lastInboundAt == sentAt)
        // A calling code Corbi's tables do not know is kept as sent, not refused.
        let unknownCode = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [Self.whatsapp("wamid.z", from: "999123456789", text: "hi")])
        #expect(unknownCode.messages.first?.message.senderIdentifier == "+999123456789")
    }

    @Test func anUnknownSendersIdentifierAndNameAreKeptAndTheyBecomeAContact() throws {
        let w = try MessagingTestWorkspace()
        let first = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [Self.whatsapp("wamid.u1", from: "447700900123", name: "Nia\u{202E} Cole\u{1B}[2J", text: "Hi, new here")])
        w.clock.advance(60)
        _ = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [Self.whatsapp("wamid.u2", from: "447700900123", name: "Nia Cole", text: "Any slots?")])
        let message = try #require(first.messages.first?.message)
        #expect(message.contactId == nil && message.senderIdentifier == "+447700900123")
        // Stored as given...
        #expect(message.senderName == "Nia\u{202E} Cole\u{1B}[2J")
        #expect(message.senderDisplayName == "Nia Cole [2J")

        let unknown = try w.db.unknownSenderMessages(w.viewer)
        #expect(unknown.map(\.message.providerMessageId) == ["wamid.u2", "wamid.u1"])

        #expect(messagingError { _ = try w.db.addContact(w.viewer, fromInbound: message.id!) }?.exitCode == 77)
        let made = try w.db.addContact(w.staff, fromInbound: message.id!)
        // ...but a name built from it holds no control or bidi characters.
        #expect(made.contact.fullName == "Nia Cole [2J")
        #expect(made.contact.phoneWhatsapp == "+447700900123")
        #expect(made.contact.lastInboundAt == MessagingTestWorkspace.start.addingTimeInterval(60))
        #expect(made.linkedMessages == 2)
        #expect(try w.db.unknownSenderMessages(w.viewer).isEmpty)
        #expect(try w.db.inboundMessages(w.viewer, contact: "+447700900123").count == 2)
        #expect(try w.events("contacts.add").last?.detailsValue["fromInbound"] == .int(message.id!))
        // Free text may now be answered within the window.
        #expect(try w.db.draft(w.staff, DraftRequest(contact: "+447700900123", text: "Welcome!", channel: "whatsapp")).saved)

        #expect(messagingError { _ = try w.db.addContact(w.staff, fromInbound: message.id!) }?.exitCode == 65)
        #expect(messagingError { _ = try w.db.addContact(w.staff, fromInbound: 999) }?.exitCode == 66)
    }

    @Test func aContactFromAnUnknownSenderIsRefusedWhenTheIdentifierIsTakenOrNameless() throws {
        let w = try MessagingTestWorkspace()
        let result = try w.db.ingestInbound(
            Self.webhook(w, .telegram), channel: .telegram,
            events: [.message(InboundMessageEvent(providerMessageId: "99:1", sender: "99", text: "hi"))])
        let id = try #require(result.messages.first?.message.id)
        let nameless = messagingError { _ = try w.db.addContact(w.staff, fromInbound: id) }
        #expect(nameless == .invalid("Inbound message #\(id) has no sender name: give the contact a name.", hints: [.name]))
        try w.contact("Taken", telegram: "99")
        let taken = messagingError { _ = try w.db.addContact(w.staff, fromInbound: id, name: "Someone") }
        #expect(taken?.exitCode == 65)
        #expect(taken?.description.contains("already belongs to Taken (#2)") == true)
    }

    @Test func duplicatesAreStoredOnceAndReported() throws {
        let w = try MessagingTestWorkspace()
        let event = Self.whatsapp("wamid.dup", text: "Hello")
        _ = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [event])
        let again = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [event, event])
        #expect(again.messages.map(\.duplicate) == [true, true])
        #expect(try w.count("SELECT count(*) FROM inboundMessage") == 1)
        // The same id on another channel, or in another organization, is another message.
        _ = try w.db.ingestInbound(Self.webhook(w, .instagram), channel: .instagram, events: [
            .message(InboundMessageEvent(providerMessageId: "wamid.dup", sender: "ig-anna", text: "Hello")),
        ])
        #expect(try w.count("SELECT count(*) FROM inboundMessage") == 2)
        // Within one request, the second copy is the duplicate.
        let twice = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [Self.whatsapp("wamid.x", text: "a"), Self.whatsapp("wamid.x", text: "a")])
        #expect(twice.messages.map(\.duplicate) == [false, true])
    }

    @Test func aTelegramUpdateIsHandledOnce() throws {
        let w = try MessagingTestWorkspace()
        let events: [InboundEvent] = [.message(InboundMessageEvent(providerMessageId: "4242:10", sender: "4242", senderName: "Anna", text: "STOP"))]
        let first = try w.db.ingestInbound(Self.webhook(w, .telegram), channel: .telegram, events: events, updateId: "900001")
        #expect(!first.duplicateUpdate && first.messages.count == 1)
        let second = try w.db.ingestInbound(Self.webhook(w, .telegram), channel: .telegram, events: events, updateId: "900001")
        #expect(second.duplicateUpdate && second.messages.isEmpty)
        #expect(try w.count("SELECT count(*) FROM inboundMessage") == 1)
        #expect(try w.count("SELECT count(*) FROM webhookReceipt") == 1)
        #expect(try w.events("suppressions.optOut").count == 1)
    }

    @Test func oneBadEventStoresNothingOfTheRequest() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        let pending = try w.freeText("Reminder", channel: "whatsapp")
        let deep = (0..<100).reduce(JSONValue.string("x")) { inner, _ in .array([inner]) }
        let bad: [[InboundEvent]] = [
            [Self.whatsapp("wamid.ok", text: "STOP"), Self.whatsapp("wamid.bad", from: "not-a-number", text: "hi")],
            [Self.whatsapp("wamid.ok", text: "STOP"), .message(InboundMessageEvent(providerMessageId: "wamid.deep", sender: "4912345678", payload: deep))],
            [Self.whatsapp("wamid.ok", text: "STOP"), .unrecognized(.double(.nan))],
        ]
        let before = try w.count("SELECT count(*) FROM auditEvent")
        for events in bad {
            let error = messagingError { _ = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: events, updateId: "7") }
            #expect(error?.exitCode == 65)
            #expect(error?.description.hasPrefix("Event 2 of 2: ") == true, "\(error?.description ?? "")")
        }
        #expect(try w.count("SELECT count(*) FROM inboundMessage") == 1)  // the one freeText recorded
        #expect(try w.count("SELECT count(*) FROM suppression") == 0)
        #expect(try w.count("SELECT count(*) FROM webhookReceipt") == 0)
        #expect(try w.message(pending).status == .pending)
        // Each refusal is audited, nothing else.
        #expect(try w.count("SELECT count(*) FROM auditEvent") == before + 3)
        #expect(try w.events("inbound.ingest").allSatisfy { $0.outcome == "refused" })
    }

    @Test func partsCorbiDoesNotUnderstandAreStoredRaw() throws {
        let w = try MessagingTestWorkspace()
        let raw: JSONValue = ["field": "reaction", "value": ["emoji": "👍"]]
        let result = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [.unrecognized(raw)])
        #expect(result.unrecognized.count == 1)
        #expect(result.unrecognized[0].payloadValue == raw)
        #expect(try w.db.unknownSenderMessages(w.admin).isEmpty)
    }

    @Test func stopSuppressesCancelsWhatWaitsAndRefusesTheNextDraft() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        try w.approvedTemplate("reminder", body: "Hi {{first_name}}")
        let pending = try w.draft(DraftRequest(contact: "anna", template: "reminder", at: "+1h"))
        let retrying = try w.draft(DraftRequest(contact: "anna", template: "reminder"))
        let email = try w.freeText("Mail", channel: "email")
        let job = try #require(try w.claim().jobs.first { $0.messageId == retrying })
        _ = try w.db.recordSendOutcome(job, .temporary(DispatchServiceTests.tooMany, retryAfter: 60), maxAttempts: 5)

        let result = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [Self.whatsapp("wamid.stop", text: "  stop! ")])
        let recorded = try #require(result.messages.first?.recorded)
        #expect(recorded.message.intent == .optOut)
        #expect(recorded.keyword == KeywordApplied(word: "STOP", intent: .optOut, changed: true, cancelledMessages: 2))
        let suppression = try #require(try w.db.suppressions(w.viewer, channel: "whatsapp").first)
        #expect(suppression.identifier == "+491512345678" && suppression.reason == "opt-out: STOP")
        for id in [pending, retrying] {
            let m = try w.message(id)
            #expect(m.status == .cancelled && m.error == "opt-out" && m.cancelledAt == w.clock.now)
        }
        // Another channel is another consent.
        #expect(try w.message(email).status != .cancelled)
        let event = try #require(try w.events("suppressions.optOut").last)
        #expect(event.actor == "webhook:whatsapp" && event.target == "suppression:whatsapp:+491512345678")
        #expect(event.detailsValue["cancelledMessages"] == 2)

        let draft = messagingError { _ = try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "reminder")) }
        #expect(draft == .invalid("+491512345678 is suppressed on whatsapp (opt-out: STOP): no message goes to a suppressed identifier."))
        // STOP again: no second suppression, no error.
        let again = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [Self.whatsapp("wamid.stop2", text: "STOPP")])
        #expect(again.messages.first?.recorded?.keyword?.changed == false)
        #expect(try w.count("SELECT count(*) FROM suppression") == 1)
    }

    @Test func startLiftsAnOptOutButNotASuppressionStaffAdded() throws {
        let w = try MessagingTestWorkspace()
        try w.approvedTemplate("reminder", body: "Hi {{first_name}}")
        _ = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [Self.whatsapp("wamid.1", text: "Abmelden")])
        let start = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [Self.whatsapp("wamid.2", text: "start")])
        #expect(start.messages.first?.recorded?.keyword == KeywordApplied(word: "START", intent: .optIn, changed: true, cancelledMessages: 0))
        #expect(start.messages.first?.message.intent == .optIn)
        #expect(try w.db.suppressions(w.viewer).isEmpty)
        #expect(try w.db.draft(w.staff, DraftRequest(contact: "anna", template: "reminder")).saved)
        #expect(try w.events("suppressions.optIn").last?.detailsValue["lifted"] == true)

        _ = try w.db.addSuppression(w.staff, channel: "telegram", identifier: "4242", reason: "complained")
        let unstop = try w.db.ingestInbound(Self.webhook(w, .telegram), channel: .telegram, events: [
            .message(InboundMessageEvent(providerMessageId: "4242:5", sender: "4242", text: "UNSTOP")),
        ])
        #expect(unstop.messages.first?.recorded?.keyword?.changed == false)
        #expect(try w.db.suppressions(w.viewer).map(\.reason) == ["complained"])
    }

    @Test func messagesThatMerelyMentionStopAreMessages() throws {
        let w = try MessagingTestWorkspace()
        let result = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [Self.whatsapp("wamid.1", text: "Can I stop by at 5?")])
        #expect(result.messages.first?.message.intent == nil)
        #expect(try w.db.suppressions(w.viewer).isEmpty)
    }

    @Test func emailUnsubscribeRepliesAndOneClickLinksSuppressTheAddress() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        let first = try w.freeText("Newsletter", channel: "email")
        let token = try #require(try w.claim().jobs.first?.unsubscribeToken)
        let waiting = try w.freeText("Second", channel: "email")

        // One click: suppressed, what waits is cancelled; a second click changes nothing.
        let clicked = try w.db.unsubscribe(token: token)
        #expect(clicked.identifier == "anna@example.com" && clicked.channel == .email && clicked.added)
        #expect(clicked.cancelledMessages == 1)
        #expect(try w.message(waiting).status == .cancelled)
        #expect(try w.db.suppressions(w.viewer).map(\.reason) == ["opt-out: unsubscribe link"])
        #expect(try w.unsubscribeUsed(token))
        let again = try w.db.unsubscribe(token: token)
        #expect(!again.added && again.cancelledMessages == 0)
        #expect(try w.events("suppressions.unsubscribe").map(\.actor) == ["unsubscribe", "unsubscribe"])
        #expect(messagingError { _ = try w.db.unsubscribe(token: "nope") }?.exitCode == 66)
        #expect(messagingError { _ = try w.db.unsubscribe(token: "../../x") }?.exitCode == 66)
        _ = first

        // A List-Unsubscribe mailto reply: the subject says it.
        try w.contact("Bea Kurz", email: "bea@example.com")
        let reply = try w.db.ingestInbound(Self.webhook(w, .email), channel: .email, events: [
            .message(InboundMessageEvent(providerMessageId: "<r1@mail.example>", sender: "Bea@Example.com", text: "", subject: "unsubscribe")),
        ])
        #expect(reply.messages.first?.message.intent == .optOut)
        #expect(try w.db.suppressions(w.viewer, channel: "email").map(\.identifier).sorted() == ["anna@example.com", "bea@example.com"])
        // A subject that merely mentions it is not one.
        _ = try w.db.ingestInbound(Self.webhook(w, .email), channel: .email, events: [
            .message(InboundMessageEvent(providerMessageId: "<r2@mail.example>", sender: "carl@example.com", text: "Hello", subject: "Re: how do I unsubscribe?")),
        ])
        #expect(try w.count("SELECT count(*) FROM suppression") == 2)
    }

    @Test func enrichmentThatMeetsAnotherContactsIdentifierIsAConflict() throws {
        let w = try MessagingTestWorkspace()
        try w.contact("Bob Stone", phone: "0151 999999", email: "bob@example.com")
        try w.contact("Cleo Neu", telegram: "555")
        let recorded = try w.db.recordInbound(
            w.staff, channel: "telegram", identifier: "555", payload: ["text": "hi", "email": "bob@example.com", "phone": "0151 8888888"])
        #expect(recorded.enriched == ["whatsapp": "+491518888888"])
        #expect(recorded.conflicts.count == 1)
        let conflict = try #require(recorded.conflicts.first)
        #expect(conflict.channel == .email && conflict.value == "bob@example.com")
        #expect(conflict.ownerContactId == 2 && conflict.attemptedContactId == 3)
        #expect(try w.db.identityConflicts(w.viewer).count == 1)
        // The same message again does not pile up conflicts.
        _ = try w.db.recordInbound(w.staff, channel: "telegram", identifier: "555", payload: ["email": "bob@example.com"])
        #expect(try w.db.identityConflicts(w.viewer).count == 1)
        #expect(try w.events("inbound.record").last?.detailsValue["sender"] == "555")
    }

    @Test func recordedByHandAStopIsAnOptOutToo() throws {
        let w = try MessagingTestWorkspace()
        let recorded = try w.db.recordInbound(w.staff, channel: "whatsapp", identifier: "0151 2345678", payload: ["text": "Stop."])
        #expect(recorded.message.intent == .optOut && recorded.message.senderIdentifier == "+491512345678")
        #expect(recorded.keyword?.word == "STOP")
        #expect(try w.db.suppressions(w.viewer).map(\.reason) == ["opt-out: STOP"])
        let unknown = try w.db.recordInbound(w.staff, channel: "email", identifier: "Stranger@Example.com", payload: ["text": "hi"])
        #expect(unknown.contact == nil && unknown.message.senderIdentifier == "stranger@example.com")
        #expect(try w.db.unknownSenderMessages(w.viewer).count == 1)
        let deep = (0..<80).reduce(JSONValue.int(1)) { inner, _ in .object(["a": inner]) }
        #expect(messagingError { _ = try w.db.recordInbound(w.staff, channel: "email", identifier: "x@example.com", payload: deep) }?.exitCode == 65)
    }

    @Test func viewersCannotIngest() throws {
        let w = try MessagingTestWorkspace()
        #expect(messagingError { _ = try w.db.ingestInbound(w.viewer, channel: .whatsapp, events: [Self.whatsapp("w", text: "hi")]) }?.exitCode == 77)
        #expect(try w.db.ingestInbound(w.staff, channel: .whatsapp, events: [Self.whatsapp("w", text: "hi")]).messages.count == 1)
    }
}

extension MessagingTestWorkspace {
    func unsubscribeUsed(_ token: String) throws -> Bool {
        try db.writer.read { try Bool.fetchOne($0, sql: "SELECT usedAt IS NOT NULL FROM unsubscribeToken WHERE token = ?", arguments: [token]) ?? false }
    }
}
