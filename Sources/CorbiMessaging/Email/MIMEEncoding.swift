import Foundation

/// Encodings for writing a MIME message: RFC 2047 encoded words for headers and
/// quoted-printable (RFC 2045) for the body.
enum MIMEEncoding {
    /// Longest header line we write (RFC 5322 recommends 78 characters).
    static let lineLimit = 78

    /// Whether `text` can stand in a header as it is: printable ASCII and spaces only, and
    /// nothing that a reader would take for an encoded word.
    static func isPlainHeaderText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { ($0.value >= 0x20 && $0.value < 0x7F) } && !text.contains("=?")
    }

    /// `text` as RFC 2047 `B` encoded words of UTF-8, each at most 75 characters, split
    /// between characters so no word holds part of one.
    static func encodedWords(_ text: String) -> [String] {
        // 75 − len("=?UTF-8?B?") − len("?=") = 63 base64 characters → 45 bytes.
        let maxBytes = 45
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
            chunk = []
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count > maxBytes {
                // A very long grapheme (emoji sequences): split between its scalars instead.
                for scalar in character.unicodeScalars {
                    let scalarBytes = Array(String(scalar).utf8)
                    if chunk.count + scalarBytes.count > maxBytes { flush() }
                    chunk += scalarBytes
                }
                continue
            }
            if chunk.count + bytes.count > maxBytes { flush() }
            chunk += bytes
        }
        flush()
        return words
    }

    /// An unstructured header (`Subject`) with its value: plain and folded at spaces when
    /// it is printable ASCII, encoded words otherwise. Line breaks and control characters
    /// in `value` become spaces first, so a value can never start another header.
    static func unstructuredHeader(_ name: String, _ value: String, newline: String) -> String {
        let flat = flatten(value)
        if isPlainHeaderText(flat) {
            let folded = foldAtSpaces(name + ": " + flat, newline: newline)
            if folded.split(separator: newline).allSatisfy({ $0.count <= 998 }) { return folded }
        }
        return name + ": " + encodedWords(flat).joined(separator: newline + " ")
    }

    /// A display name for an address header: as is, quoted, or encoded words.
    static func displayName(_ name: String) -> String {
        let flat = flatten(name)
        guard isPlainHeaderText(flat) else { return encodedWords(flat).joined(separator: " ") }
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ")
        if flat.allSatisfy(atext.contains) && !flat.hasPrefix(" ") { return flat }
        return "\"" + flat.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Control characters (CR and LF first of all) replaced by spaces, ends trimmed.
    static func flatten(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" ? " " : $0
        })).trimmingCharacters(in: .whitespaces)
    }

    /// Folds a header line at spaces so lines stay within `lineLimit` where a space allows.
    static func foldAtSpaces(_ line: String, newline: String) -> String {
        guard line.count > lineLimit else { return line }
        var lines: [String] = []
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count > lineLimit {
                lines.append(current)
                current = String(word)
            } else {
                current += " " + word
            }
        }
        lines.append(current)
        return lines.joined(separator: newline + " ")
    }

    /// `text` as quoted-printable lines of at most 76 characters. Line breaks of any kind
    /// become `newline`; `=`, non-ASCII bytes, control characters and trailing blanks are
    /// encoded; a line starting with `From ` or `.` is encoded too, so no transport mangles it.
    static func quotedPrintable(_ text: String, newline: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var output: [String] = []
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = Array(line.utf8)
            var encoded: [String] = []
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let literal: Bool
                switch byte {
                case UInt8(ascii: "="): literal = false
                case UInt8(ascii: " "), UInt8(ascii: "\t"): literal = !isLast
                case 33...126: literal = !(index == 0 && (byte == UInt8(ascii: ".") || (byte == UInt8(ascii: "F") && line.hasPrefix("From "))))
                default: literal = false
                }
                encoded.append(literal ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte))
            }
            // Soft line breaks keep each physical line within 76 characters.
            var current = ""
            for token in encoded {
                if current.count + token.count > 75 {
                    output.append(current + "=")
                    current = ""
                }
                current += token
            }
            output.append(current)
        }
        return output.joined(separator: newline)
    }
}
