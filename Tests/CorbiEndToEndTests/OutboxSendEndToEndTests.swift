import CorbiTestSupport
import Foundation
import Testing

/// `corbi outbox send` through the built binary, against loopback providers (the
/// `CORBI_*_API_URL` variables point at them) and a fake sendmail.
@Suite struct OutboxSendEndToEndTests {
    @Test func sendsEveryChannelAndCountsEachOutcome() async throws {
        let s = try await MessagingSetup.make()
        defer { s.remove() }
        let sendmail = try FakeSendmail(status: 0)
        defer { sendmail.remove() }
        let whatsapp = try await s.draft("Hallo per WhatsApp", channel: "whatsapp")
        let telegram = try await s.draft("Hallo per Telegram", channel: "telegram")
        let instagram = try await s.draft("Hallo per Instagram", channel: "instagram")
        let email = try await s.draft("Hallo per E-Mail", channel: "email")
        try await FakeProvider.with(MessagingSetup.accept) { fake in
            var env = MessagingSetup.providers(fake.baseURL, sendmail: sendmail)
            env["CORBI_PUBLIC_URL"] = "https://corbi.example.com"
            let r = try await s.run(["outbox", "send", "--json"], environment: env)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.json?["sent"] as? Int == 4 && r.json?["retrying"] as? Int == 0 && r.json?["failed"] as? Int == 0)
            #expect(fake.requests.map(\.path).sorted() == [
                "/ig/17841400000/messages", "/tg/bot123456:ABC-e2e-bot-token/sendMessage", "/wa/1098/messages",
            ])
            #expect(fake.requests.first { $0.path.hasPrefix("/wa/") }?.string("to") == "491512345678")
            // A second run finds nothing due.
            let again = try await s.run(["outbox", "send"], environment: env)
            #expect(again.status == 0 && again.stdout.contains("Nothing was due."))
            #expect(fake.requests.count == 3)
        }
        for id in [whatsapp, telegram, instagram, email] { #expect(try s.status(id) == "sent") }
        let mail = try #require(sendmail.messages.first)
        #expect(mail.contains("List-Unsubscribe: <mailto:hello@a.example?subject=unsubscribe>,"))
        #expect(mail.contains("https://corbi.example.com/unsubscribe/"))
        let shown = try await s.run(["outbox", "show", String(telegram), "--json"])
        #expect((shown.json?["attempts"] as? [[String: Any]])?.count == 1)
        // Every attempt is audited under the member who ran the send.
        #expect(try s.count("SELECT count(*) FROM auditEvent WHERE action = 'outbox.attempt'") == 4)
    }

    @Test func temporaryAndPermanentFailuresAndNoAnswer() async throws {
        let s = try await MessagingSetup.make()
        defer { s.remove() }
        let whatsapp = try await s.draft("429", channel: "whatsapp")
        let telegram = try await s.draft("500", channel: "telegram")
        let instagram = try await s.draft("400", channel: "instagram")
        try await FakeProvider.with({ request in
            if request.path.hasPrefix("/wa/") {
                return .json(429, #"{"error":{"message":"(#130429) Rate limit hit","code":130429}}"#, headers: ["Retry-After": "600"])
            }
            if request.path.hasPrefix("/tg/") { return .json(500, #"{"ok":false,"error_code":500,"description":"Internal"}"#) }
            return .json(400, #"{"error":{"message":"(#100) The parameter recipient is invalid","code":100}}"#)
        }) { fake in
            let r = try await s.run(["outbox", "send", "--json"], environment: MessagingSetup.providers(fake.baseURL))
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.json?["sent"] as? Int == 0 && r.json?["retrying"] as? Int == 2 && r.json?["failed"] as? Int == 1)
        }
        #expect(try s.status(whatsapp) == "retrying" && s.status(telegram) == "retrying" && s.status(instagram) == "failed")
        let next = try s.strings("SELECT nextAttemptAt FROM outboundMessage WHERE id = ?", [whatsapp]).first
        #expect(next != nil)
        let waited = try s.count(
            "SELECT count(*) FROM outboundMessage WHERE id = ? AND julianday(nextAttemptAt) - julianday(updatedAt) >= 599.0 / 86400", [whatsapp])
        #expect(waited == 1, "Retry-After: 600 is honoured")
        let error = try s.strings("SELECT error FROM outboundMessage WHERE id = ?", [instagram]).first
        #expect(error?.contains("recipient is invalid") == true)

        // No answer at all: a timeout, temporary.
        let silent = try await s.draft("silence", channel: "telegram")
        try await FakeProvider.with({ _ in .silence }) { fake in
            var env = MessagingSetup.providers(fake.baseURL)
            env["CORBI_SEND_TIMEOUT"] = "1"
            let r = try await s.run(["outbox", "send", "--json"], environment: env)
            // The 500's backoff can be a few seconds (full jitter): on a slow machine it is
            // due again here and retried too, so the silent message is counted by itself.
            #expect(r.status == 0 && (r.json?["retrying"] as? Int ?? 0) >= 1)
        }
        #expect(try s.status(silent) == "retrying")
        #expect(try s.strings("SELECT code FROM outboundAttempt WHERE messageId = ?", [silent]) == ["timeout"])
        // Viewers may not send.
        #expect(try await s.run(["members", "add", "v@a.example", "--role", "viewer"], as: MessagingSetup.admin).status == 0)
        #expect(try await s.run(["outbox", "send"], as: "v@a.example").status == 77)
    }

    /// Two cron runs and a running server over the same 500 messages: the provider sees
    /// each exactly once.
    @Test func racingDispatchersSendEachMessageOnce() async throws {
        let s = try await MessagingSetup.make()
        defer { s.remove() }
        let total = 500
        let lines = (0..<total).map { "/draft anna --text \"Race \($0)\" --channel telegram --yes" }.joined(separator: "\n")
        let drafted = try await s.run([], stdin: lines + "\n", environment: ["CORBI_USER": MessagingSetup.staff])
        #expect(drafted.status == 0, "\(drafted.stderr)")
        #expect(try s.count("SELECT count(*) FROM outboundMessage WHERE status = 'pending'") == total)
        try await FakeProvider.with({ request in
            // A provider's round trip, so that the racers overlap.
            var reply = MessagingSetup.accept(request)
            reply.delay = .milliseconds(5)
            return reply
        }) { (fake: FakeProvider) async throws -> Void in
            var env = MessagingSetup.providers(fake.baseURL)
            env["CORBI_DISPATCH_INTERVAL"] = "0.2"
            let serve = try await ServeProcess.start(s.w, environment: env)
            let racers = try (0..<2).map { _ in
                try s.start(["outbox", "send"], environment: env.merging(["CORBI_USER": MessagingSetup.staff]) { _, new in new })
            }
            for racer in racers { try await offPool { racer.waitUntilExit() } }
            #expect(racers.allSatisfy { $0.terminationStatus == 0 })
            #expect(try await eventually { try s.count("SELECT count(*) FROM outboundMessage WHERE status = 'sent'") == total })
            #expect(try await serve.terminate() == 0)
            let texts = fake.requests.compactMap { $0.string("text") }
            #expect(texts.count == total)
            #expect(Set(texts).count == total)
        }
        #expect(try s.count("SELECT count(*) FROM outboundAttempt") == total)
        #expect(try s.count("SELECT count(DISTINCT owner) FROM outboundAttempt") >= 2)
    }

    /// `kill -9` while the provider has the request: before it answers, and after it
    /// accepted (the answer's headers came, its body never finishes). Either way nothing is
    /// sent twice: after the claim's lifetime the next run settles the messages as failed
    /// (interrupted), and only `outbox retry` sends one again.
    @Test(arguments: [false, true])
    func killedMidSendNeverSendsTwice(acceptedFirst: Bool) async throws {
        let s = try await MessagingSetup.make()
        defer { s.remove() }
        var ids: [Int] = []
        for n in 0..<3 { ids.append(try await s.draft("Kill \(n)", channel: "telegram")) }
        let env: [String: String] = [
            "CORBI_SEND_TIMEOUT": "10", "CORBI_SENDMAIL_TIMEOUT": "10", "CORBI_CLAIM_LIFETIME": "25", "CORBI_USER": MessagingSetup.staff,
        ]
        try await FakeProvider.with({ _ in
            acceptedFirst
                ? FakeProvider.Reply(
                    status: 200, headers: ["Content-Type": "application/json"],
                    body: #"{"ok":true,"result":{"message_id":1,"chat":{"id":4242}}}"#, hangAfterHeaders: true)
                : .hang
        }) { fake in
            let sender = try s.start(["outbox", "send"], environment: env.merging(MessagingSetup.providers(fake.baseURL)) { _, new in new })
            let reached = await eventually { fake.requests.count == 3 || !sender.isRunning }
            #expect(reached && sender.isRunning, "the sender exited with \(sender.isRunning ? 0 : sender.terminationStatus)")
            try #require(fake.requests.count == 3)
            kill(sender.processIdentifier, SIGKILL)
            try await offPool { sender.waitUntilExit() }
        }
        #expect(try ids.map { try s.status($0) } == ["pending", "pending", "pending"])
        try await FakeProvider.with(MessagingSetup.accept) { fake in
            let providers = env.merging(MessagingSetup.providers(fake.baseURL)) { _, new in new }
            // Until the claims expire the messages are held; then they are settled, never resent.
            var settled = 0
            #expect(try await eventually(180) {
                let r = try await s.run(["outbox", "send", "--json"], environment: providers)
                settled += r.json?["interrupted"] as? Int ?? 0
                return settled == 3
            })
            #expect(fake.requests.isEmpty)
            for id in ids {
                #expect(try s.status(id) == "failed")
                let error = try s.strings("SELECT error FROM outboundMessage WHERE id = ?", [id]).first
                #expect(error?.hasPrefix("Interrupted") == true)
            }
            #expect(try s.strings("SELECT outcome FROM outboundAttempt WHERE messageId = ?", [ids[0]]) == ["interrupted"])
            // One command sends one again.
            #expect(try await s.run(["outbox", "retry", String(ids[0])], environment: providers).status == 0)
            let r = try await s.run(["outbox", "send", "--json"], environment: providers)
            #expect(r.json?["sent"] as? Int == 1)
            #expect(fake.requests.count == 1)
        }
        #expect(try s.status(ids[0]) == "sent")
    }
}
