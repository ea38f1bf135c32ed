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

    /// `text` as RFC 2047 `B` encoded words of UTF-8, split between characters so no word
    /// holds part of one.
    static func encodedWords(_ text: String) -> [String] {
        // 39 bytes → 52 base64 characters → 64-character words: with "Subject: " before
        // the first, every line stays within 78 characters.
        let maxBytes = 39
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

    /// Each run of control characters (CR and LF first of all, NEL and the Unicode line
    /// separators too) replaced by one space, ends trimmed.
    static func flatten(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var inRun = false
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                if !inRun { scalars.append(" ") }
                inRun = true
            } else {
                scalars.append(scalar)
                inRun = false
            }
        }
        return String(scalars).trimmingCharacters(in: .whitespaces)
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
        let hex = Array("0123456789ABCDEF".utf8)
        let newlineBytes = Array(newline.utf8)
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        var lineLength = 0
        var lineStart = true
        var index = 0
        func append(_ byte: UInt8, encoded: Bool) {
            let width = encoded ? 3 : 1
            // A soft line break keeps each physical line within 76 characters; a dot that
            // would then open a line is encoded like any other.
            var encoded = encoded
            if lineLength + width > 75 {
                out.append(UInt8(ascii: "="))
                out.append(contentsOf: newlineBytes)
                lineLength = 0
                if byte == UInt8(ascii: ".") { encoded = true }
            }
            if encoded {
                out.append(UInt8(ascii: "="))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
                lineLength += 3
            } else {
                out.append(byte)
                lineLength += 1
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D || byte == 0x0A {
                // CRLF, CR and LF all end a line.
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                out.append(contentsOf: newlineBytes)
                lineLength = 0
                lineStart = true
                index += 1
                continue
            }
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0x0A
            let atLineEnd = next == 0x0A || next == 0x0D
            let literal: Bool
            switch byte {
            case UInt8(ascii: "="): literal = false
            case UInt8(ascii: " "), UInt8(ascii: "\t"): literal = !atLineEnd
            case UInt8(ascii: "."): literal = !lineStart
            case UInt8(ascii: "F"): literal = !(lineStart && bytes[index...].starts(with: Array("From ".utf8)))
            case 33...126: literal = true
            default: literal = false
            }
            append(byte, encoded: !literal)
            lineStart = false
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
