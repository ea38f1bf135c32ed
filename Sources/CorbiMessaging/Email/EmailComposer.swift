import CorbiCore
import Foundation

/// Writes an `OutgoingMessage` as an RFC 5322 message with a UTF-8 quoted-printable text
/// body: `Date`, `From`, `To`, `Subject` (RFC 2047 when not plain ASCII), `Message-ID`
/// derived from the trace id, MIME headers, and `List-Unsubscribe` (mailto, and https
/// with `List-Unsubscribe-Post: List-Unsubscribe=One-Click` per RFC 8058). No header
/// value can carry a line break: every value is flattened, checked or encoded.
public struct EmailComposer: Sendable {
    /// Line endings of the composed message.
    public enum LineEnding: String, Sendable {
        /// `\n`, what local submission (`sendmail -t`) expects.
        case lf = "\n"
        /// `\r\n`, the wire form of RFC 5322.
        case crlf = "\r\n"
    }

    /// Line endings of the composed message (default `.lf`).
    public var lineEnding: LineEnding
    /// The zone the `Date` header is written in (default UTC).
    public var timeZone: TimeZone

    /// A composer writing with `lineEnding`, dates in `timeZone`.
    public init(lineEnding: LineEnding = .lf, timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.lineEnding = lineEnding
        self.timeZone = timeZone
    }

    /// The message as bytes, with its Message-ID (without angle brackets).
    public func compose(_ message: OutgoingMessage, date: Date) throws(EmailCompositionError) -> ComposedEmail {
        guard message.channel == .email else { throw .wrongChannel }
        guard let details = message.email else { throw .missingSender }
        let to: EmailAddress
        do { to = try EmailAddress(address: message.recipient) } catch { throw .invalidRecipient }
        guard let idLeft = Self.messageIdLeft(message.traceId) else { throw .invalidTraceId }
        let messageId = "\(idLeft)@\(details.from.domain)"
        let nl = lineEnding.rawValue

        var headers: [String] = []
        headers.append("Date: " + Self.rfc5322Date(date, timeZone: timeZone))
        headers.append(MIMEEncoding.foldAtSpaces("From: " + Self.mailbox(details.from), newline: nl))
        headers.append("To: " + Self.mailbox(to))
        if let subject = message.subject, !MIMEEncoding.flatten(subject).isEmpty {
            headers.append(MIMEEncoding.unstructuredHeader("Subject", subject, newline: nl))
        }
        headers.append("Message-ID: <\(messageId)>")
        headers.append("MIME-Version: 1.0")
        headers.append("Content-Type: text/plain; charset=utf-8")
        headers.append("Content-Transfer-Encoding: quoted-printable")
        if let unsubscribe = details.listUnsubscribe {
            let mailto = try Self.mailtoURI(unsubscribe.mailto)
            var targets = ["<\(mailto)>"]
            if let https = unsubscribe.oneClickURL {
                targets.append("<\(try Self.httpsURI(https))>")
            }
            headers.append("List-Unsubscribe: " + targets.joined(separator: "," + nl + " "))
            if unsubscribe.oneClickURL != nil {
                headers.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
            }
        }

        var body = message.content.text
        if let media = message.mediaURL {
            guard case .success(let link) = MediaLink.check(media) else { throw .invalidMediaURL }
            body += (body.isEmpty ? "" : "\n\n") + link.url
        }
        let text = headers.joined(separator: nl) + nl + nl + MIMEEncoding.quotedPrintable(body, newline: nl) + nl
        return ComposedEmail(messageId: messageId, data: Data(text.utf8))
    }

    /// `Name <address>` with the name quoted or encoded as needed.
    static func mailbox(_ mailbox: EmailAddress) -> String {
        guard let name = mailbox.displayName else { return mailbox.address }
        return MIMEEncoding.displayName(name) + " <\(mailbox.address)>"
    }

    /// The left part of the Message-ID: the trace id reduced to dot-atom characters.
    static func messageIdLeft(_ traceId: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~")
        var result = ""
        for ch in traceId.trimmingCharacters(in: .whitespaces) {
            if allowed.contains(ch) {
                result.append(ch)
            } else if !result.isEmpty, result.last != "." {
                result.append(".")
            }
        }
        while result.last == "." { result.removeLast() }
        guard !result.isEmpty, result.count <= 200 else { return nil }
        return result
    }

    /// `Tue, 01 Dec 2026 09:30:00 +0100`.
    static func rfc5322Date(_ date: Date, timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    /// A `mailto:` URI for `List-Unsubscribe` from an address or a mailto URI.
    static func mailtoURI(_ target: String) throws(EmailCompositionError) -> String {
        let trimmed = target.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased().hasPrefix("mailto:") {
            let address = String(trimmed.dropFirst(7).prefix { $0 != "?" })
            guard isURISafe(trimmed), Validation.isEmail(address.lowercased()) else { throw .invalidUnsubscribe }
            return trimmed
        }
        guard Validation.isEmail(trimmed.lowercased()), isURISafe(trimmed) else { throw .invalidUnsubscribe }
        return "mailto:" + trimmed
    }

    /// An https URI for `List-Unsubscribe` (RFC 8058 requires https for one-click).
    static func httpsURI(_ target: String) throws(EmailCompositionError) -> String {
        let trimmed = target.trimmingCharacters(in: .whitespaces)
        guard isURISafe(trimmed), let url = URL(string: trimmed), url.scheme?.lowercased() == "https", url.host?.isEmpty == false else {
            throw .invalidUnsubscribe
        }
        return trimmed
    }

    /// Printable ASCII without the characters that end or split a `List-Unsubscribe` entry.
    static func isURISafe(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 2000
            && text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && !"<>\",".unicodeScalars.contains($0) }
    }
}

/// A composed email.
public struct ComposedEmail: Sendable, Equatable {
    /// The Message-ID without angle brackets (`trace-id@example.com`).
    public let messageId: String
    /// The whole message, headers and body.
    public let data: Data

    /// The message as text.
    public var text: String { String(decoding: data, as: UTF8.self) }
}

/// Why a message cannot be written as an email.
public enum EmailCompositionError: Error, Sendable, Equatable, CustomStringConvertible {
    case wrongChannel
    /// No `EmailDetails` (no From address).
    case missingSender
    case invalidRecipient
    /// The trace id has nothing a Message-ID can use.
    case invalidTraceId
    /// A `List-Unsubscribe` target is not a mail address / mailto URI or not an https URL.
    case invalidUnsubscribe
    case invalidMediaURL

    /// A sentence for an error message.
    public var description: String { failure.message }

    /// The failure a provider reports for this error (always permanent).
    public var failure: ProviderFailure {
        switch self {
        case .wrongChannel: ProviderFailure(code: "wrong-channel", message: "only email messages can be sent as email")
        case .missingSender: ProviderFailure(code: "configuration", message: "the email channel has no From address")
        case .invalidRecipient: ProviderFailure(code: "invalid-recipient", message: "the recipient is not a valid email address")
        case .invalidTraceId: ProviderFailure(code: "configuration", message: "the trace id cannot make a Message-ID")
        case .invalidUnsubscribe: ProviderFailure(code: "configuration", message: "a List-Unsubscribe target is not a mailto address or an https URL")
        case .invalidMediaURL: ProviderFailure(code: "invalid-media-url", message: "the media URL must be an absolute https URL")
        }
    }
}
