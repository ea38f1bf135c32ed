import CorbiCore
import Foundation

/// A suppression: `{"id", "channel", "identifier", "reason", "createdAt"}`.
struct SuppressionJSON: Encodable, Equatable, Sendable {
    var id: Int64
    var channel: String
    var identifier: String
    @Nullable var reason: String?
    var createdAt: String

    init(_ s: Suppression, zone: TimeZone) {
        id = s.id ?? 0
        channel = s.channel.rawValue
        identifier = s.identifier
        reason = s.reason
        createdAt = DateFormatting.iso8601(s.createdAt, in: zone)
    }
}

/// `{"suppressions": [...]}`.
struct SuppressionListJSON: Encodable {
    var suppressions: [SuppressionJSON]
}
