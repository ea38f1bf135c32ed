import Foundation

/// The text of an HTML file with its tags removed and its line breaks kept, so that line
/// numbers of the text are those of the file.
enum HTMLText {
    struct Result {
        var lines: [Substring]
        var headings: [Chunker.Heading]
    }

    private static let inlineTags: Set<String> = [
        "a", "b", "i", "em", "strong", "span", "code", "sub", "sup", "small", "mark", "abbr", "u", "s", "tt", "kbd", "var", "q", "cite", "font",
    ]

    static func strip(_ html: String) -> Result {
        var out = String()
        out.reserveCapacity(html.utf8.count)
        var headings: [Chunker.Heading] = []
        var line = 0
        var openHeading: (line: Int, level: Int, start: String.Index)? = nil
        var rawUntil: String? = nil  // inside <script> or <style>: skip to its end tag
        let scalars = Array(html.unicodeScalars)
        var i = 0
        let n = scalars.count

        func emitNewlines(in range: Range<Int>) {
            for k in range where scalars[k] == "\n" {
                out.append("\n")
                line += 1
            }
        }

        while i < n {
            let c = scalars[i]
            if c == "<" {
                // Comment.
                if i + 3 < n, scalars[i + 1] == "!", scalars[i + 2] == "-", scalars[i + 3] == "-" {
                    var j = i + 4
                    while j + 2 < n, !(scalars[j] == "-" && scalars[j + 1] == "-" && scalars[j + 2] == ">") { j += 1 }
                    let end = min(n, j + 3)
                    emitNewlines(in: i..<end)
                    i = end
                    continue
                }
                var j = i + 1
                while j < n, scalars[j] != ">" { j += 1 }
                let end = min(n, j + 1)
                var name = ""
                var k = i + 1
                let closing = k < n && scalars[k] == "/"
                if closing { k += 1 }
                while k < j, scalars[k].properties.isAlphabetic || ("0"..."9").contains(scalars[k]) {
                    name.unicodeScalars.append(scalars[k]); k += 1
                }
                name = name.lowercased()
                if let until = rawUntil {
                    if closing, name == until { rawUntil = nil } else {
                        // Inside script or style everything is skipped, "<" included.
                        emitNewlines(in: i..<(i + 1))
                        i += 1
                        continue
                    }
                }
                emitNewlines(in: i..<end)
                if !closing, name == "script" || name == "style" { rawUntil = name }
                if name.count == 2, name.hasPrefix("h"), let level = Int(name.dropFirst()), (1...6).contains(level) {
                    if closing, let open = openHeading {
                        let title = collapse(decodeEntities(String(out[open.start...])))
                        headings.append(.init(line: open.line, level: open.level, title: title))
                        openHeading = nil
                    } else if !closing {
                        openHeading = (line, level, out.endIndex)
                    }
                }
                if !inlineTags.contains(name), out.last.map({ $0 != " " && $0 != "\n" }) ?? false { out.append(" ") }
                i = end
                continue
            }
            if rawUntil != nil {
                if c == "\n" { out.append("\n"); line += 1 }
                i += 1
                continue
            }
            if c == "\n" { line += 1 }
            out.unicodeScalars.append(c)
            i += 1
        }
        var lines = Chunker.splitLines(out)
        for idx in lines.indices where lines[idx].contains("&") || lines[idx].last == " " {
            let decoded = decodeEntities(String(lines[idx]))
            lines[idx] = Substring(decoded.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        }
        return Result(lines: lines, headings: headings)
    }

    private static func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "mdash": "—", "ndash": "–",
        "hellip": "…", "copy": "©", "reg": "®", "rsquo": "’", "lsquo": "‘", "ldquo": "“", "rdquo": "”", "middot": "·",
        "eacute": "é", "egrave": "è", "agrave": "à", "ccedil": "ç", "uuml": "ü", "ouml": "ö", "auml": "ä", "szlig": "ß",
    ]

    static func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = String()
        var rest = s[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(10).firstIndex(of: ";") {
                let entity = after[..<semi]
                var replacement: String? = named[String(entity)]
                if replacement == nil, entity.hasPrefix("#") {
                    let digits = entity.dropFirst()
                    let value = digits.hasPrefix("x") || digits.hasPrefix("X")
                        ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                    if let value, let scalar = Unicode.Scalar(value), value != 10 { replacement = String(Character(scalar)) }
                }
                if let replacement {
                    out += replacement
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        out += rest
        return out
    }
}
