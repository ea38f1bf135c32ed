/// Text from outside (knowledge-base files, messages, names, model replies) made safe to
/// print on a terminal: a control character can set a window title, clear the screen,
/// move the cursor or hide text, so every one is shown as a visible symbol instead.
///
/// Kept: newline, tab, and a carriage return that ends a line (CRLF in iCalendar text).
/// Shown: C0 controls as their Unicode control pictures (ESC as `␛`), DEL as `␡`, C1
/// controls and bidirectional overrides (which reorder what a reader sees) as `�`.
public enum TerminalText {
    public static func safe(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.contains(where: needsReplacing) || scalars.contains("\r") else { return text }
        var out = String.UnicodeScalarView()
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let next = scalars.index(after: index)
            if scalar == "\r" {
                if next < scalars.endIndex, scalars[next] == "\n" {
                    out.append(scalar)
                } else {
                    out.append(Unicode.Scalar(0x240D)!)
                }
            } else if needsReplacing(scalar) {
                out.append(contentsOf: replacement(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
            index = next
        }
        return String(out)
    }

    /// Whether printing `scalar` could change what the terminal does or shows.
    static func needsReplacing(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x0D: false  // decided with the next scalar
        case 0x00...0x1F, 0x7F, 0x80...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    static func replacement(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x00...0x1F: String(Unicode.Scalar(0x2400 + scalar.value)!)
        case 0x7F: "\u{2421}"
        default: "\u{FFFD}"
        }
    }

    /// JSON text with C1 controls and bidirectional overrides escaped as `\uXXXX` (the
    /// encoder escapes C0 controls itself but writes these raw): the same value for a
    /// parser, nothing a terminal acts on.
    static func escapingJSON(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: needsReplacing) else { return json }
        var out = ""
        for scalar in json.unicodeScalars {
            if needsReplacing(scalar) && scalar.value >= 0x7F {
                out += "\\u" + String(scalar.value, radix: 16, uppercase: false).leftPadded(to: 4)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
