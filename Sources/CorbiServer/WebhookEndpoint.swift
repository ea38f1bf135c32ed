import CorbiCore
import CorbiMessaging
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `GET|POST /webhooks/{domain}/{channel}`: the providers' deliveries for one organization.
///
/// A delivery is answered 200 only after its effects are committed; a bad or missing
/// signature 401 with nothing stored; an unknown organization or channel 404; a body over
/// ``maxBodyBytes`` 413; a body that is not the provider's format, or that the core refuses
/// as a whole (an event that is no event), 400; a locked database 503 (providers retry).
/// The account is read on every request, so `channels set` counts at once.
struct WebhookEndpoint: Sendable {
    let database: AppDatabase
    let metrics: ServerMetrics
    let logger: Logger

    /// The largest body read: 1 MB (1,000,000 bytes). Providers send a few kilobytes.
    static let maxBodyBytes = 1_000_000

    private static let signatureHeader = HTTPField.Name("X-Hub-Signature-256")!
    private static let telegramHeader = HTTPField.Name("X-Telegram-Bot-Api-Secret-Token")!

    /// Meta's subscription check (WhatsApp, Instagram).
    func verify(_ request: Request, _ context: BasicRequestContext) async -> Response {
        let domain = context.parameters.get("domain") ?? ""
        guard let channel = Channel(rawValue: context.parameters.get("channel") ?? ""), channel == .whatsapp || channel == .instagram
        else { return notFound(nil, domain: domain) }
        let account: WebhookAccount
        switch await self.account(domain: domain, channel: channel) {
        case .found(let found): account = found
        case .answered(let reply): return reply
        }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        do {
            let challenge = try MetaWebhookVerification.challengeResponse(
                query: query, expectedVerifyToken: account.credentials.verifyToken ?? "")
            metrics.webhook(channel, .verified)
            logger.info("webhook verified", metadata: ["channel": "\(channel.rawValue)", "organization": "\(account.organization.domain)"])
            return Replies.text(.ok, challenge)
        } catch {
            metrics.webhook(channel, .verificationRefused)
            logger.warning(
                "webhook verification refused",
                metadata: ["channel": "\(channel.rawValue)", "organization": "\(account.organization.domain)", "reason": "\(error.description)"])
            return Replies.error(.forbidden, "verification refused")
        }
    }

    /// A delivery: messages, statuses and parts Corbi does not read, all or nothing.
    func receive(_ request: Request, _ context: BasicRequestContext) async -> Response {
        let started = ContinuousClock.now
        let domain = context.parameters.get("domain") ?? ""
        guard let channel = Channel(rawValue: context.parameters.get("channel") ?? ""), channel != .email else {
            return notFound(nil, domain: domain)
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > Self.maxBodyBytes {
            return tooLarge(channel, domain: domain)
        }
        let account: WebhookAccount
        switch await self.account(domain: domain, channel: channel) {
        case .found(let found): account = found
        case .answered(let reply): return reply
        }
        var request = request
        let body: [UInt8]
        do {
            body = Array(try await request.collectBody(upTo: Self.maxBodyBytes).readableBytesView)
        } catch is NIOTooManyBytesError {
            return tooLarge(channel, domain: domain)
        } catch {
            // The client went away mid-body: nothing to answer, nothing stored.
            metrics.webhook(channel, .malformed)
            return Replies.error(.badRequest, "incomplete body")
        }
        let organization = account.organization.domain
        var log: Logger.Metadata = ["channel": "\(channel.rawValue)", "organization": "\(organization)", "bytes": "\(body.count)"]

        // Authenticity first: nothing of an unsigned body is read, stored or logged.
        do {
            if channel == .telegram {
                try WebhookSignature.verifyTelegram(
                    secretTokenHeader: request.headers[Self.telegramHeader], secretToken: account.credentials.secretToken ?? "")
            } else {
                try WebhookSignature.verifyMeta(
                    body: body, signatureHeader: request.headers[Self.signatureHeader], appSecret: account.credentials.appSecret ?? "")
            }
        } catch {
            metrics.webhook(channel, .unauthorized)
            log["reason"] = "\(error.description)"
            logger.warning("webhook signature refused; nothing stored", metadata: log)
            return Replies.error(.unauthorized, "bad signature")
        }

        let delivery: WebhookDelivery
        do {
            delivery = try WebhookDelivery.parse(
                body, channel: channel, limits: WebhookLimits(maxBytes: Self.maxBodyBytes))
        } catch {
            if case .tooLarge = error { return tooLarge(channel, domain: domain) }
            metrics.webhook(channel, .malformed)
            log["reason"] = "\(error.description)"
            logger.warning("webhook body refused; nothing stored", metadata: log)
            return Replies.error(.badRequest, "malformed payload")
        }

        let actor = Actor.service("webhook:\(channel.rawValue)", organization: account.organization)
        let database = database
        do {
            let result = try await Blocking.run {
                try database.ingestInbound(actor, channel: channel, events: delivery.events, updateId: delivery.updateId)
            }
            let duplicate = Self.isDuplicate(result)
            metrics.webhook(channel, duplicate ? .duplicate : .accepted)
            log["messages"] = "\(result.messages.filter { !$0.duplicate }.count)"
            log["duplicates"] = "\(result.messages.filter(\.duplicate).count)"
            log["statuses"] = "\(result.statuses.count)"
            log["unrecognized"] = "\(result.unrecognized.count)"
            if result.duplicateUpdate { log["duplicateUpdate"] = "true" }
            log["ms"] = "\(Self.milliseconds(since: started))"
            logger.info("webhook stored", metadata: log)
            return Replies.json(.ok, #"{"ok":true}"#)
        } catch let error as CorbiError {
            log["reason"] = ServerLog.text(error.message)
            switch error {
            case .invalid, .notFound, .usage:
                metrics.webhook(channel, .malformed)
                logger.warning("webhook events refused; nothing stored", metadata: log)
                return Replies.error(.badRequest, "events refused")
            case .temporary:
                metrics.webhook(channel, .unavailable)
                logger.error("webhook not stored: the database stayed locked", metadata: log)
                return Replies.text(.serviceUnavailable, "busy, try again\n", headers: [.retryAfter: "5"])
            case .permission, .internal:
                metrics.webhook(channel, .error)
                logger.error("webhook failed", metadata: log)
                return Replies.error(.internalServerError, "internal error")
            }
        } catch {
            metrics.webhook(channel, .error)
            log["reason"] = ServerLog.text("\(error)")
            logger.error("webhook failed", metadata: log)
            return Replies.error(.internalServerError, "internal error")
        }
    }

    /// A delivery that changed nothing because it had all been stored before.
    static func isDuplicate(_ result: InboundIngest) -> Bool {
        if result.duplicateUpdate { return true }
        return !result.messages.isEmpty && result.messages.allSatisfy(\.duplicate) && result.statuses.isEmpty
            && result.unrecognized.isEmpty
    }

    private enum AccountLookup {
        case found(WebhookAccount)
        /// No usable account: the answer to give.
        case answered(Response)
    }

    private func account(domain: String, channel: Channel) async -> AccountLookup {
        let database = database
        do {
            return .found(try await Blocking.run { try database.webhookAccount(domain: domain, channel: channel) })
        } catch let error as CorbiError where error.exitCode == 66 {
            return .answered(notFound(channel, domain: domain))
        } catch let error as CorbiError where error.exitCode == 75 {
            metrics.webhook(channel, .unavailable)
            return .answered(Replies.text(.serviceUnavailable, "busy, try again\n", headers: [.retryAfter: "5"]))
        } catch {
            // Secrets that cannot be opened with this key file, or a bug: not the sender's fault.
            metrics.webhook(channel, .error)
            logger.error(
                "webhook account unusable",
                metadata: ["channel": "\(channel.rawValue)", "organization": ServerLog.text(domain), "reason": ServerLog.text("\(error)")])
            return .answered(Replies.error(.internalServerError, "internal error"))
        }
    }

    private func notFound(_ channel: Channel?, domain: String) -> Response {
        metrics.webhook(channel, .notFound)
        logger.notice(
            "webhook for an unknown organization or channel",
            metadata: ["channel": "\(channel?.rawValue ?? "other")", "organization": ServerLog.text(domain)])
        return Replies.error(.notFound, "not found")
    }

    private func tooLarge(_ channel: Channel, domain: String) -> Response {
        metrics.webhook(channel, .tooLarge)
        logger.warning(
            "webhook body over \(Self.maxBodyBytes) bytes; nothing stored",
            metadata: ["channel": "\(channel.rawValue)", "organization": ServerLog.text(domain)])
        return Replies.error(.contentTooLarge, "body too large")
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = start.duration(to: .now)
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}
