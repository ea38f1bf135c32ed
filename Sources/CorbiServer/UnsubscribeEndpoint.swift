import CorbiCore
import CorbiMessaging
import Foundation
import Hummingbird
import Logging

/// `/unsubscribe/{token}`, the link in every email's `List-Unsubscribe`.
///
/// - `POST` is RFC 8058's one-click: mail clients post `List-Unsubscribe=One-Click`; the
///   address is suppressed and what waits for it cancelled (the core does it, audited as
///   `unsubscribe`). Idempotent; an unknown token is 404.
/// - `GET` (a person opening the link, or a mail scanner following it) only shows a page
///   with a button that posts: a GET never unsubscribes anyone.
///
/// The token is a capability, so it never reaches a log line.
struct UnsubscribeEndpoint: Sendable {
    let database: AppDatabase
    let metrics: ServerMetrics
    let logger: Logger

    func confirm(_ request: Request, _ context: BasicRequestContext) async -> Response {
        guard Self.isToken(context.parameters.get("token") ?? "") else { return notFound() }
        return Replies.html(.ok, Self.page(
            title: "Unsubscribe",
            body: """
                <p>Do you want to stop receiving these emails?</p>
                <form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">\
                <button type="submit">Unsubscribe</button></form>
                """))
    }

    func unsubscribe(_ request: Request, _ context: BasicRequestContext) async -> Response {
        let token = context.parameters.get("token") ?? ""
        guard Self.isToken(token) else { return notFound() }
        let database = database
        do {
            let done = try await Blocking.run { try database.unsubscribe(token: token) }
            metrics.unsubscribe("unsubscribed")
            logger.info(
                "unsubscribed",
                metadata: [
                    "organization": "\(done.organization.domain)", "channel": "\(done.channel.rawValue)", "added": "\(done.added)",
                    "cancelledMessages": "\(done.cancelledMessages)",
                ])
            return Replies.html(.ok, Self.page(
                title: "Unsubscribed",
                body: "<p>You will receive no more emails from \(Self.escape(done.organization.name)) at this address.</p>"))
        } catch let error as CorbiError where error.exitCode == 66 {
            return notFound()
        } catch let error as CorbiError where error.exitCode == 75 {
            metrics.unsubscribe("unavailable")
            logger.error("unsubscribe not stored: the database stayed locked")
            return Replies.text(.serviceUnavailable, "busy, try again\n", headers: [.retryAfter: "5"])
        } catch {
            metrics.unsubscribe("error")
            logger.error("unsubscribe failed", metadata: ["reason": ServerLog.text("\(error)")])
            return Replies.text(.internalServerError, "internal error\n")
        }
    }

    private func notFound() -> Response {
        metrics.unsubscribe("not_found")
        logger.notice("unsubscribe link unknown")
        return Replies.html(.notFound, Self.page(title: "Unknown link", body: "<p>This unsubscribe link is not known.</p>"))
    }

    /// Tokens are base64url: anything else is no token (and is never put in a page).
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 128
            && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }

    static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1rem}</style>
        </head><body><h1>\(escape(title))</h1>
        \(body)
        </body></html>

        """
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
