import CorbiCore

/// Bounds on what a parser reads.
public struct WebhookLimits: Sendable, Equatable {
    /// The deepest nesting of arrays and objects accepted (default 64).
    public var maxDepth: Int
    /// The largest body accepted, in bytes (default 1 MiB, as `corbi serve` accepts).
    public var maxBytes: Int

    /// Limits; the defaults suit provider webhooks.
    public init(maxDepth: Int = 64, maxBytes: Int = 1 << 20) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }

    func parse(_ body: some Collection<UInt8>) throws(WebhookPayloadError) -> JSONValue {
        guard body.count <= maxBytes else { throw .tooLarge(limit: maxBytes) }
        return try WireJSON.parse(body, maxDepth: maxDepth)
    }
}
