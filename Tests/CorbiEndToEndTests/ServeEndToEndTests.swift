import CorbiMessaging
import CorbiTestSupport
import Foundation
import Testing

/// `corbi serve` through the built binary: payloads as the providers document them, posted
/// with right and wrong signatures, and what ends up in the database.
@Suite struct ServeEndToEndTests {
    @Test func webhooksAreAuthenticatedStoredOnceAndAnsweredByTheRules() async throws {
        let s = try await MessagingSetup.make()
        defer { s.remove() }
        let serve = try await ServeProcess.start(s.w, arguments: ["--no-dispatch"])
        func inbound() throws -> Int { try s.count("SELECT count(*) FROM inboundMessage") }

        // WhatsApp, as Meta posts it, signed with the app secret: stored, matched to Anna
        // (bare international digits are an international number).
        let wamid = "wamid.HBgLNDkxNTEyMzQ1Njc4FQIAEhggQTNBMjBCQjZGM0E5"
        let whatsapp = Payloads.whatsappText(id: wamid, text: "Kann ich den Termin verschieben?")
        #expect(try await serve.postMeta("whatsapp", whatsapp).status == 200)
        #expect(try s.count("SELECT count(*) FROM inboundMessage WHERE providerMessageId = ? AND contactId IS NOT NULL", [wamid]) == 1)
        // The provider retries: answered 200, stored once.
        #expect(try await serve.postMeta("whatsapp", whatsapp).status == 200)
        #expect(try s.count("SELECT count(*) FROM inboundMessage WHERE providerMessageId = ?", [wamid]) == 1)

        // Wrong, missing or malformed signatures: 401, nothing stored.
        let before = try inbound()
        let other = Payloads.whatsappText(id: "wamid.unsigned", text: "Hello")
        #expect(try await serve.postMeta("whatsapp", other, secret: "not-the-secret").status == 401)
        #expect(try await serve.post("/webhooks/a.example/whatsapp", Data(other.utf8)).status == 401)
        #expect(try await serve.post("/webhooks/a.example/whatsapp", Data(other.utf8), headers: ["X-Hub-Signature-256": "sha256=zz"]).status == 401)
        // Signed for another body.
        let signature = WebhookSignature.metaSignature(body: Data(whatsapp.utf8), appSecret: MessagingSetup.appSecret)
        #expect(try await serve.post("/webhooks/a.example/whatsapp", Data(other.utf8), headers: ["X-Hub-Signature-256": signature]).status == 401)
        #expect(try await serve.postTelegram(Payloads.telegramText(update: 1, message: 1, text: "x"), token: "wrong").status == 401)
        #expect(try await serve.post("/webhooks/a.example/telegram", Data(Payloads.telegramText(update: 1, message: 1, text: "x").utf8)).status == 401)
        #expect(try inbound() == before)
        #expect(serve.log.contains("webhook signature refused"))

        // Instagram and Telegram.
        #expect(try await serve.postMeta("instagram", Payloads.instagramText(mid: "aWdfZAG1faWQ6MTIz", text: "Hallo aus Instagram")).status == 200)
        let telegram = Payloads.telegramText(update: 725_001, message: 31, text: "Hallo aus Telegram")
        #expect(try await serve.postTelegram(telegram).status == 200)
        #expect(try await serve.postTelegram(telegram).status == 200)
        #expect(try s.count("SELECT count(*) FROM inboundMessage WHERE providerMessageId = '4242:31'") == 1)
        #expect(try s.count("SELECT count(*) FROM inboundMessage WHERE channel = 'instagram' AND contactId IS NOT NULL") == 1)

        // Unknown organization, unconfigured or unknown channel: 404.
        #expect(try await serve.postMeta("whatsapp", other, domain: "b.example").status == 404)
        #expect(try await serve.post("/webhooks/a.example/email", Data("{}".utf8)).status == 404)
        #expect(try await serve.post("/webhooks/a.example/fax", Data("{}".utf8)).status == 404)
        try check(await s.run(["channels", "remove", "instagram"], as: MessagingSetup.admin))
        #expect(try await serve.postMeta("instagram", Payloads.instagramText(mid: "m2", text: "x")).status == 404)

        // Over 1 MB: 413. Not the provider's format, signed: 400. Parts Corbi does not read: kept raw, 200.
        let huge = Data(repeating: UInt8(ascii: " "), count: 1_200_000)
        #expect(try await serve.post("/webhooks/a.example/whatsapp", huge, headers: ["X-Hub-Signature-256": "sha256=00"]).status == 413)
        #expect(try await serve.postMeta("whatsapp", #"{"entry": "#).status == 400)
        #expect(try await serve.postMeta("whatsapp", #"{"object":"whatsapp_business_account","entry":{}}"#).status == 400)
        let unknownField = #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}}]}]}"#
        let rawBefore = try s.count("SELECT count(*) FROM inboundMessage WHERE senderIdentifier IS NULL")
        #expect(try await serve.postMeta("whatsapp", unknownField).status == 200)
        #expect(try s.count("SELECT count(*) FROM inboundMessage WHERE senderIdentifier IS NULL") == rawBefore + 1)

        // Meta's subscription check.
        let verify = try await serve.get("/webhooks/a.example/whatsapp?hub.mode=subscribe&hub.verify_token=e2e-verify&hub.challenge=1158201444")
        #expect(verify.status == 200 && verify.text == "1158201444")
        #expect(try await serve.get("/webhooks/a.example/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1").status == 403)
        #expect(try await serve.get("/webhooks/b.example/whatsapp?hub.mode=subscribe&hub.verify_token=e2e-verify&hub.challenge=1").status == 404)

        #expect(try await serve.get("/healthz").status == 200)
        let metrics = try await serve.get("/metrics")
        #expect(metrics.status == 200 && metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(metrics.text.contains(#"corbi_webhook_requests_total{channel="whatsapp",outcome="accepted"} 2"#))
        #expect(metrics.text.contains(#"corbi_webhook_requests_total{channel="whatsapp",outcome="duplicate"} 1"#))
        #expect(metrics.text.contains(#"corbi_webhook_requests_total{channel="whatsapp",outcome="unauthorized"} 4"#))
        #expect(metrics.text.contains(#"corbi_webhook_requests_total{channel="whatsapp",outcome="too_large"} 1"#))
        #expect(metrics.text.contains("# TYPE corbi_outbound_messages gauge"))

        #expect(try await serve.terminate() == 0)
        // Secrets and bodies never reach the log.
        let log = serve.log
        for secret in [MessagingSetup.appSecret, MessagingSetup.igSecret, MessagingSetup.telegramSecret, MessagingSetup.botToken, "e2e-verify", "Kann ich"] {
            #expect(!log.contains(secret), "\(secret) in the log")
        }
        // Every delivery is audited as its webhook.
        #expect(try s.count("SELECT count(*) FROM auditEvent WHERE actor = 'webhook:whatsapp' AND action = 'inbound.ingest'") >= 3)
    }

    /// A status may arrive before the send's own commit (kept, applied then) and after it;
    /// it only ever moves forward.
    @Test func deliveryStatusesBeforeAndAfterTheSend() async throws {
        let s = try await MessagingSetup.make()
        defer { s.remove() }
        let serve = try await ServeProcess.start(s.w, arguments: ["--no-dispatch"])
        let id = try await s.draft("Bis morgen", channel: "whatsapp")
        let wamid = "wamid.E2E-STATUS-1"
        #expect(try await serve.postMeta("whatsapp", Payloads.whatsappStatus(id: wamid, status: "delivered")).status == 200)
        try await FakeProvider.with({ _ in .json(200, #"{"messaging_product":"whatsapp","messages":[{"id":"\#(wamid)"}]}"#) }) { fake in
            try check(await s.run(["outbox", "send"], environment: MessagingSetup.providers(fake.baseURL)))
        }
        #expect(try s.status(id) == "delivered")
        #expect(try await serve.postMeta("whatsapp", Payloads.whatsappStatus(id: wamid, status: "read")).status == 200)
        #expect(try s.status(id) == "read")
        // A late "delivered" changes nothing.
        #expect(try await serve.postMeta("whatsapp", Payloads.whatsappStatus(id: wamid, status: "delivered")).status == 200)
        #expect(try s.status(id) == "read")
        #expect(try s.strings("SELECT providerStatus FROM outboundMessage WHERE id = ?", [id]) == ["read"])
        #expect(try await serve.terminate() == 0)
    }

    @Test func stopSuppressesAndADraftIsRefusedThenStartLiftsIt() async throws {
        let s = try await MessagingSetup.make()
        defer { s.remove() }
        let serve = try await ServeProcess.start(s.w, arguments: ["--no-dispatch"])
        let waiting = try await s.draft("Reminder", channel: "telegram", extra: ["--at", "+1h"])
        #expect(try await serve.postTelegram(Payloads.telegramText(update: 9001, message: 40, text: "STOP")).status == 200)
        #expect(try s.status(waiting) == "cancelled")
        let refused = try await s.run(["draft", "anna", "--text", "Still there?", "--channel", "telegram", "--yes"])
        #expect(refused.status == 65)
        #expect(try s.count("SELECT count(*) FROM suppression WHERE channel = 'telegram' AND identifier = '4242' AND reason = 'opt-out: STOP'") == 1)
        #expect(try await serve.postTelegram(Payloads.telegramText(update: 9002, message: 41, text: "start")).status == 200)
        #expect(try await s.run(["draft", "anna", "--text", "Welcome back", "--channel", "telegram", "--yes"]).status == 0)
        #expect(try await serve.terminate() == 0)
    }

    @Test func anUnknownSenderBecomesAContactAndIsAnswered() async throws {
        let s = try await MessagingSetup.make()
        defer { s.remove() }
        let serve = try await ServeProcess.start(s.w, arguments: ["--no-dispatch"])
        let payload = Payloads.whatsappText(id: "wamid.NEW-PATIENT-1", from: "4915799998888", name: "Jonas Neu", text: "Do you take new patients?")
        #expect(try await serve.postMeta("whatsapp", payload).status == 200)
        let unknown = try await s.run(["inbound", "list", "--unknown", "--json"])
        let message = try #require((unknown.json?["messages"] as? [[String: Any]])?.first)
        #expect(message["senderIdentifier"] as? String == "+4915799998888" && message["senderName"] as? String == "Jonas Neu")
        let id = try #require(message["id"] as? Int)
        let added = try await s.run(["contacts", "add", "--from-inbound", String(id), "--json"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try await s.run(["contacts", "show", "Jonas Neu", "--json"]).json?["phoneWhatsapp"] as? String == "+4915799998888")
        // Answered within the 24-hour window his message opened.
        let answer = try await s.run(["draft", "Jonas Neu", "--text", "Yes, we do!", "--channel", "whatsapp", "--yes"])
        #expect(answer.status == 0, "\(answer.stderr)")
        #expect(try await serve.terminate() == 0)
    }

    @Test func oneClickUnsubscribePostsAndAGetOnlyAsks() async throws {
        let s = try await MessagingSetup.make()
        defer { s.remove() }
        let sendmail = try FakeSendmail(status: 0)
        defer { sendmail.remove() }
        try await s.draft("Your invoice", channel: "email")
        var env = MessagingSetup.providers(URL(string: "http://127.0.0.1:9")!, sendmail: sendmail)
        env["CORBI_PUBLIC_URL"] = "https://corbi.example.com"
        try check(await s.run(["outbox", "send"], environment: env))
        let mail = try #require(sendmail.messages.first)
        let link = try #require(mail.range(of: #"https://corbi\.example\.com/unsubscribe/[A-Za-z0-9_-]+"#, options: .regularExpression))
        let path = String(mail[link].dropFirst("https://corbi.example.com".count))
        let serve = try await ServeProcess.start(s.w, arguments: ["--no-dispatch"])
        let page = try await serve.get(path)
        #expect(page.status == 200 && page.text.contains("<form method=\"post\">"))
        #expect(try s.count("SELECT count(*) FROM suppression") == 0)
        let posted = try await serve.post(path, Data("List-Unsubscribe=One-Click".utf8), headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(posted.status == 200)
        #expect(try s.count("SELECT count(*) FROM suppression WHERE channel = 'email' AND identifier = 'anna@example.com'") == 1)
        #expect(try await serve.post(path, Data()).status == 200)
        #expect(try await serve.post("/unsubscribe/not-a-known-token", Data()).status == 404)
        #expect(try await serve.get("/unsubscribe/%3Cscript%3E").status == 404)
        #expect(try await serve.terminate() == 0)
        #expect(!serve.log.contains(String(path.dropFirst("/unsubscribe/".count))))
    }

    /// SIGTERM while a send is under way: the send finishes and is recorded, then serve exits 0.
    @Test func sigtermFinishesTheSendsUnderWay() async throws {
        let s = try await MessagingSetup.make()
        defer { s.remove() }
        let id = try await s.draft("Slow provider", channel: "telegram")
        try await FakeProvider.with({ request in
            var reply = MessagingSetup.accept(request)
            reply.delay = .seconds(2)
            return reply
        }) { fake in
            var env = MessagingSetup.providers(fake.baseURL)
            env["CORBI_DISPATCH_INTERVAL"] = "0.2"
            let serve = try await ServeProcess.start(s.w, environment: env)
            #expect(await eventually { fake.requests.count == 1 })
            #expect(try await serve.terminate() == 0)
            #expect(serve.log.contains("dispatcher stopped"))
        }
        #expect(try s.status(id) == "sent")
    }

    /// `kill -9` while a client posts: every request answered 200 is in the database.
    @Test func killedWhilePostingLosesNothingAnswered() async throws {
        let s = try await MessagingSetup.make()
        defer { s.remove() }
        let serve = try await ServeProcess.start(s.w, arguments: ["--no-dispatch"])
        let answered = Shared<[String]>([])
        let total = 400
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for n in stride(from: worker, to: total, by: 8) {
                        let id = "wamid.KILL-\(n)"
                        guard let answer = try? await serve.postMeta("whatsapp", Payloads.whatsappText(id: id, text: "Message \(n)")) else { return }
                        if answer.status == 200 { answered.update { $0.append(id) } }
                    }
                }
            }
            group.addTask {
                while answered.current.count < 100 { try? await Task.sleep(for: .milliseconds(5)) }
                try? await serve.kill9()
            }
        }
        let ok = answered.current
        #expect(ok.count >= 100)
        let stored = Set(try s.strings("SELECT providerMessageId FROM inboundMessage WHERE providerMessageId LIKE 'wamid.KILL-%'"))
        #expect(Set(ok).isSubset(of: stored), "answered 200 but missing: \(Set(ok).subtracting(stored).sorted().prefix(5))")
    }

    @Test func inboundIngestReadsFilesAndStdinLikeTheWebhooks() async throws {
        let s = try await MessagingSetup.make()
        defer { s.remove() }
        try s.write("wa.json", Payloads.whatsappText(id: "wamid.INGEST-1", text: "Hallo"))
        let first = try await s.run(["inbound", "ingest", "whatsapp", "wa.json", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect((first.json?["messages"] as? [[String: Any]])?.first?["contactName"] as? String == "Anna Schmidt")
        let again = try await s.run(["inbound", "ingest", "whatsapp", "-", "--json"], stdin: Payloads.whatsappText(id: "wamid.INGEST-1", text: "Hallo"))
        #expect((again.json?["duplicates"] as? [Int])?.count == 1 && (again.json?["messages"] as? [Any])?.isEmpty == true)
        let stop = try await s.run(
            ["inbound", "ingest", "telegram"], stdin: Payloads.telegramText(update: 5, message: 6, text: "Stop."))
        #expect(stop.status == 0 && stop.stdout.contains("STOP from 4242: suppressed"))
        let mail = "From: Anna Schmidt <anna@example.com>\nTo: hello@a.example\nSubject: unsubscribe\nMessage-ID: <reply-1@example.com>\n\n\n"
        let unsubscribed = try await s.run(["inbound", "ingest", "email", "--json"], stdin: mail)
        #expect((unsubscribed.json?["optOuts"] as? [[String: Any]])?.first?["word"] as? String == "UNSUBSCRIBE")
        #expect(try s.count("SELECT count(*) FROM suppression WHERE channel = 'email' AND identifier = 'anna@example.com'") == 1)
        #expect(try await s.run(["inbound", "ingest", "whatsapp"], stdin: "not json").status == 65)
        #expect(try await s.run(["inbound", "ingest", "whatsapp", "missing.json"]).status == 66)
        #expect(try await s.run(["members", "add", "v@a.example", "--role", "viewer"], as: MessagingSetup.admin).status == 0)
        #expect(try await s.run(["inbound", "ingest", "whatsapp", "wa.json"], as: "v@a.example").status == 77)
        // The member who ingested is the audit trail's actor.
        #expect(try s.count("SELECT count(*) FROM auditEvent WHERE action = 'inbound.ingest' AND actor = ?", [MessagingSetup.staff]) >= 3)
    }
}

/// A value shared by concurrent tasks of a test.
final class Shared<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func update<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
    var current: Value { lock.withLock { value } }
}
