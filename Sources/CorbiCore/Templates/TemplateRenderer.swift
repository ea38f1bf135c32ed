import Foundation

/// Finds and fills the placeholders of a template, by WhatsApp's rules: `{{first_name}}`
/// (lower-case letters, digits and `_`, starting with a letter or `_`) or positional
/// `{{1}}`..`{{n}}` without gaps, never both in one template. Spaces just inside the
/// braces are allowed and ignored (`{{ first_name }}` is `{{first_name}}`). Rendering is
/// plain text: values are inserted as given, nothing is escaped.
public enum TemplateRenderer {
    /// One piece of a parsed template.
    enum Piece: Equatable {
        case text(String)
        case placeholder(String)
    }

    /// The variables of `texts` (the subject, then the body: the order a reader meets
    /// them) in order of first use. Throws 65 for
    /// a malformed or invalid placeholder, a mix of named and positional ones, or a gap.
    public static func variables(of texts: [String]) throws -> [String] {
        var seen: [String] = []
        for text in texts {
            for case .placeholder(let name) in try parse(text) where !seen.contains(name) {
                seen.append(name)
            }
        }
        let positional = seen.filter(isPositional)
        if !positional.isEmpty && positional.count != seen.count {
            let named = seen.filter { !isPositional($0) }
            throw CorbiError.invalid(
                "Placeholders are either all named or all positional, never mixed: this template has "
                    + "\(positional.map(braced).joined(separator: ", ")) and \(named.map(braced).joined(separator: ", ")).")
        }
        if !positional.isEmpty {
            let numbers = Set(positional.compactMap { Int($0) })
            if let gap = (1...numbers.count).first(where: { !numbers.contains($0) }) {
                throw CorbiError.invalid(
                    "Positional placeholders run from {{1}} to {{n}} without gaps: {{\(gap)}} is missing.")
            }
        }
        return seen
    }

    /// `text` with each placeholder replaced by its value. Throws 65 listing every
    /// placeholder without a value.
    public static func render(_ text: String, values: [String: String]) throws -> String {
        let pieces = try parse(text)
        var missing: [String] = []
        var output = ""
        for piece in pieces {
            switch piece {
            case .text(let t):
                output += t
            case .placeholder(let name):
                if let value = values[name] {
                    output += value
                } else if !missing.contains(name) {
                    missing.append(name)
                }
            }
        }
        if !missing.isEmpty {
            throw CorbiError.invalid("Missing variables: \(missing.joined(separator: ", ")).")
        }
        return output
    }

    /// Whether `name` is a positional placeholder (`1`, `2`, ...).
    public static func isPositional(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy(isDigit)
    }

    /// `0`-`9` (template names and placeholders are ASCII only).
    static func isDigit(_ c: Character) -> Bool { ("0"..."9").contains(c) }
    /// `a`-`z`.
    static func isLowerLetter(_ c: Character) -> Bool { ("a"..."z").contains(c) }

    static func braced(_ name: String) -> String { "{{\(name)}}" }

    /// Splits `text` into literal text and placeholders. A lone `{` or `}` is text; `{{`
    /// must be closed by `}}` on the same template.
    static func parse(_ text: String) throws -> [Piece] {
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            literal += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                throw CorbiError.invalid("A placeholder opened with {{ is never closed with }}: '\(excerpt(rest[open.lowerBound...]))'.")
            }
            let raw = String(afterOpen[..<close.lowerBound])
            let name = raw.trimmingCharacters(in: .whitespaces)
            try check(name, raw: raw)
            if !literal.isEmpty { pieces.append(.text(literal)) }
            literal = ""
            pieces.append(.placeholder(name))
            rest = afterOpen[close.upperBound...]
        }
        literal += rest
        if !literal.isEmpty { pieces.append(.text(literal)) }
        return pieces
    }

    private static func check(_ name: String, raw: String) throws {
        if name.isEmpty {
            throw CorbiError.invalid("The placeholder {{\(raw)}} is empty: name it, like {{first_name}}, or number it, like {{1}}.")
        }
        if isPositional(name) {
            guard let n = Int(name), n >= 1, !name.hasPrefix("0") else {
                throw CorbiError.invalid("The placeholder {{\(raw)}} is not valid: positions start at {{1}}.")
            }
            return
        }
        let allowed = name.allSatisfy { isLowerLetter($0) || isDigit($0) || $0 == "_" }
        let first = name.first!
        guard allowed, isLowerLetter(first) || first == "_" else {
            throw CorbiError.invalid(
                "The placeholder {{\(raw)}} is not valid: use lower-case letters, digits and _ (like {{first_name}}) or a position (like {{1}}).")
        }
    }

    private static func excerpt(_ s: Substring) -> String {
        let line = s.prefix { $0 != "\n" }
        return line.count > 30 ? String(line.prefix(30)) + "..." : String(line)
    }
}

