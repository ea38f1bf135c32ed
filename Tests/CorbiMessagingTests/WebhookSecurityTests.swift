import CorbiCore
import Crypto
import Foundation
import Testing
@testable import CorbiMessaging

@Suite("Webhook signatures, subscription checks and hostile bodies")
struct WebhookSecurityTests {
    static let secret = "6ee1e8b1a2c3d4e5f6a7b8c9d0e1f2a3"
    static let body = Data(#"{"object":"whatsapp_business_account","entry":[]}"#.utf8)

    @Test("X-Hub-Signature-256 is HMAC-SHA256 of the raw body, lower-case hex; it verifies")
    func metaSignature() throws {
        let signature = WebhookSignature.metaSignature(body: Self.body, appSecret: Self.secret)
        let expected = HMAC<SHA256>.authenticationCode(for: Self.body, using: SymmetricKey(data: Data(Self.secret.utf8)))
        #expect(signature == "sha256=" + expected.map { String(format: "%02x", $0) }.joined())
        try WebhookSignature.verifyMeta(body: Self.body, signatureHeader: signature, appSecret: Self.secret)
        try WebhookSignature.verifyMeta(body: Self.body, signatureHeader: signature.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="), appSecret: Self.secret)
    }

    @Test("a wrong secret, a changed body, a missing or malformed header are refused with the reason")
    func metaRefusals() {
        let good = WebhookSignature.metaSignature(body: Self.body, appSecret: Self.secret)
        #expect(throws: WebhookAuthenticationError.mismatch) {
            try WebhookSignature.verifyMeta(body: Self.body, signatureHeader: WebhookSignature.metaSignature(body: Self.body, appSecret: "other"), appSecret: Self.secret)
        }
        var tampered = Self.body
        tampered[tampered.count - 2] = UInt8(ascii: " ")
        #expect(throws: WebhookAuthenticationError.mismatch) {
            try WebhookSignature.verifyMeta(body: tampered, signatureHeader: good, appSecret: Self.secret)
        }
        #expect(throws: WebhookAuthenticationError.missing) { try WebhookSignature.verifyMeta(body: Self.body, signatureHeader: nil, appSecret: Self.secret) }
        #expect(throws: WebhookAuthenticationError.missing) { try WebhookSignature.verifyMeta(body: Self.body, signatureHeader: " ", appSecret: Self.secret) }
        for malformed in [String(good.dropLast()), "sha1=" + String(good.dropFirst(7)), String(good.dropFirst(7)), good.dropLast(2) + "zz", good + "00"] {
            #expect(throws: WebhookAuthenticationError.malformed) {
                try WebhookSignature.verifyMeta(body: Self.body, signatureHeader: malformed, appSecret: Self.secret)
            }
        }
        #expect(throws: WebhookAuthenticationError.notConfigured) {
            try WebhookSignature.verifyMeta(body: Self.body, signatureHeader: WebhookSignature.metaSignature(body: Self.body, appSecret: ""), appSecret: "")
        }
    }

    @Test("Telegram's secret token header must equal the secret token")
    func telegramToken() throws {
        try WebhookSignature.verifyTelegram(secretTokenHeader: "s3cr3t-Token_1", secretToken: "s3cr3t-Token_1")
        #expect(throws: WebhookAuthenticationError.mismatch) { try WebhookSignature.verifyTelegram(secretTokenHeader: "s3cr3t-Token_2", secretToken: "s3cr3t-Token_1") }
        #expect(throws: WebhookAuthenticationError.mismatch) { try WebhookSignature.verifyTelegram(secretTokenHeader: "s3cr3t", secretToken: "s3cr3t-Token_1") }
        #expect(throws: WebhookAuthenticationError.missing) { try WebhookSignature.verifyTelegram(secretTokenHeader: nil, secretToken: "s3cr3t-Token_1") }
        #expect(throws: WebhookAuthenticationError.notConfigured) { try WebhookSignature.verifyTelegram(secretTokenHeader: "", secretToken: "") }
    }

    @Test("Meta's GET verification answers the challenge only for subscribe with our token")
    func subscription() throws {
        let query = ["hub.mode": "subscribe", "hub.verify_token": "corbi-verify", "hub.challenge": "1158201444"]
        #expect(try MetaWebhookVerification.challengeResponse(query: query, expectedVerifyToken: "corbi-verify") == "1158201444")
        var wrong = query
        wrong["hub.verify_token"] = "guess"
        #expect(throws: MetaVerificationError.tokenMismatch) { try MetaWebhookVerification.challengeResponse(query: wrong, expectedVerifyToken: "corbi-verify") }
        var mode = query
        mode["hub.mode"] = "unsubscribe"
        #expect(throws: MetaVerificationError.notSubscribe) { try MetaWebhookVerification.challengeResponse(query: mode, expectedVerifyToken: "corbi-verify") }
        for challenge in [nil, "", "<script>alert(1)</script> x", "a\r\nSet-Cookie: x", String(repeating: "9", count: 300)] {
            var hostile = query
            hostile["hub.challenge"] = challenge
            #expect(throws: MetaVerificationError.invalidChallenge) { try MetaWebhookVerification.challengeResponse(query: hostile, expectedVerifyToken: "corbi-verify") }
        }
        #expect(throws: MetaVerificationError.notConfigured) { try MetaWebhookVerification.challengeResponse(query: query, expectedVerifyToken: "") }
    }

    @Test("nesting deeper than the limit is refused before parsing, at any depth up to huge", arguments: [65, 513, 100_000])
    func deepJSON(depth: Int) {
        let body = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        for channel in [Channel.whatsapp, .telegram, .instagram] {
            #expect(throws: WebhookPayloadError.tooDeep(limit: 64)) { try WebhookParser.parse(bytes(body), channel: channel) }
        }
        let objects = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
        #expect(throws: WebhookPayloadError.tooDeep(limit: 64)) { try WebhookParser.parse(bytes(objects), channel: .whatsapp) }
    }

    @Test("brackets inside strings do not count as nesting")
    func bracketsInStrings() throws {
        let text = String(repeating: "[{", count: 500) + #"\"]"#
        let body = #"{"update_id":1,"message":{"message_id":1,"chat":{"id":5},"date":1,"text":"\#(text)"}}"#
        let events = try TelegramUpdateParser().parse(bytes(body))
        guard case .message(let message)? = events.first else {
            Issue.record("no message")
            return
        }
        #expect(message.text == String(repeating: "[{", count: 500) + "\"]")
    }

    @Test("a body over the size limit is refused", arguments: [Channel.whatsapp, .telegram, .instagram])
    func tooLarge(channel: Channel) {
        let limits = WebhookLimits(maxBytes: 100)
        #expect(throws: WebhookPayloadError.tooLarge(limit: 100)) {
            try WebhookParser.parse(bytes(String(repeating: " ", count: 101)), channel: channel, limits: limits)
        }
    }

    @Test("invalid UTF-8, lone surrogates, NUL bytes and garbage never crash", arguments: [
        [0xFF, 0xFE, 0x7B, 0x7D], Array(#"{"update_id":1,"message":{"message_id":1,"chat":{"id":5},"text":"\ud800"}}"#.utf8),
        [0x7B, 0x00, 0x7D], Array("{\"entry\":[".utf8), Array(repeating: 0x5B, count: 64) + [0x22], Array("1e999999".utf8),
        Array(#"{"update_id":99999999999999999999999,"message":{"message_id":1,"chat":{"id":5},"text":"x"}}"#.utf8),
    ])
    func garbage(body: [UInt8]) {
        // None of these is a WhatsApp or Instagram payload: a typed error, never a crash.
        #expect(throws: WebhookPayloadError.self) { try WebhookParser.parse(body, channel: .whatsapp) }
        #expect(throws: WebhookPayloadError.self) { try WebhookParser.parse(body, channel: .instagram) }
        // Telegram may accept the lone surrogate as replaced text, email reads anything as
        // best it can: both must merely return or throw.
        _ = try? WebhookParser.parse(body, channel: .telegram)
        _ = try? WebhookParser.parse(body, channel: .email)
    }

    @Test("opt-out words alone, in any case, trimmed, with trailing punctuation", arguments: [
        ("STOP", OptOutKeyword.optOut("STOP")), ("stop", .optOut("STOP")), (" Stop.\n", .optOut("STOP")), ("STOP!", .optOut("STOP")),
        ("stop!!!", .optOut("STOP")), ("StopAll", .optOut("STOPALL")), ("unsubscribe", .optOut("UNSUBSCRIBE")), ("Cancel", .optOut("CANCEL")),
        ("end", .optOut("END")), ("QUIT?", .optOut("QUIT")), ("Stopp", .optOut("STOPP")), ("abmelden.", .optOut("ABMELDEN")),
        ("\u{200B}STOP\u{200B}", .optOut("STOP")), ("START", .optIn("START")), ("unstop", .optIn("UNSTOP")), ("Start!", .optIn("START")),
    ])
    func optOutWords(text: String, expected: OptOutKeyword) {
        #expect(OptOutKeyword.recognize(text) == expected)
    }

    @Test("anything more than the word is a message for a person", arguments: [
        "please stop", "STOP STOP", "stop the reminders", "stopped", "nonstop", ".stop", "", "   ", "STOP\u{0}x", "STÖP", "🛑", "S T O P",
        "Bitte abmelden",
    ])
    func notOptOut(text: String) {
        #expect(OptOutKeyword.recognize(text) == nil)
    }
}
