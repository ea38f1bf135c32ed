import Foundation
import GRDB
import Testing

@testable import CorbiCore

@Suite struct DispatchRaceTests {
    /// Two dispatchers, each with its own connection pool on the same file (two processes,
    /// as a cron run and `serve` would be), claim concurrently until nothing is due: every
    /// message reaches the provider exactly once.
    @Test func twoDispatchersRacingOverTheSameMessagesSendEachOnce() throws {
        let w = try MessagingTestWorkspace()
        try w.configureAllChannels()
        _ = try w.db.setChannelRate(w.admin, channel: "telegram", perMinute: 100_000)
        _ = try w.db.setChannelRate(w.admin, channel: "email", perMinute: 100_000)
        let total = 500
        try w.db.writer.write { db in
            let now = MessagingTestWorkspace.start
            for i in 0..<total {
                try db.execute(
                    sql: """
                        INSERT INTO outboundMessage (organizationId, contactId, channel, subject, body, scheduledFor, traceId, createdAt, updatedAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        w.admin.organizationId, w.anna.id, i % 5 == 0 ? "email" : "telegram", i % 5 == 0 ? "S" : nil,
                        "Message \(i)", now.addingTimeInterval(-Double(i % 7)), "race-\(i)", now, now,
                    ])
            }
        }
        let provider = FakeProvider()
        let dispatchers = [try w.openAgain(), try w.openAgain()]
        let claimed = Locked<[String: [Int64]]>([:])
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: dispatchers.count) { index in
            let owner = "dispatcher-\(index)"
            let db = dispatchers[index]
            do {
                while true {
                    let batch = try db.claimDueMessages(.allOrganizations, owner: owner, lifetime: 600, limit: 25)
                    if batch.jobs.isEmpty { break }
                    for job in batch.jobs {
                        provider.send(job)
                        // A provider's round trip: the other dispatcher gets its turn at the lock.
                        usleep(500)
                        _ = try db.recordSendOutcome(job, .accepted(providerMessageId: "p-\(job.messageId)"), maxAttempts: 5)
                    }
                    claimed.withLock { $0[owner, default: []] += batch.jobs.map(\.messageId) }
                }
            } catch {
                failures.withLock { $0.append("\(owner): \(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let byOwner = claimed.withLock { $0 }
        let all = byOwner.values.flatMap { $0 }
        #expect(all.count == total)
        #expect(Set(all).count == total)
        #expect(provider.all.count == total && provider.all.values.allSatisfy { $0 == 1 })
        #expect(try w.count("SELECT count(*) FROM outboundMessage WHERE status = 'sent'") == total)
        #expect(try w.count("SELECT count(*) FROM outboundAttempt") == total)
        #expect(try w.count("SELECT count(*) FROM outboundAttempt WHERE outcome = 'sent'") == total)
        #expect(try w.db.verifyAudit(w.admin).ok)
        // Both took part (the claims interleave; a batch is small next to 500).
        #expect(byOwner.count == 2, "\(byOwner.mapValues(\.count))")
    }
}
