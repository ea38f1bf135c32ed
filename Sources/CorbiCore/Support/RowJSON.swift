import Foundation
import GRDB

/// A database row as one JSON object, every column as stored: NULL as null, integers and
/// reals as numbers, text as strings (JSON text stays text), blobs as base64 strings.
/// Written by hand because exports turn millions of rows into lines, and a Codable
/// round trip per row would cost more than reading it.
enum RowJSON {
    /// `{"type":TYPE,"col":value,...}` in the row's column order (no `type` when nil). A
    /// column named `prefix.name` goes into a nested object `prefix` (consecutive columns
    /// only). `extra` members (already JSON) are appended last.
    static func object(
        type: String?, row: Row, excluding: (String) -> Bool = { _ in false }, extra: [(String, String)] = []
    ) -> String {
        var out = "{"
        var first = true
        func member(_ key: String) {
            if !first { out += "," }
            first = false
            appendString(key, to: &out)
            out += ":"
        }
        if let type {
            member("type")
            appendString(type, to: &out)
        }
        var openPrefix: String?
        for (column, value) in row {
            if excluding(column) { continue }
            var name = column
            if let dot = column.firstIndex(of: ".") {
                let prefix = String(column[..<dot])
                name = String(column[column.index(after: dot)...])
                if openPrefix != prefix {
                    if openPrefix != nil { out += "}" }
                    member(prefix)
                    out += "{"
                    first = true
                    openPrefix = prefix
                }
            } else if openPrefix != nil {
                out += "}"
                openPrefix = nil
            }
            member(name)
            append(value, to: &out)
        }
        if openPrefix != nil { out += "}" }
        for (key, json) in extra {
            member(key)
            out += json
        }
        out += "}"
        return out
    }

    static func append(_ value: DatabaseValue, to out: inout String) {
        switch value.storage {
        case .null: out += "null"
        case .int64(let i): out += String(i)
        case .double(let d): out += d.isFinite ? "\(d)" : "null"
        case .string(let s): appendString(s, to: &out)
        case .blob(let data): appendString(data.base64EncodedString(), to: &out)
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, all
    /// else (non-ASCII included) as it is.
    static func appendString(_ s: String, to out: inout String) {
        var bytes: [UInt8] = [0x22]
        bytes.reserveCapacity(s.utf8.count + 2)
        for byte in s.utf8 {
            switch byte {
            case 0x22: bytes += [0x5C, 0x22]
            case 0x5C: bytes += [0x5C, 0x5C]
            case 0x0A: bytes += [0x5C, 0x6E]
            case 0x0D: bytes += [0x5C, 0x72]
            case 0x09: bytes += [0x5C, 0x74]
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
        out += String(decoding: bytes, as: UTF8.self)
    }
}
