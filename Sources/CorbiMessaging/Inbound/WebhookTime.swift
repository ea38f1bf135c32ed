import Foundation

/// Timestamps as the providers write them.
enum WebhookTime {
    /// Unix seconds, as a number or a string of digits (WhatsApp sends strings).
    static func seconds(_ node: JSONNode?) -> Date? {
        guard let node else { return nil }
        let value: Double? = node.int.map(Double.init) ?? node.string.flatMap { Double($0) }
        guard let value, value.isFinite, value >= 0, value < 1e11 else { return nil }
        return Date(timeIntervalSince1970: value)
    }

    /// Unix milliseconds (Instagram).
    static func milliseconds(_ node: JSONNode?) -> Date? {
        guard let value = node?.int, value >= 0, value < 100_000_000_000_000 else { return nil }
        return Date(timeIntervalSince1970: Double(value) / 1000)
    }
}
