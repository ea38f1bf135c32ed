import CorbiCore
import Foundation

/// Parses JSON from outside into `JSONValue`, refusing bodies nested deeper than a limit
/// before Foundation sees them: its parser gives up only at 512 levels, and a decoder
/// walking such a value recursively can exhaust the stack.
enum WireJSON {
    /// The default nesting limit; real provider payloads stay under 10.
    static let defaultMaxDepth = 64

    static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth) throws(WebhookPayloadError) -> JSONValue {
        let bytes = Array(bytes)
        try checkDepth(bytes, maxDepth: maxDepth)
        // JSONSerialization rather than JSONDecoder: decoding `JSONValue` through Codable
        // tries each type in turn and costs about 200 times as much per payload.
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw .notJSON
        }
        return value(object)
    }

    /// Foundation's parse result as a `JSONValue`. Booleans are told from numbers by their
    /// type encoding (`c`), integers that fit stay exact, the rest are doubles.
    private static func value(_ object: Any) -> JSONValue {
        switch object {
        case let text as String:
            return .string(text)
        case let number as NSNumber:
            switch UInt8(bitPattern: number.objCType.pointee) {
            case UInt8(ascii: "c"), UInt8(ascii: "B"): return .bool(number.boolValue)
            case UInt8(ascii: "d"), UInt8(ascii: "f"): return .double(number.doubleValue)
            case UInt8(ascii: "Q"), UInt8(ascii: "L"), UInt8(ascii: "I"), UInt8(ascii: "S"), UInt8(ascii: "C"):
                return number.uint64Value <= UInt64(Int64.max) ? .int(Int64(number.uint64Value)) : .double(number.doubleValue)
            default: return .int(number.int64Value)
            }
        case let array as [Any]:
            return .array(array.map(value))
        case let dictionary as [String: Any]:
            return .object(dictionary.mapValues(value))
        default:
            return .null
        }
    }

    /// Throws `tooDeep` when arrays and objects nest deeper than `maxDepth`, counting
    /// brackets outside strings only.
    static func checkDepth(_ bytes: [UInt8], maxDepth: Int) throws(WebhookPayloadError) {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        let tooDeep: Bool = bytes.withUnsafeBufferPointer { buffer in
            var depth = 0
            var inString = false
            var escaped = false
            for byte in buffer {
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == backslash {
                        escaped = true
                    } else if byte == quote {
                        inString = false
                    }
                    continue
                }
                switch byte {
                case quote:
                    inString = true
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    depth += 1
                    if depth > maxDepth { return true }
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    depth -= 1
                default:
                    break
                }
            }
            return false
        }
        if tooDeep { throw .tooDeep(limit: maxDepth) }
    }
}

/// A JSON value with the path that led to it, so a shape error can say where it is
/// without quoting the hostile payload.
struct JSONNode: Sendable {
    let value: JSONValue
    let path: String

    init(_ value: JSONValue, path: String = "$") {
        self.value = value
        self.path = path
    }

    /// The member `key` of an object; nil when absent, null, or when this is no object.
    subscript(key: String) -> JSONNode? {
        guard case .object(let members) = value, let member = members[key] else { return nil }
        if case .null = member { return nil }
        return JSONNode(member, path: path == "$" ? key : "\(path).\(key)")
    }

    var string: String? {
        if case .string(let text) = value { return text }
        return nil
    }

    /// An id the provider may send as a string or a whole number.
    var identifier: String? {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        default: nil
        }
    }

    var int: Int64? {
        switch value {
        case .int(let number): number
        case .double(let number) where number.rounded() == number && abs(number) < 9e15: Int64(number)
        default: nil
        }
    }

    var double: Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number
        case .string(let text): Double(text)
        default: nil
        }
    }

    var bool: Bool? {
        if case .bool(let flag) = value { return flag }
        return nil
    }

    /// The keys of an object, sorted; empty for anything else.
    var keys: [String] {
        if case .object(let members) = value { return members.keys.sorted() }
        return []
    }

    var isObject: Bool {
        if case .object = value { return true }
        return false
    }

    /// The elements of an array, each with its index in the path; nil when this is no array.
    var elements: [JSONNode]? {
        guard case .array(let items) = value else { return nil }
        return items.enumerated().map { JSONNode($0.element, path: "\(path)[\($0.offset)]") }
    }

    func shapeError(_ reason: String) -> WebhookPayloadError {
        .unexpectedShape(path: path, reason: reason)
    }

    /// The member `key`, which must be an object.
    func object(_ key: String) throws(WebhookPayloadError) -> JSONNode {
        guard let node = self[key], node.isObject else { throw shapeError("\(key) must be an object") }
        return node
    }

    /// The member `key`, which must be an array.
    func array(_ key: String) throws(WebhookPayloadError) -> [JSONNode] {
        guard let elements = self[key]?.elements else { throw shapeError("\(key) must be an array") }
        return elements
    }

    /// The member `key` as an id: a non-empty string (or whole number) of at most 256
    /// characters without control characters.
    func id(_ key: String) throws(WebhookPayloadError) -> String {
        guard let text = self[key]?.identifier, Self.isCleanID(text) else {
            throw shapeError("\(key) must be a non-empty id without control characters")
        }
        return text
    }

    /// An optional string member; a member of another type is a shape error.
    func optionalString(_ key: String) throws(WebhookPayloadError) -> String? {
        guard let node = self[key] else { return nil }
        guard let text = node.string else { throw shapeError("\(key) must be a string") }
        return text
    }

    static func isCleanID(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 256
            && text.unicodeScalars.allSatisfy { $0.properties.generalCategory != .control && $0.properties.generalCategory != .format && !$0.properties.isWhitespace }
    }
}
