import Foundation

/// Decodings for reading a MIME message: charsets, RFC 2047 encoded words,
/// quoted-printable and base64.
enum MIMEDecoding {
    /// `bytes` as text in `charset` (utf-8, us-ascii, iso-8859-1, iso-8859-15,
    /// windows-1252; anything else as UTF-8, or Latin-1 when it is not valid UTF-8).
    /// Never fails: undecodable bytes become U+FFFD.
    static func string(_ bytes: some Collection<UInt8>, charset: String?) -> String {
        let name = (charset ?? "utf-8").trimmingCharacters(in: .whitespaces).lowercased()
        switch name {
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1", "cp819":
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case "windows-1252", "cp1252", "x-cp1252":
            return String(String.UnicodeScalarView(bytes.map { windows1252($0) }))
        case "iso-8859-15", "iso8859-15", "latin9", "latin-9":
            return String(String.UnicodeScalarView(bytes.map { latin9($0) }))
        case "utf-8", "utf8", "us-ascii", "ascii", "":
            return String(decoding: Array(bytes), as: UTF8.self)
        default:
            let array = Array(bytes)
            if let text = String(validating: array, as: UTF8.self) { return text }
            return String(String.UnicodeScalarView(array.map { Unicode.Scalar($0) }))
        }
    }

    private static func windows1252(_ byte: UInt8) -> Unicode.Scalar {
        let table: [UInt32] = [
            0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
            0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
        ]
        guard (0x80...0x9F).contains(byte) else { return Unicode.Scalar(byte) }
        return Unicode.Scalar(table[Int(byte) - 0x80])!
    }

    private static func latin9(_ byte: UInt8) -> Unicode.Scalar {
        let changes: [UInt8: UInt32] = [0xA4: 0x20AC, 0xA6: 0x0160, 0xA8: 0x0161, 0xB4: 0x017D, 0xB8: 0x017E, 0xBC: 0x0152, 0xBD: 0x0153, 0xBE: 0x0178]
        return changes[byte].flatMap { Unicode.Scalar($0) } ?? Unicode.Scalar(byte)
    }

    /// A header value with its RFC 2047 encoded words (`=?charset?B|Q?...?=`) decoded;
    /// blanks between two encoded words are dropped, as the RFC says.
    static func decodeEncodedWords(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var result = ""
        var pendingBlank = ""
        var lastWasEncoded = false
        var rest = Substring(value)
        while !rest.isEmpty {
            if rest.hasPrefix("=?"), let (decoded, length) = encodedWord(rest) {
                if !lastWasEncoded { result += pendingBlank }
                pendingBlank = ""
                result += decoded
                rest = rest.dropFirst(length)
                lastWasEncoded = true
                continue
            }
            let ch = rest.removeFirst()
            if ch == " " || ch == "\t" {
                pendingBlank.append(ch)
            } else {
                result += pendingBlank
                pendingBlank = ""
                result.append(ch)
                lastWasEncoded = false
            }
        }
        return result + pendingBlank
    }

    /// The decoded text of the encoded word at the start of `text` and its length.
    private static func encodedWord(_ text: Substring) -> (String, Int)? {
        // =?charset?E?encoded?=  — at most 75 characters by the RFC; allow more, not unbounded.
        let parts = text.dropFirst(2).split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[3].hasPrefix("="), parts[2].count <= 2000 else { return nil }
        var charset = String(parts[0])
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }
        let payload = parts[2]
        guard !charset.isEmpty, !payload.contains(" ") else { return nil }
        let bytes: [UInt8]
        switch parts[1].uppercased() {
        case "B": bytes = base64(Array(payload.utf8))
        case "Q": bytes = quotedPrintable(Array(payload.utf8), underscoreIsSpace: true)
        default: return nil
        }
        let length = 2 + parts[0].count + 1 + parts[1].count + 1 + payload.count + 2
        return (string(bytes, charset: charset), length)
    }

    /// Quoted-printable bytes decoded; soft line breaks removed, malformed escapes kept as they are.
    static func quotedPrintable(_ bytes: [UInt8], underscoreIsSpace: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "=") {
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\n") {
                    i += 2
                    continue
                }
                if i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "\r"), bytes[i + 2] == UInt8(ascii: "\n") {
                    i += 3
                    continue
                }
                if i + 2 < bytes.count, let high = hex(bytes[i + 1]), let low = hex(bytes[i + 2]) {
                    out.append(high << 4 | low)
                    i += 3
                    continue
                }
            }
            out.append(underscoreIsSpace && byte == UInt8(ascii: "_") ? UInt8(ascii: " ") : byte)
            i += 1
        }
        return out
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x37
        case 0x61...0x66: byte - 0x57
        default: nil
        }
    }

    /// Base64 decoded leniently: characters outside the alphabet are skipped and a
    /// truncated tail is dropped.
    static func base64(_ bytes: [UInt8]) -> [UInt8] {
        var clean = bytes.filter {
            (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2B || $0 == 0x2F
        }
        clean.removeLast(clean.count % 4 == 1 ? 1 : 0)
        while clean.count % 4 != 0 { clean.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(clean)).map { Array($0) } ?? []
    }

    /// Plain text from HTML: scripts and styles dropped, line breaks for `<br>` and block
    /// ends, tags removed, the common entities decoded.
    static func textFromHTML(_ html: String) -> String {
        var text = html
        for block in ["script", "style", "head"] {
            while let start = text.range(of: "<\(block)", options: .caseInsensitive),
                let end = text.range(of: "</\(block)>", options: .caseInsensitive, range: start.upperBound..<text.endIndex)
            {
                text.removeSubrange(start.lowerBound..<end.upperBound)
            }
        }
        var out = ""
        var inTag = false
        var tag = ""
        for ch in text {
            if inTag {
                if ch == ">" {
                    inTag = false
                    let name = tag.lowercased().trimmingCharacters(in: .whitespaces)
                    if name.hasPrefix("br") || name.hasPrefix("/p") || name.hasPrefix("/div") || name.hasPrefix("/li") || name.hasPrefix("/tr") {
                        out.append("\n")
                    }
                } else {
                    tag.append(ch)
                }
            } else if ch == "<" {
                inTag = true
                tag = ""
            } else {
                out.append(ch)
            }
        }
        let entities = ["&nbsp;": " ", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'", "&apos;": "'", "&amp;": "&"]
        for (entity, value) in entities { out = out.replacingOccurrences(of: entity, with: value, options: .caseInsensitive) }
        return out
    }
}
