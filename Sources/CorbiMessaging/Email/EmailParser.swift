import CorbiCore
import Crypto
import Foundation

/// Reads an RFC 5322 message, as an MTA pipes it to `corbi inbound ingest email`: `From`
/// (display name and address), `To`, `Subject` and display names with RFC 2047 words,
/// `Message-ID`, `Date`, `In-Reply-To`, and the text: the `text/plain` part of a
/// multipart message (else its HTML as text), quoted-printable or base64, in utf-8,
/// us-ascii, iso-8859-1/15 or windows-1252. Never crashes on hostile input: bytes that do
/// not decode become U+FFFD, and nesting and part counts are bounded.
public struct EmailParser: Sendable {
    /// The largest message read, in bytes (default 10 MiB).
    public var maxBytes: Int

    /// A parser reading messages of at most `maxBytes`.
    public init(maxBytes: Int = 10 << 20) {
        self.maxBytes = maxBytes
    }

    /// The message as a `ReceivedMessage` on the email channel. A message without
    /// `Message-ID` gets `sha256-<digest of the message>@corbi.invalid`, so a redelivery
    /// is still recognized as a duplicate.
    public func parse(_ bytes: some Collection<UInt8>) throws(WebhookPayloadError) -> ReceivedMessage {
        guard bytes.count <= maxBytes else { throw .tooLarge(limit: maxBytes) }
        let message = Array(bytes)
        let entity = Entity(message)
        guard !entity.headers.isEmpty else { throw .notEmail(reason: "no header fields") }
        guard let fromValue = entity.header("from") else { throw .notEmail(reason: "no From header") }
        guard let (rawName, rawAddress) = MailboxSyntax.split(fromValue),
            let from = try? EmailAddress(address: rawAddress, displayName: rawName.map(MIMEDecoding.decodeEncodedWords))
        else { throw .notEmail(reason: "the From header holds no valid address") }

        let recipients = (entity.header("to") ?? "").splitOutsideQuotes(",").compactMap { part -> String? in
            guard let (_, address) = MailboxSyntax.split(String(part)) else { return nil }
            return try? EmailAddress(address: address).address
        }
        let subject = entity.header("subject").map { MIMEEncoding.flatten(MIMEDecoding.decodeEncodedWords($0)) }
        let messageId = entity.header("message-id").flatMap(Self.angleId) ?? Self.syntheticId(message)
        let inReplyTo = entity.header("in-reply-to").flatMap(Self.angleId)
        let date = entity.header("date").flatMap(EmailDate.parse)
        let text = entity.text(depth: 0).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }

        let raw: JSONValue = .object([
            "from": .string(from.address), "fromName": .optional(from.displayName), "to": .array(recipients.map(JSONValue.string)),
            "subject": .optional(subject), "messageId": .string(messageId), "inReplyTo": .optional(inReplyTo),
            "date": .optional(entity.header("date")), "text": .optional(text),
        ])
        return ReceivedMessage(
            channel: .email, sender: from.address, senderName: from.displayName, recipients: recipients,
            providerMessageId: messageId, text: text, subject: subject, replyTo: inReplyTo, timestamp: date, raw: raw)
    }

    /// The id inside the first `<...>` (or the trimmed value), if it is a clean id.
    static func angleId(_ value: String) -> String? {
        var text = value.trimmingCharacters(in: .whitespaces)
        if let open = text.firstIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
            text = String(text[text.index(after: open)..<close])
        }
        text = text.trimmingCharacters(in: .whitespaces)
        return JSONNode.isCleanID(text) ? text : nil
    }

    static func syntheticId(_ message: [UInt8]) -> String {
        "sha256-" + SHA256.hash(data: message).prefix(16).map { String(format: "%02x", $0) }.joined() + "@corbi.invalid"
    }
}

/// One MIME entity: header fields and body, both from raw bytes.
private struct Entity {
    /// Header fields in order, names lower-cased, values unfolded.
    var headers: [(name: String, value: String)] = []
    var body: ArraySlice<UInt8> = []

    static let maxDepth = 8
    static let maxParts = 100

    init(_ bytes: some Collection<UInt8>) {
        let bytes = Array(bytes)
        var index = 0
        var lines: [String] = []
        var first = true
        while index < bytes.count {
            var end = index
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            var line = bytes[index..<end]
            if line.last == 0x0D { line = line.dropLast() }
            index = end + 1
            if line.isEmpty { break }
            // An mbox separator line before the headers.
            if first && line.starts(with: Array("From ".utf8)) { first = false; continue }
            first = false
            // Raw 8-bit headers are UTF-8 when they decode as such, else Latin-1.
            let text = MIMEDecoding.string(line, charset: "unknown-8bit")
            if let lead = line.first, lead == 0x20 || lead == 0x09, !lines.isEmpty {
                lines[lines.count - 1] += text
            } else {
                lines.append(text)
            }
            if lines.count > 1000 { break }
        }
        if index > bytes.count { index = bytes.count }
        body = bytes[index...]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty, !name.contains(" ") else { continue }
            headers.append((name, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
    }

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    /// `type/subtype` lower-cased and the parameters (names lower-cased, values unquoted).
    var contentType: (String, [String: String]) {
        guard let value = header("content-type") else { return ("text/plain", [:]) }
        let parts = value.splitOutsideQuotes(";")
        let type = parts.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? "text/plain"
        var parameters: [String: String] = [:]
        for part in parts.dropFirst() {
            guard let equals = part.firstIndex(of: "=") else { continue }
            let key = part[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = part[part.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            parameters[key] = value
        }
        return (type.isEmpty ? "text/plain" : type, parameters)
    }

    var isAttachment: Bool {
        header("content-disposition")?.lowercased().trimmingCharacters(in: .whitespaces).hasPrefix("attachment") ?? false
    }

    /// The body with its transfer encoding undone.
    var decodedBody: [UInt8] {
        switch header("content-transfer-encoding")?.lowercased().trimmingCharacters(in: .whitespaces) {
        case "quoted-printable": MIMEDecoding.quotedPrintable(Array(body))
        case "base64": MIMEDecoding.base64(Array(body))
        default: Array(body)
        }
    }

    /// The readable text: this entity's if it is text, else the best part's.
    func text(depth: Int) -> String? {
        let (type, parameters) = contentType
        if type.hasPrefix("multipart/") {
            guard depth < Self.maxDepth, let boundary = parameters["boundary"], !boundary.isEmpty else { return nil }
            let parts = Self.split(body, boundary: boundary).prefix(Self.maxParts).map { Entity($0) }
            let candidates = parts.filter { !$0.isAttachment }
            for part in candidates where part.contentType.0 == "text/plain" {
                if let text = part.text(depth: depth + 1) { return text }
            }
            for part in candidates where part.contentType.0.hasPrefix("multipart/") {
                if let text = part.text(depth: depth + 1) { return text }
            }
            for part in candidates where part.contentType.0 == "text/html" {
                if let text = part.text(depth: depth + 1) { return text }
            }
            return nil
        }
        guard !isAttachment else { return nil }
        let charset = parameters["charset"]
        switch type {
        case "text/plain": return MIMEDecoding.string(decodedBody, charset: charset)
        case "text/html": return MIMEDecoding.textFromHTML(MIMEDecoding.string(decodedBody, charset: charset))
        default: return nil
        }
    }

    /// The parts between `--boundary` lines, up to the closing `--boundary--`.
    static func split(_ body: ArraySlice<UInt8>, boundary: String) -> [ArraySlice<UInt8>] {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var index = body.startIndex
        while index < body.endIndex {
            var end = index
            while end < body.endIndex && body[end] != 0x0A { end += 1 }
            var line = body[index..<end]
            if line.last == 0x0D { line = line.dropLast() }
            if line.starts(with: delimiter) {
                let rest = line.dropFirst(delimiter.count)
                let closing = rest.starts(with: [0x2D, 0x2D])
                if closing || rest.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    if let start = partStart {
                        // The line break before a delimiter belongs to the delimiter.
                        var partEnd = index
                        if partEnd > start, body[partEnd - 1] == 0x0A { partEnd -= 1 }
                        if partEnd > start, body[partEnd - 1] == 0x0D { partEnd -= 1 }
                        parts.append(body[start..<partEnd])
                    }
                    if closing { return parts }
                    partStart = min(end + 1, body.endIndex)
                    if parts.count >= maxParts { return parts }
                }
            }
            index = end + 1
        }
        if let start = partStart, start < body.endIndex { parts.append(body[start..<body.endIndex]) }
        return parts
    }
}

extension String {
    /// Splits at `separator` where it is outside double quotes.
    func splitOutsideQuotes(_ separator: Character) -> [Substring] {
        var parts: [Substring] = []
        var start = startIndex
        var inQuotes = false
        var escaped = false
        for index in indices {
            let ch = self[index]
            if escaped { escaped = false; continue }
            if ch == "\\" { escaped = true; continue }
            if ch == "\"" { inQuotes.toggle() }
            if ch == separator && !inQuotes {
                parts.append(self[start..<index])
                start = self.index(after: index)
            }
        }
        parts.append(self[start...])
        return parts
    }
}
