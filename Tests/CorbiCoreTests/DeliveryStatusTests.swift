import Foundation
import GRDB
import Testing

@testable import CorbiCore

@Suite struct DeliveryStatusTests {
    /// A workspace with one WhatsApp message sent as `wamid.1`.
    static func sent() throws -> (MessagingTestWorkspace, Int64) {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        let id = try w.freeText("Hi", channel: "whatsapp")
        let job = try #require(try w.claim().jobs.first)
        _ = try w.db.recordSendOutcome(job, .accepted(providerMessageId: "wamid.1"), maxAttempts: 5)
        return (w, id)
    }

    static func webhook(_ w: MessagingTestWorkspace) -> Actor {
        Actor.service("webhook:whatsapp", organization: w.admin.organization)
    }

    static func status(_ s: DeliveryStatus, _ id: String = "wamid.1", code: String? = nil, message: String? = nil) -> InboundEvent {
        .status(DeliveryStatusEvent(providerMessageId: id, status: s, errorCode: code, errorMessage: message))
    }

    static func rank(_ s: MessageStatus) -> Int {
        switch s {
        case .sent: 1
        case .delivered: 2
        case .read: 3
        case .failed: 4
        default: 0
        }
    }

    @Test(arguments: permutations([DeliveryStatus.sent, .delivered, .read, .failed]))
    func statusesOnlyMoveForwardInEveryOrder(_ order: [DeliveryStatus]) throws {
        let (w, id) = try Self.sent()
        var previous = MessageStatus.sent
        for status in order {
            w.clock.advance(1)
            let result = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [Self.status(status)])
            let now = try w.message(id).status
            // Never backwards; failed only straight after sent; read and delivered never after failed.
            if previous == .failed { #expect(now == .failed) }
            if now != previous {
                #expect(result.statuses == [.applied(messageId: id, status: now)])
                #expect(now == .failed ? previous == .sent : Self.rank(now) > Self.rank(previous), "\(previous) -> \(now)")
            } else {
                #expect(result.statuses == [.unchanged(messageId: id, status: now)])
            }
            previous = now
        }
        let expected: MessageStatus = {
            var s = MessageStatus.sent
            for status in order {
                switch (s, status) {
                case (.sent, .failed): s = .failed
                case (.sent, .delivered): s = .delivered
                case (.sent, .read), (.delivered, .read): s = .read
                default: break
                }
            }
            return s
        }()
        #expect(previous == expected)
    }

    @Test func timesProviderStatusAndErrorsAreStored() throws {
        let (w, id) = try Self.sent()
        let at = MessagingTestWorkspace.start.addingTimeInterval(5)
        w.clock.advance(10)
        _ = try w.db.ingestInbound(
            Self.webhook(w), channel: .whatsapp,
            events: [.status(DeliveryStatusEvent(providerMessageId: "wamid.1", status: .read, providerStatus: "read", at: at))])
        var m = try w.message(id)
        #expect(m.status == .read && m.readAt == at && m.deliveredAt == at && m.providerStatus == "read")
        // A late delivered changes nothing and is no error.
        _ = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [Self.status(.delivered)])
        m = try w.message(id)
        #expect(m.status == .read && m.deliveredAt == at)

        let (v, other) = try Self.sent()
        _ = try v.db.ingestInbound(
            Self.webhook(v), channel: .whatsapp, events: [Self.status(.failed, code: "131026", message: "Message undeliverable\u{07}")])
        m = try v.message(other)
        #expect(m.status == .failed && m.failedAt == v.clock.now)
        #expect(m.error == "131026: Message undeliverable")
        #expect(m.providerStatus == "failed")
    }

    @Test func aStatusBeforeItsSendIsKeptAndAppliedInOrderWhenTheSendCommits() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        let id = try w.freeText("Hi", channel: "whatsapp")
        let job = try #require(try w.claim().jobs.first)
        let result = try w.db.ingestInbound(
            Self.webhook(w), channel: .whatsapp, events: [Self.status(.read, "wamid.early"), Self.status(.delivered, "wamid.early")])
        #expect(result.statuses == [.kept, .kept])
        #expect(try w.count("SELECT count(*) FROM earlyDeliveryStatus") == 2)
        let recorded = try w.db.recordSendOutcome(job, .accepted(providerMessageId: "wamid.early"), maxAttempts: 5)
        #expect(recorded.message.status == .read)
        #expect(recorded.earlyStatuses.count == 2)
        #expect(try w.count("SELECT count(*) FROM earlyDeliveryStatus") == 0)
        _ = id
    }

    @Test func earlyStatusesAreScopedAndForgottenAfterTheHorizon() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        _ = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [Self.status(.delivered, "wamid.never")])
        // Another channel's status with the same id stays apart.
        let telegram = Actor.service("webhook:telegram", organization: w.admin.organization)
        _ = try w.db.ingestInbound(telegram, channel: .telegram, events: [Self.status(.delivered, "wamid.never")])
        #expect(try w.count("SELECT count(*) FROM earlyDeliveryStatus") == 2)
        w.clock.advance(AppDatabase.earlyStatusHorizon + 1)
        _ = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [Self.status(.read, "wamid.other")])
        #expect(try w.count("SELECT count(*) FROM earlyDeliveryStatus") == 1)
        #expect(try w.count("SELECT count(*) FROM earlyDeliveryStatus WHERE providerMessageId = 'wamid.other'") == 1)
    }

    @Test func aStatusWithoutAProviderIdRefusesTheWholeRequest() throws {
        let (w, id) = try Self.sent()
        let error = messagingError {
            _ = try w.db.ingestInbound(Self.webhook(w), channel: .whatsapp, events: [Self.status(.read), Self.status(.read, " ")])
        }
        #expect(error?.exitCode == 65)
        #expect(error?.description.hasPrefix("Event 2 of 2:") == true)
        #expect(try w.message(id).status == .sent)
    }
}

/// Every ordering of `items`.
func permutations<T>(_ items: [T]) -> [[T]] {
    guard items.count > 1 else { return [items] }
    return items.indices.flatMap { i -> [[T]] in
        var rest = items
        let first = rest.remove(at: i)
        return permutations(rest).map { [first] + $0 }
    }
}
