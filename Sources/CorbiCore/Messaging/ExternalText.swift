import Foundation

/// Text that came from outside (webhook payloads, provider replies, senders' names).
/// It is stored as given, but whatever Corbi builds from it for people to read goes
/// through here first: a terminal must not receive escape sequences or bidi overrides
/// from a stranger's profile name.
public enum ExternalText {
    /// `text` with control and format characters (escapes, line breaks, bidi overrides,
    /// zero-width characters) turned into spaces, runs of whitespace collapsed, trimmed,
    /// and cut to `limit` characters (with `…`).
    public static func display(_ text: String, limit: Int = 500) -> String {
        var scalars = String.UnicodeScalarView()
        var lastWasSpace = true
        for scalar in text.unicodeScalars {
            let category = scalar.properties.generalCategory
            let blank = category == .control || category == .format || category == .lineSeparator
                || category == .paragraphSeparator || scalar.properties.isWhitespace
            if blank {
                if !lastWasSpace { scalars.append(" ") }
                lastWasSpace = true
            } else {
                scalars.append(scalar)
                lastWasSpace = false
            }
        }
        var result = String(scalars)
        if result.hasSuffix(" ") { result.removeLast() }
        if result.count > limit { result = String(result.prefix(max(0, limit - 1))) + "…" }
        return result
    }

    /// The display form, or nil when nothing printable is left.
    public static func displayOrNil(_ text: String?, limit: Int = 500) -> String? {
        guard let text else { return nil }
        let shown = display(text, limit: limit)
        return shown.isEmpty ? nil : shown
    }

    /// How deep a payload may nest. Providers' payloads nest less than ten levels;
    /// Foundation's JSON reader gives up at 512, so a deeper payload stored as text could
    /// not be read back.
    public static let maximumPayloadDepth = JSONValue.maximumDepth

    /// The payload's canonical JSON text, refused (65) when it nests absurdly deep or
    /// holds something JSON cannot write (a payload is stored to be printed back).
    public static func payloadText(_ payload: JSONValue) throws -> String {
        guard depth(of: payload, limit: maximumPayloadDepth) <= maximumPayloadDepth else {
            throw CorbiError.invalid("The payload nests more than \(maximumPayloadDepth) levels deep: refused.")
        }
        let text = payload.canonicalString
        if text == "null" && payload != .null {
            throw CorbiError.invalid("The payload holds values JSON cannot write (not a number or infinite).")
        }
        return text
    }

    /// The nesting depth of `value` (a scalar is 0), counted without recursion and
    /// without looking further once past `limit`.
    static func depth(of value: JSONValue, limit: Int) -> Int {
        var deepest = 0
        var stack: [(JSONValue, Int)] = [(value, 0)]
        while let (current, level) = stack.popLast() {
            deepest = max(deepest, level)
            if deepest > limit { return deepest }
            switch current {
            case .array(let items): stack.append(contentsOf: items.map { ($0, level + 1) })
            case .object(let fields): stack.append(contentsOf: fields.values.map { ($0, level + 1) })
            default: break
            }
        }
        return deepest
    }

    /// A provider's id (message id, media id, update id): printable, no spaces, at most
    /// 256 characters; 65 naming `what` otherwise.
    static func providerID(_ text: String, what: String) throws -> String {
        let id = text.trimmed
        guard !id.isEmpty, id.count <= 256,
            id.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0.properties.generalCategory != .control && $0.properties.generalCategory != .format })
        else {
            throw CorbiError.invalid("The \(what) '\(display(id, limit: 40))' is not a provider id (1 to 256 printable characters, no spaces).")
        }
        return id
    }
}
