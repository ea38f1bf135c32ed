import CorbiCore
import CorbiTestSupport
import Foundation
import Testing
@testable import CorbiMessaging

/// The dispatcher over a real database file, against the loopback fake provider (each
/// provider's wire format under `/wa`, `/ig`, `/tg`) and a fake sendmail.
@Suite("Dispatcher") struct DispatcherTests {
    static func reply(_ request: FakeProvider.Received) -> FakeProvider.Reply {
        if request.path.hasPrefix("/wa/") { return .json(200, #"{"messaging_product":"whatsapp","messages":[{"id":"wamid.HBgL01"}]}"#) }
        if request.path.hasPrefix("/ig/") { return .json(200, #"{"recipient_id":"ig-anna","message_id":"mid.ig01"}"#) }
        if request.path.hasPrefix("/tg/") { return .json(200, #"{"ok":true,"result":{"message_id":77,"chat":{"id":4242}}}"#) }
        return .json(404, "{}")
    }

    @Test("every channel: sent through its provider, recorded with the provider's id, reported with its latency")
    func everyChannel() async throws {
        let w = try DispatchWorkspace()
        let sendmail = try FakeSendmail(status: 0)
        defer { sendmail.remove() }
        let whatsapp = try w.template("reminder", on: .whatsapp, body: "Hi {{first_name}}, see you at {{time}}", arguments: ["time=10:00"])
        let invoice = try w.template("invoice", on: .telegram, body: "For {{2}}: invoice {{1}}", arguments: ["1=A-17", "2=Anna"])
        let instagram = try w.text("See you tomorrow", on: .instagram)
        let email = try w.text("Grüße aus der Praxis", on: .email)
        let reports = Shared<[DispatchAttemptReport]>([])
        try await FakeProvider.with(Self.reply) { fake in
            let settings = try w.settings(fake: fake.baseURL, sendmail: sendmail, publicURL: URL(string: "https://corbi.example.com/")!)
            let summary = await w.dispatcher(settings, onAttempt: { report in reports.update { $0.append(report) } }).run()
            #expect(summary.sent == 4 && summary.attempts == 4 && summary.stoppedBy == nil)
            #expect(summary.retrying == 0 && summary.failed == 0 && summary.refused == 0 && summary.interrupted == 0)

            let wa = try #require(fake.requests.first { $0.path == "/wa/1234567890/messages" })
            #expect(wa.headers["authorization"] == "Bearer EAAG-secret-access-token-0001")
            let expected: JSONValue = [
                "messaging_product": "whatsapp", "recipient_type": "individual", "to": "491512345678", "type": "template",
                "template": [
                    "name": "reminder", "language": ["code": "de"],
                    "components": [["type": "body", "parameters": [
                        ["type": "text", "text": "Anna", "parameter_name": "first_name"],
                        ["type": "text", "text": "10:00", "parameter_name": "time"],
                    ]]],
                ],
            ]
            #expect(wa.json == expected)
            let tg = try #require(fake.requests.first { $0.path == "/tg/bot123456:ABC-secret-bot/sendMessage" })
            #expect(tg.json == ["chat_id": 4242, "text": "For Anna: invoice A-17"])
            let ig = try #require(fake.requests.first { $0.path == "/ig/17841400000/messages" })
            #expect(ig.json == ["recipient": ["id": "ig-anna"], "message": ["text": "See you tomorrow"]])
            #expect(fake.requests.count == 3)
        }
        #expect(try w.message(whatsapp).providerMessageId == "wamid.HBgL01")
        #expect(try w.message(invoice).providerMessageId == "4242:77")
        #expect(try w.message(instagram).providerMessageId == "mid.ig01")
        let mail = try w.message(email)
        #expect(mail.status == .sent && mail.providerMessageId == "\(mail.traceId)@bright.example")
        for id in [whatsapp, invoice, instagram, email] {
            #expect(try w.message(id).status == .sent)
            #expect(try w.attempts(id).map(\.outcome) == [.sent])
        }
        let text = try #require(sendmail.input)
        #expect(text.contains("From: Bright Smile <hello@bright.example>\n"))
        #expect(text.contains("To: anna@example.com\n"))
        #expect(text.contains("Message-ID: <\(mail.traceId)@bright.example>\n"))
        let token = try #require(text.range(of: #"https://corbi\.example\.com/unsubscribe/[A-Za-z0-9_-]+"#, options: .regularExpression))
        #expect(text.contains("List-Unsubscribe: <mailto:hello@bright.example?subject=unsubscribe>,\n <\(text[token])>\n"))
        #expect(text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"))
        #expect(sendmail.arguments == ["-t", "-oi"])
        let seen = reports.current
        #expect(Set(seen.map(\.channel)) == Set(Channel.allCases))
        #expect(seen.allSatisfy { $0.outcome == .accepted && $0.latency >= 0 && $0.organizationDomain == "bright.example" })
    }

    @Test("429 waits at least its Retry-After, 500 a full-jitter backoff, 400 fails with the provider's words")
    func failures() async throws {
        let w = try DispatchWorkspace()
        let whatsapp = try w.text("Hallo", on: .whatsapp)
        let telegram = try w.text("Hallo", on: .telegram)
        let instagram = try w.text("Hallo", on: .instagram)
        let before = Date()
        try await FakeProvider.with({ request in
            if request.path.hasPrefix("/wa/") {
                return .json(
                    429, #"{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429}}"#,
                    headers: ["Retry-After": "120"])
            }
            if request.path.hasPrefix("/tg/") { return .json(500, #"{"ok":false,"error_code":500,"description":"Internal Server Error"}"#) }
            return .json(400, #"{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100}}"#)
        }) { fake in
            // The jitter at the top of its window: 30 s after a first failure.
            let summary = await w.dispatcher(try w.settings(fake: fake.baseURL), random: FixedGenerator(value: .max)).run()
            #expect(summary.retrying == 2 && summary.failed == 1 && summary.sent == 0 && summary.attempts == 3)
            // Retrying messages are due later, not again in this run.
            #expect(fake.requests.count == 3)
        }
        let after = Date()
        let wa = try w.message(whatsapp)
        #expect(wa.status == .retrying && wa.retryCount == 1)
        #expect(try #require(wa.nextAttemptAt) >= before.addingTimeInterval(120))
        #expect(wa.error?.contains("130429") == true)
        let tg = try w.message(telegram)
        #expect(tg.status == .retrying && tg.retryCount == 1 && tg.error?.hasPrefix("500") == true)
        let next = try #require(tg.nextAttemptAt)
        #expect(next >= before.addingTimeInterval(29.9) && next <= after.addingTimeInterval(30))
        let ig = try w.message(instagram)
        #expect(ig.status == .failed && ig.error?.contains("Invalid parameter") == true && ig.error?.hasPrefix("100") == true)
        #expect(try w.attempts(instagram).map(\.outcome) == [.permanent])
    }

    @Test("no answer and a refused connection are temporary; the last attempt fails for good")
    func noAnswer() async throws {
        let w = try DispatchWorkspace()
        let telegram = try w.text("Hallo", on: .telegram)
        let whatsapp = try w.text("Hallo", on: .whatsapp)
        try await FakeProvider.with({ _ in .silence }) { fake in
            var settings = try w.settings(fake: fake.baseURL, httpTimeout: 0.5)
            settings.providers.whatsappURL = URL(string: "http://127.0.0.1:\(try FakeProvider.closedPort())")!
            let summary = await w.dispatcher(settings).run()
            #expect(summary.retrying == 2)
        }
        #expect(try w.attempts(telegram).map(\.code) == ["timeout"])
        #expect(try w.attempts(whatsapp).map(\.code) == ["connection-refused"])
        #expect(try w.message(telegram).status == .retrying)

        let last = try w.text("Once only", on: .instagram)
        try await FakeProvider.with({ _ in .json(503, "{}") }) { fake in
            let summary = await w.dispatcher(try w.settings(fake: fake.baseURL, retry: RetryPolicy(maxAttempts: 1))).run()
            // The first two may be due again already (full jitter can pick a backoff of
            // moments) and then fail here too: count this message, and no retrying at all.
            #expect(summary.failed >= 1 && summary.retrying == 0)
        }
        let m = try w.message(last)
        #expect(m.status == .failed && m.error?.hasPrefix("Gave up after 1 temporary failure") == true)
    }

    @Test("email: sendmail exit 75 is retried, another exit fails with its first line of stderr")
    func sendmailExits() async throws {
        let w = try DispatchWorkspace()
        let later = try w.text("Hallo", on: .email)
        let busy = try FakeSendmail(status: 75, stderr: "queue full\n")
        defer { busy.remove() }
        let fake = URL(string: "http://127.0.0.1:9")!
        #expect(await w.dispatcher(try w.settings(fake: fake, sendmail: busy)).run().retrying == 1)
        #expect(try w.message(later).error?.contains("queue full") == true)
        #expect(try w.attempts(later).map(\.code) == ["exit-75"])

        let never = try w.text("Hallo again", on: .email)
        let broken = try FakeSendmail(status: 67, stderr: "sendmail: user unknown\nmore\n")
        defer { broken.remove() }
        #expect(await w.dispatcher(try w.settings(fake: fake, sendmail: broken)).run().failed == 1)
        let m = try w.message(never)
        #expect(m.status == .failed && m.error == "exit-67: sendmail: user unknown")
    }

    @Test("a channel's rate holds messages back until their minute; the run waits for them")
    func rates() async throws {
        // A clock that runs 1000 times fast: a minute passes in 60 ms.
        let origin = Date()
        let w = try DispatchWorkspace(now: { origin.addingTimeInterval(Date().timeIntervalSince(origin) * 1000) })
        let ids = try (0..<5).map { try w.text("Message \($0)", on: .telegram) }
        _ = try w.db.setChannelRate(w.admin, channel: "telegram", perMinute: 2)
        try await FakeProvider.with(Self.reply) { fake in
            var settings = try w.settings(fake: fake.baseURL)
            settings.claimLifetime = 30 * 86_400  // in this clock's seconds
            settings.ratePause = 0.005
            let summary = await w.dispatcher(settings).run()
            #expect(summary.sent == 5 && summary.throttled == 3)
            #expect(fake.requests.count == 5)
        }
        let starts = try ids.flatMap { try w.attempts($0).map(\.startedAt) }.sorted()
        #expect(starts.count == 5)
        for i in 0..<(starts.count - 2) {
            #expect(starts[i + 2].timeIntervalSince(starts[i]) >= AppDatabase.rateWindow, "3 sends within \(AppDatabase.rateWindow) s")
        }
    }

    @Test("without waiting for rates (serve's runs), what a rate holds back is left for a later run")
    func ratesWithoutWaiting() async throws {
        let w = try DispatchWorkspace()
        let ids = try (0..<3).map { try w.text("More \($0)", on: .telegram) }
        _ = try w.db.setChannelRate(w.admin, channel: "telegram", perMinute: 2)
        try await FakeProvider.with(Self.reply) { fake in
            let summary = await w.dispatcher(try w.settings(fake: fake.baseURL)).run(waitForRates: false)
            #expect(summary.sent == 2 && summary.throttled == 1)
        }
        #expect(try ids.map { try w.message($0).status } == [.sent, .sent, .pending])
    }

    @Test("a few sends in flight at once, never more than the concurrency")
    func concurrency() async throws {
        let w = try DispatchWorkspace()
        let ids = try (0..<9).map { try w.text("Message \($0)", on: .telegram) }
        let inFlight = Shared((now: 0, most: 0))
        let provider: @Sendable (DispatchJob) -> any MessageProvider = { job in
            ScriptedProvider(channel: job.channel) { _ in
                inFlight.update { $0.now += 1; $0.most = max($0.most, $0.now) }
                // Wait (up to 5 s) for the others the dispatcher should have started too.
                for _ in 0..<250 where inFlight.current.now < 3 { try? await Task.sleep(for: .milliseconds(20)) }
                try? await Task.sleep(for: .milliseconds(20))
                inFlight.update { $0.now -= 1 }
                return .accepted(SendReceipt(providerMessageId: "4242:\(job.messageId)", providerStatus: "sent"))
            }
        }
        let settings = try w.settings(fake: URL(string: "http://127.0.0.1:9")!, concurrency: 3)
        let summary = await w.dispatcher(settings, makeProvider: provider).run()
        #expect(summary.sent == 9)
        #expect(inFlight.current.most == 3)
        #expect(try ids.allSatisfy { try w.message($0).status == .sent })
    }

    @Test("a stop ends claiming; the send under way finishes and is recorded; --limit bounds the calls")
    func stopAndLimit() async throws {
        let w = try DispatchWorkspace()
        let ids = try (0..<4).map { try w.text("Message \($0)", on: .telegram) }
        let stop = DispatchStop()
        let provider: @Sendable (DispatchJob) -> any MessageProvider = { job in
            ScriptedProvider(channel: job.channel) { _ in
                stop.request()
                try? await Task.sleep(for: .milliseconds(100))
                return .accepted(SendReceipt(providerMessageId: "4242:\(job.messageId)", providerStatus: "sent"))
            }
        }
        let settings = try w.settings(fake: URL(string: "http://127.0.0.1:9")!, concurrency: 1)
        let stopped = await w.dispatcher(settings, makeProvider: provider).run(stop: stop)
        #expect(stopped.sent == 1 && stopped.attempts == 1)
        #expect(try ids.map { try w.message($0).status } == [.sent, .pending, .pending, .pending])

        let accept: @Sendable (DispatchJob) -> any MessageProvider = { job in
            ScriptedProvider(channel: job.channel) { _ in .accepted(SendReceipt(providerMessageId: "4242:\(job.messageId)", providerStatus: "sent")) }
        }
        let limited = await w.dispatcher(settings, makeProvider: accept).run(limit: 2)
        #expect(limited.sent == 2 && limited.attempts == 2)
        #expect(try ids.map { try w.message($0).status } == [.sent, .sent, .sent, .pending])
    }

    @Test("cancelling the run does not cut a send short: it is answered and recorded")
    func cancellation() async throws {
        let w = try DispatchWorkspace()
        let id = try w.text("Hallo", on: .telegram)
        let started = Shared(false)
        let sawCancel = Shared(false)
        let provider: @Sendable (DispatchJob) -> any MessageProvider = { job in
            ScriptedProvider(channel: job.channel) { _ in
                started.update { $0 = true }
                try? await Task.sleep(for: .milliseconds(300))
                sawCancel.update { $0 = Task.isCancelled }
                return .accepted(SendReceipt(providerMessageId: "4242:1", providerStatus: "sent"))
            }
        }
        let dispatcher = w.dispatcher(try w.settings(fake: URL(string: "http://127.0.0.1:9")!), makeProvider: provider)
        let run = Task { await dispatcher.run() }
        while !started.current { try await Task.sleep(for: .milliseconds(5)) }
        run.cancel()
        let summary = await run.value
        #expect(summary.sent == 1)
        #expect(!sawCancel.current)
        #expect(try w.message(id).status == .sent)
    }

    @Test("send-time checks refuse, channels without an account wait, and neither reaches a provider")
    func refusedAndWaiting() async throws {
        let w = try DispatchWorkspace(accounts: false)
        _ = try w.db.setProviderAccount(w.admin, channel: "telegram", values: DispatchWorkspace.telegramKeys)
        let unapproved = try w.template("invoice", on: .telegram, body: "Invoice {{1}}", arguments: ["1=A-17"])
        _ = try w.db.unapproveTemplate(w.admin, TemplateSelector(name: "invoice"))
        let waiting = try w.text("Hallo", on: .email)
        try await FakeProvider.with(Self.reply) { fake in
            let summary = await w.dispatcher(try w.settings(fake: fake.baseURL)).run()
            #expect(summary.refused == 1 && summary.waiting == 1 && summary.attempts == 0)
            #expect(summary.waitingChannels.map(\.channel) == [.email])
            #expect(fake.requests.isEmpty)
        }
        #expect(try w.message(unapproved).status == .failed)
        #expect(try w.message(unapproved).error?.hasPrefix("templateNotApproved") == true)
        #expect(try w.message(waiting).status == .pending)
    }

    @Test("a viewer may not send: the run stops with 77 before anything is claimed")
    func viewers() async throws {
        let w = try DispatchWorkspace()
        _ = try w.db.addMember(w.admin, email: "viewer@bright.example", role: .viewer)
        let viewer = try w.db.resolveActor(user: "viewer@bright.example", organization: "bright.example")
        let id = try w.text("Hallo", on: .telegram)
        let summary = await w.dispatcher(try w.settings(fake: URL(string: "http://127.0.0.1:9")!), scope: .organization(viewer)).run()
        #expect(summary.stoppedBy?.exitCode == 77 && summary.attempts == 0)
        #expect(try w.message(id).status == .pending)
    }
}

/// How a claimed job becomes a provider's message, and an answer the core's outcome.
@Suite("Dispatch mapping") struct DispatchMappingTests {
    static func job(
        _ channel: Channel, template: TemplateReference? = nil, values: [String: String] = [:], token: String? = nil, retryCount: Int = 0
    ) -> DispatchJob {
        DispatchJob(
            messageId: 7, organizationId: 1, organizationDomain: "bright.example", organizationName: "Bright Smile", channel: channel,
            recipient: channel == .email ? "anna@example.com" : "+491512345678", contactId: 3, contactName: "Anna", body: "Hallo Anna",
            subject: channel == .email ? "Termin" : nil, mediaUrl: "https://cdn.example/x.pdf", traceId: "trace-7", template: template,
            unsubscribeToken: token, credentials: ProviderCredentials(channel: channel, values: values), retryCount: retryCount,
            owner: "d", claimExpiresAt: Date())
    }

    @Test("a template keeps the core's order; free text is text; media and the trace id go along")
    func content() throws {
        let reference = TemplateReference(
            name: "invoice", language: "en_US", isPositional: true,
            parameters: [TemplateArgument(name: nil, value: "A-17"), TemplateArgument(name: nil, value: "99 €")])
        let message = try OutgoingMessage.forJob(Self.job(.whatsapp, template: reference), publicURL: nil).get()
        #expect(message.content == .template(OutgoingTemplate(
            name: "invoice", languageCode: "en_US", parameters: reference.parameters, renderedText: "Hallo Anna")))
        #expect(message.mediaURL == "https://cdn.example/x.pdf" && message.traceId == "trace-7" && message.email == nil)
        #expect(try OutgoingMessage.forJob(Self.job(.telegram), publicURL: nil).get().content == .text("Hallo Anna"))
    }

    @Test("email: From from the account, a mailto reply, and the one-click link only with a public URL")
    func email() throws {
        let from = ["from": "\"Bright Smile\" <hello@bright.example>"]
        let plain = try OutgoingMessage.forJob(Self.job(.email, values: from, token: "tok_1"), publicURL: nil).get()
        #expect(plain.email?.from.address == "hello@bright.example" && plain.email?.from.displayName == "Bright Smile")
        #expect(plain.email?.listUnsubscribe == ListUnsubscribe(mailto: "mailto:hello@bright.example?subject=unsubscribe"))
        #expect(plain.subject == "Termin")
        let linked = try OutgoingMessage.forJob(
            Self.job(.email, values: from, token: "tok_1"), publicURL: URL(string: "https://corbi.example.com/base/")!
        ).get()
        #expect(linked.email?.listUnsubscribe?.oneClickURL == "https://corbi.example.com/base/unsubscribe/tok_1")
        guard case .failure(let failure) = OutgoingMessage.forJob(Self.job(.email, values: [:]), publicURL: nil) else {
            Issue.record("an email without a From was built")
            return
        }
        #expect(failure.code == "configuration")
    }

    @Test("temporary answers get the backoff of their failure number, never less than Retry-After")
    func backoff() {
        var top = FixedGenerator(value: .max)
        let failure = ProviderFailure(code: "http-503", message: "busy")
        func delay(_ job: DispatchJob, retryAfter: TimeInterval? = nil, policy: RetryPolicy = .standard) -> TimeInterval? {
            var failure = failure
            failure.retryAfter = retryAfter
            guard case .temporary(let error, let delay) = ProviderOutcome(.temporary(failure), job: job, policy: policy, using: &top)
            else { return nil }
            #expect(error == ProviderError(code: "http-503", message: "busy"))
            return delay
        }
        #expect(abs(delay(Self.job(.telegram))! - 30) < 0.001)
        #expect(abs(delay(Self.job(.telegram, retryCount: 1))! - 60) < 0.001)
        #expect(abs(delay(Self.job(.telegram, retryCount: 3))! - 240) < 0.001)
        #expect(delay(Self.job(.telegram), retryAfter: 600) == 600)
        // Past the last attempt the core fails the message; a delay is still given.
        #expect(delay(Self.job(.telegram, retryCount: 9)) != nil)
        var bottom = FixedGenerator(value: 0)
        guard case .temporary(_, let zero) = ProviderOutcome(.temporary(failure), job: Self.job(.telegram), policy: .standard, using: &bottom)
        else { return }
        #expect(zero == 0)
        #expect(
            ProviderOutcome(.accepted(SendReceipt(providerMessageId: "wamid.1", providerStatus: "accepted")), job: Self.job(.whatsapp), policy: .standard, using: &top)
                == .accepted(providerMessageId: "wamid.1", providerStatus: "accepted"))
        #expect(
            ProviderOutcome(.permanent(ProviderFailure(code: "403", message: "blocked")), job: Self.job(.telegram), policy: .standard, using: &top)
                == .permanent(ProviderError(code: "403", message: "blocked")))
    }
}
