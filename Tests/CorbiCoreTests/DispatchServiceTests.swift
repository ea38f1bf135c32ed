import Foundation
import GRDB
import Testing

@testable import CorbiCore

@Suite struct DispatchServiceTests {
    static let tooMany = ProviderError(code: "429", message: "Too many requests")

    @Test func aClaimHandsOutEverythingAProviderNeedsAndCommitsFirst() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        try w.approvedTemplate("reminder", body: "Hi {{first_name}}, see you at {{time}}")
        try w.approvedTemplate("invoice", channel: "telegram", body: "For {{2}}: invoice {{1}}")
        let named = try w.draft(DraftRequest(contact: "anna", template: "reminder", arguments: ["time=10:00"], mediaUrl: "https://cdn.example/x.jpg"))
        let positional = try w.draft(DraftRequest(contact: "anna", template: "invoice", arguments: ["1=A-17", "2=99 €"]))
        let email = try w.freeText("See you", channel: "email")
        let later = try w.draft(DraftRequest(contact: "anna", text: "Later", channel: "telegram", at: "+1h"))

        let batch = try w.claim("d1", lifetime: 300)
        #expect(batch.jobs.map(\.messageId) == [named, positional, email])
        #expect(batch.refused.isEmpty && batch.interrupted.isEmpty && batch.waiting.isEmpty && batch.throttled == 0)
        let job = batch.jobs[0]
        #expect(job.channel == .whatsapp && job.recipient == "+491512345678")
        #expect(job.organizationDomain == "bright.example" && job.organizationName == "Bright Smile")
        #expect(job.contactName == "Anna Schmidt" && job.contactId == w.anna.id)
        #expect(job.body == "Hi Anna, see you at 10:00")
        #expect(job.mediaUrl == "https://cdn.example/x.jpg")
        #expect(job.template == TemplateReference(
            name: "reminder", language: "en", isPositional: false,
            parameters: [TemplateArgument(name: "first_name", value: "Anna"), TemplateArgument(name: "time", value: "10:00")]))
        #expect(job.credentials.accessToken == "EAAG-secret-access-token-0001")
        #expect(job.credentials.phoneNumberId == "1234567890")
        #expect(job.attempt == 1 && job.owner == "d1")
        #expect(job.claimExpiresAt == MessagingTestWorkspace.start.addingTimeInterval(300))
        #expect(job.unsubscribeToken == nil)
        #expect(batch.jobs[1].template?.parameters == [TemplateArgument(name: nil, value: "A-17"), TemplateArgument(name: nil, value: "99 €")])
        #expect(batch.jobs[1].recipient == "4242")
        #expect(batch.jobs[2].subject == "Hello" && batch.jobs[2].template == nil)
        #expect(batch.jobs[2].unsubscribeToken == "tokend1x1")
        #expect(batch.jobs[2].credentials.fromAddress?.address == "hello@bright.example")

        // Committed: another dispatcher sees the claims, the open attempts and the token.
        let other = try w.openAgain()
        let claimed = try other.outboxMessage(w.admin, id: named).message
        #expect(claimed.status == .pending && claimed.claimOwner == "d1")
        #expect(claimed.firstAttemptAt == MessagingTestWorkspace.start && claimed.lastAttemptAt == MessagingTestWorkspace.start)
        #expect(try other.outboxDetail(w.admin, id: named).attempts.map(\.outcome) == [nil])
        #expect(try w.claim("d2", on: other).jobs.isEmpty)
        #expect(try w.count("SELECT count(*) FROM unsubscribeToken WHERE messageId = ? AND identifier = 'anna@example.com'", [email]) == 1)
        #expect(try w.message(later).claimOwner == nil)
        // Claims are not audited: their attempts are, once they end.
        #expect(try w.events("outbox").isEmpty)
    }

    @Test func anAcceptedSendIsSentWithTheProvidersIdAndAudited() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        let id = try w.freeText("Hello", channel: "whatsapp")
        let job = try #require(try w.claim().jobs.first)
        w.clock.advance(2)
        let recorded = try w.db.recordSendOutcome(job, .accepted(providerMessageId: "wamid.HBgL1", providerStatus: "accepted"), maxAttempts: 5)
        let m = recorded.message
        #expect(m.status == .sent && m.sentAt == w.clock.now)
        #expect(m.providerMessageId == "wamid.HBgL1" && m.providerStatus == "accepted")
        #expect(m.claimOwner == nil && m.claimExpiresAt == nil && m.error == nil)
        #expect(recorded.attempt.outcome == .sent && recorded.attempt.finishedAt == w.clock.now)
        #expect(recorded.attempt.providerMessageId == "wamid.HBgL1")
        #expect(try w.db.contact(w.admin, ref: "anna").lastOutboundAt == w.clock.now)
        let event = try #require(try w.events("outbox.attempt").last)
        #expect(event.actor == "dispatcher" && event.outcome == "ok" && event.target == "outbound:\(id)")
        #expect(event.traceId == m.traceId)
        #expect(event.detailsValue == [
            "attempt": 1, "owner": "d1", "channel": "whatsapp", "outcome": "sent", "providerMessageId": "wamid.HBgL1", "status": "sent",
        ])
        #expect(!event.details.contains("EAAG"))
        // Recording twice is refused: the claim is gone.
        #expect(messagingError { _ = try w.db.recordSendOutcome(job, .accepted(providerMessageId: "wamid.HBgL1"), maxAttempts: 5) }?.exitCode == 65)
        #expect(try w.claim().jobs.isEmpty)
    }

    @Test func temporaryFailuresRetryAfterTheDelayUntilTheAttemptsAreUsedUp() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        let id = try w.freeText()
        var job = try #require(try w.claim().jobs.first)
        var m = try w.db.recordSendOutcome(job, .temporary(Self.tooMany, retryAfter: 30), maxAttempts: 3).message
        #expect(m.status == .retrying && m.retryCount == 1 && m.error == "429: Too many requests")
        #expect(m.nextAttemptAt == MessagingTestWorkspace.start.addingTimeInterval(30))
        #expect(m.claimOwner == nil)

        w.clock.advance(29)
        #expect(try w.claim().jobs.isEmpty)
        w.clock.advance(1)
        job = try #require(try w.claim().jobs.first)
        #expect(job.attempt == 2 && job.messageId == id)
        m = try w.db.recordSendOutcome(job, .temporary(ProviderError(code: "500", message: "Internal\u{1B}[31m error\n"), retryAfter: 60), maxAttempts: 3).message
        #expect(m.status == .retrying && m.retryCount == 2)
        #expect(m.error == "500: Internal [31m error")

        w.clock.advance(60)
        job = try #require(try w.claim().jobs.first)
        m = try w.db.recordSendOutcome(job, .temporary(Self.tooMany, retryAfter: 30), maxAttempts: 3).message
        #expect(m.status == .failed && m.retryCount == 3 && m.failedAt == w.clock.now && m.nextAttemptAt == nil)
        #expect(m.error == "Gave up after 3 temporary failures; the last: 429: Too many requests")
        #expect(try w.attempts(id).map(\.outcome) == [.temporary, .temporary, .temporary])
        #expect(try w.attempts(id).map(\.code) == ["429", "500", "429"])
        w.clock.advance(3600)
        #expect(try w.claim().jobs.isEmpty)
    }

    @Test func absurdDelaysAreBounded() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        _ = try w.freeText()
        var job = try #require(try w.claim().jobs.first)
        var m = try w.db.recordSendOutcome(job, .temporary(Self.tooMany, retryAfter: .infinity), maxAttempts: 5).message
        #expect(m.nextAttemptAt == w.clock.now.addingTimeInterval(7 * 24 * 3600))
        #expect(try w.events("outbox.attempt").last?.detailsValue["retryAfter"] == .int(7 * 24 * 3600))
        w.clock.advance(7 * 24 * 3600)
        job = try #require(try w.claim().jobs.first)
        m = try w.db.recordSendOutcome(job, .temporary(Self.tooMany, retryAfter: -5), maxAttempts: 5).message
        #expect(m.nextAttemptAt == w.clock.now)
    }

    @Test func aPermanentFailureFailsWithTheProvidersCodeAndMessage() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        let id = try w.freeText()
        let job = try #require(try w.claim().jobs.first)
        let m = try w.db.recordSendOutcome(job, .permanent(ProviderError(code: "403", message: "Forbidden: bot was blocked by the user")), maxAttempts: 5).message
        #expect(m.status == .failed && m.failedAt == w.clock.now)
        #expect(m.error == "403: Forbidden: bot was blocked by the user")
        #expect(try w.attempts(id).map(\.outcome) == [.permanent])
        #expect(try w.events("outbox.attempt").last?.detailsValue == [
            "attempt": 1, "owner": "d1", "channel": "telegram", "outcome": "permanent", "code": "403", "status": "failed",
        ])
    }

    @Test func everySendTimeCheckFailsTheMessageWithItsRuleAndNeverSendsIt() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        try w.approvedTemplate("reminder", body: "Hi {{first_name}}")
        try w.contact("Bob Stone", telegram: "100")
        try w.contact("Carl Berg", telegram: "200")
        try w.contact("Dora Lang", phone: "0151 3333333")
        try w.contact("Emil Roth", phone: "0151 4444444")
        let blocked = try w.draft(DraftRequest(contact: "bob", text: "Hi", channel: "telegram"))
        let noIdentifier = try w.draft(DraftRequest(contact: "carl", text: "Hi", channel: "telegram"))
        let unapproved = try w.draft(DraftRequest(contact: "dora", template: "reminder"))
        _ = try w.db.recordInbound(w.staff, channel: "whatsapp", identifier: "0151 4444444", payload: ["text": "hi"])
        let window = try w.draft(DraftRequest(contact: "emil", text: "Thanks!", channel: "whatsapp"))

        _ = try w.db.updateContact(w.admin, ref: "bob", ContactInput(status: "blocked"))
        _ = try w.db.updateContact(w.admin, ref: "carl", ContactInput(telegram: ""))
        _ = try w.db.unapproveTemplate(w.admin, TemplateSelector(name: "reminder"))
        w.clock.advance(24 * 3600 + 1)

        let batch = try w.claim()
        #expect(batch.jobs.isEmpty)
        let rules = Dictionary(uniqueKeysWithValues: batch.refused.map { ($0.messageId, $0.rule) })
        #expect(rules == [blocked: "contactInactive", noIdentifier: "noIdentifier", unapproved: "templateNotApproved", window: "windowClosed"])
        for (id, rule) in rules {
            let m = try w.message(id)
            #expect(m.status == .failed && m.failedAt == w.clock.now)
            #expect(m.error?.hasPrefix(rule + ": ") == true, "\(m.error ?? "")")
            #expect(try w.attempts(id).isEmpty)
        }
        #expect(try w.message(blocked).error == "contactInactive: Bob Stone (#2) is blocked: messages go only to active contacts.")
        let refusals = try w.events("outbox.send")
        #expect(refusals.count == 4 && refusals.allSatisfy { $0.outcome == "refused" && $0.actor == "dispatcher" })
        #expect(try w.claim().refused.isEmpty)
    }

    @Test func aTemplateChangedSinceTheDraftIsNotSentWithMissingValues() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        try w.approvedTemplate("reminder", body: "Hi {{first_name}}")
        let id = try w.draft(DraftRequest(contact: "anna", template: "reminder"))
        _ = try w.db.updateTemplate(w.staff, TemplateSelector(name: "reminder"), body: "Hi {{first_name}}, at {{time}}", subject: nil)
        _ = try w.db.approveTemplate(w.admin, TemplateSelector(name: "reminder"))
        let batch = try w.claim()
        #expect(batch.refused.map(\.rule) == ["templateChanged"])
        #expect(try w.message(id).error == "templateChanged: The template reminder (whatsapp, en) changed since the message was drafted: no value for time.")
    }

    @Test func aSuppressionAddedWhileAMessageIsInFlightStopsItsRetry() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        let id = try w.freeText()
        let job = try #require(try w.claim().jobs.first)
        // The dispatcher holds it: the suppression does not cancel it under its feet...
        #expect(try w.db.addSuppression(w.staff, channel: "telegram", identifier: "4242").cancelledMessages == 0)
        _ = try w.db.recordSendOutcome(job, .temporary(Self.tooMany, retryAfter: 10), maxAttempts: 5)
        w.clock.advance(10)
        // ...but its next attempt is stopped by the send-time check.
        let batch = try w.claim()
        #expect(batch.jobs.isEmpty && batch.refused.map(\.rule) == ["suppressed"])
        #expect(try w.message(id).error == "suppressed: 4242 is suppressed on telegram.")
    }

    @Test func aChannelWithoutAnAccountWaitsWithANoteUntilOneIsSet() throws {
        let w = try MessagingTestWorkspace()
        let id = try w.freeText()
        let first = try w.claim()
        #expect(first.jobs.isEmpty && first.refused.isEmpty)
        #expect(first.waiting == [WaitingChannel(
            organizationId: w.admin.organizationId, organizationDomain: "bright.example", channel: .telegram, messages: 1,
            reason: "no telegram account is set; an admin sets one up.")])
        var m = try w.message(id)
        #expect(m.status == .pending && m.error == "waiting: no telegram account is set; an admin sets one up.")
        #expect(try w.count("SELECT count(*) FROM outboundAttempt") == 0)

        _ = try w.db.setProviderAccount(w.admin, channel: "telegram", values: ["bot_token": "1:abc", "secret_token": "s"])
        let job = try #require(try w.claim().jobs.first)
        #expect(job.credentials.botToken == "1:abc")
        m = try w.message(id)
        #expect(m.error == nil && m.claimOwner == "d1")
    }

    @Test func theRatePerMinuteLeavesMessagesDueForLater() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        let ids = try (0..<3).map { try w.freeText("Message \($0)") }
        let email = try w.freeText("Mail", channel: "email")
        _ = try w.db.setChannelRate(w.admin, channel: "telegram", perMinute: 2)

        let batch = try w.claim()
        #expect(batch.jobs.map(\.messageId) == [ids[0], ids[1], email])
        #expect(batch.throttled == 1)
        for job in batch.jobs { _ = try w.db.recordSendOutcome(job, .accepted(providerMessageId: "p\(job.messageId)"), maxAttempts: 5) }
        #expect(try w.message(ids[2]).status == .pending)
        w.clock.advance(59)
        #expect(try w.claim().throttled == 1)
        w.clock.advance(2)
        #expect(try w.claim().jobs.map(\.messageId) == [ids[2]])
    }

    @Test func aDispatcherKilledAfterTheClaimLeavesAFailedMessageThatOnlyARetrySendsAgain() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        let id = try w.freeText()
        let provider = FakeProvider()
        // kill -9 after the claim's commit, before the provider is called: the job is lost.
        let lost = try #require(try w.claim("d1", lifetime: 60).jobs.first)

        let other = try w.openAgain()
        w.clock.advance(30)
        #expect(try w.claim("d2", on: other).jobs.isEmpty)
        w.clock.advance(31)
        let batch = try w.claim("d2", on: other)
        #expect(batch.jobs.isEmpty)
        #expect(batch.interrupted.map(\.messageId) == [id])
        let m = try w.message(id)
        #expect(m.status == .failed && m.failedAt == w.clock.now && m.claimOwner == nil)
        #expect(m.error?.contains("may or may not have the message") == true)
        #expect(m.error?.contains("`outbox retry` sends it again") == true)
        #expect(try w.attempts(id).map(\.outcome) == [.interrupted])
        let event = try #require(try w.events("outbox.attempt").last)
        #expect(event.detailsValue == [
            "attempt": 1, "owner": "d1", "outcome": "interrupted", "channel": "telegram", "status": "failed", "settledBy": "d2",
        ])
        #expect(provider.count(id) == 0)

        // The old owner coming back is refused, and the refusal is audited.
        #expect(messagingError { _ = try w.db.recordSendOutcome(lost, .accepted(providerMessageId: "late"), maxAttempts: 5) }?.exitCode == 65)
        #expect(try w.events("outbox.attempt").last?.outcome == "refused")
        #expect(try w.message(id).status == .failed)
        w.clock.advance(3600)
        #expect(try w.claim("d2", on: other).jobs.isEmpty)

        // Staff decide to send it again.
        _ = try w.db.retryMessage(w.staff, id: id)
        let again = try #require(try w.claim("d2", on: other).jobs.first)
        #expect(again.attempt == 2)
        provider.send(again)
        _ = try other.recordSendOutcome(again, .accepted(providerMessageId: "1"), maxAttempts: 5)
        #expect(provider.count(id) == 1)
        #expect(try w.attempts(id).map(\.outcome) == [.interrupted, .sent])
    }

    @Test func aDispatcherKilledAfterTheProviderAcceptedNeverSendsTwice() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        let id = try w.freeText()
        let provider = FakeProvider()
        let job = try #require(try w.claim("d1", lifetime: 60).jobs.first)
        provider.send(job)
        // kill -9 here: accepted by the provider, not committed.
        w.clock.advance(61)
        let batch = try w.claim("d2")
        #expect(batch.interrupted.map(\.messageId) == [id] && batch.jobs.isEmpty)
        for _ in 0..<3 {
            w.clock.advance(3600)
            for job in try w.claim("d2").jobs { provider.send(job) }
        }
        #expect(provider.count(id) == 1)
        #expect(try w.message(id).status == .failed)
    }

    @Test func anOwnerPastItsClaimMayStillRecordWhileNobodySettledIt() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        _ = try w.freeText()
        let job = try #require(try w.claim("d1", lifetime: 10).jobs.first)
        w.clock.advance(20)
        #expect(try w.db.recordSendOutcome(job, .accepted(providerMessageId: "1:2"), maxAttempts: 5).message.status == .sent)
        var stale = job
        stale.owner = "d9"
        #expect(messagingError { _ = try w.db.recordSendOutcome(stale, .accepted(providerMessageId: "1:2"), maxAttempts: 5) }?.exitCode == 65)
    }

    @Test func aStatusThatArrivedBeforeTheSendCommittedIsAppliedThen() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        let id = try w.freeText("Hi", channel: "whatsapp")
        let job = try #require(try w.claim().jobs.first)
        let webhook = Actor.service("webhook:whatsapp", organization: w.admin.organization)
        let ingest = try w.db.ingestInbound(
            webhook, channel: .whatsapp, events: [.status(DeliveryStatusEvent(providerMessageId: "wamid.A", status: .delivered, providerStatus: "delivered"))])
        #expect(ingest.statuses == [.kept])
        w.clock.advance(1)
        let recorded = try w.db.recordSendOutcome(job, .accepted(providerMessageId: "wamid.A"), maxAttempts: 5)
        #expect(recorded.earlyStatuses == [.applied(messageId: id, status: .delivered)])
        #expect(recorded.message.status == .delivered && recorded.message.deliveredAt == MessagingTestWorkspace.start)
        #expect(recorded.message.providerStatus == "delivered")
        #expect(try w.count("SELECT count(*) FROM earlyDeliveryStatus") == 0)
    }

    @Test func outboxRetryCancelAndShow() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        let a = try w.freeText("A")
        let b = try w.freeText("B")
        #expect(messagingError { _ = try w.db.retryMessage(w.staff, id: a) }?.description == "Message #\(a) is pending: only failed messages can be retried.")
        var jobs = try w.claim().jobs
        #expect(messagingError { _ = try w.db.cancelMessage(w.staff, id: a) }?.description == "Message #\(a) is being sent right now: it can no longer be cancelled.")
        _ = try w.db.recordSendOutcome(jobs[0], .permanent(ProviderError(code: "400", message: "chat not found")), maxAttempts: 5)
        _ = try w.db.recordSendOutcome(jobs[1], .temporary(Self.tooMany, retryAfter: 60), maxAttempts: 5)

        #expect(messagingError { _ = try w.db.retryMessage(w.viewer, id: a) }?.exitCode == 77)
        let retried = try w.db.retryMessage(w.staff, id: a).message
        #expect(retried.status == .pending && retried.retryCount == 0 && retried.error == nil && retried.failedAt == nil)
        #expect(try w.events("outbox.retry").last?.detailsValue["previousError"] == "400: chat not found")
        #expect(try w.db.outbox(w.viewer, status: "retrying").map(\.message.id) == [b])
        let cancelled = try w.db.cancelMessage(w.staff, id: b).message
        #expect(cancelled.status == .cancelled && cancelled.cancelledAt == w.clock.now)
        #expect(try w.db.outbox(w.viewer, status: "cancelled").map(\.message.id) == [b])
        #expect(messagingError { _ = try w.db.retryMessage(w.staff, id: b) }?.exitCode == 65)

        w.clock.advance(5)
        jobs = try w.claim().jobs
        #expect(jobs.map(\.messageId) == [a])
        _ = try w.db.recordSendOutcome(jobs[0], .accepted(providerMessageId: "4242:7"), maxAttempts: 5)
        let detail = try w.db.outboxDetail(w.viewer, id: a)
        #expect(detail.entry.message.status == .sent && detail.entry.contactName == "Anna Schmidt")
        #expect(detail.attempts.map(\.attempt) == [1, 2])
        #expect(detail.attempts.map(\.outcome) == [.permanent, .sent])
        #expect(detail.attempts.map(\.error) == ["400: chat not found", nil])
        #expect(detail.attempts.map(\.providerMessageId) == [nil, "4242:7"])
        #expect(detail.attempts.map(\.startedAt) == [MessagingTestWorkspace.start, MessagingTestWorkspace.start.addingTimeInterval(5)])
        #expect(messagingError { _ = try w.db.outboxDetail(w.viewer, id: 999) }?.exitCode == 66)

    }

    @Test func aMemberRunsTheDispatcherForTheirOrganizationOnly() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        let ours = try w.freeText()
        _ = try w.db.createOrganization(name: "Other", domain: "other.example", adminEmail: "admin@other.example")
        let otherAdmin = try w.db.resolveActor(user: "admin@other.example", organization: "other.example")
        _ = try w.db.setProviderAccount(otherAdmin, channel: "email", values: ["from": "o@other.example"])
        _ = try w.db.addContact(otherAdmin, ContactInput(fullName: "Zed", email: "zed@example.com"))
        let theirs = try w.db.draft(otherAdmin, DraftRequest(contact: "zed", text: "Hi", subject: "S", channel: "email")).message.id!

        #expect(messagingError { _ = try w.db.claimDueMessages(.organization(w.viewer), owner: "cli", lifetime: 60) }?.exitCode == 77)
        let batch = try w.db.claimDueMessages(.organization(w.staff), owner: "cli", lifetime: 60)
        #expect(batch.jobs.map(\.messageId) == [ours])
        #expect(batch.jobs[0].runBy == "staff@bright.example")
        _ = try w.db.recordSendOutcome(batch.jobs[0], .accepted(providerMessageId: "4242:1"), maxAttempts: 5)
        #expect(try w.events("outbox.attempt").last?.detailsValue["runBy"] == "staff@bright.example")
        #expect(try w.claim().jobs.map(\.messageId) == [theirs])
    }

    @Test func theRecipientIsTheContactsIdentifierAtSendTime() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        _ = try w.freeText()
        _ = try w.db.updateContact(w.admin, ref: "anna", ContactInput(telegram: "777"))
        #expect(try w.claim().jobs.first?.recipient == "777")
    }

    @Test func claimArgumentsAreChecked() throws {
        let w = try MessagingTestWorkspace()
        #expect(messagingError { _ = try w.db.claimDueMessages(.allOrganizations, owner: " ", lifetime: 60) }?.exitCode == 65)
        #expect(messagingError { _ = try w.db.claimDueMessages(.allOrganizations, owner: "d", lifetime: 0) }?.exitCode == 65)
        #expect(messagingError { _ = try w.db.claimDueMessages(.allOrganizations, owner: "d", lifetime: 60, limit: 0) }?.exitCode == 65)
    }

    @Test func theDueQueryWalksThePartialIndex() throws {
        let w = try MessagingTestWorkspace()
        let plan = try w.db.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT *, coalesce(nextAttemptAt, scheduledFor) AS dueAt FROM outboundMessage
                    WHERE status IN ('pending', 'retrying') AND coalesce(nextAttemptAt, scheduledFor) <= ?
                      AND (claimOwner IS NULL OR claimExpiresAt <= ?)
                      AND (coalesce(nextAttemptAt, scheduledFor), id) > (?, ?)
                    ORDER BY coalesce(nextAttemptAt, scheduledFor), id LIMIT 200
                    """, arguments: [Date(), Date(), "", 0]
            ).map { $0["detail"] as String }.joined(separator: "\n")
        }
        #expect(plan.contains("outboundMessage_due"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }
}

/// Counts what a provider was asked to send.
final class FakeProvider: @unchecked Sendable {
    private let lock = NSLock()
    private var sent: [Int64: Int] = [:]
    func send(_ job: DispatchJob) { lock.withLock { sent[job.messageId, default: 0] += 1 } }
    func count(_ id: Int64) -> Int { lock.withLock { sent[id] ?? 0 } }
    var all: [Int64: Int] { lock.withLock { sent } }
}
