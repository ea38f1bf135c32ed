import CorbiCore
import Foundation

/// A provider account, secrets masked: `{"channel", "settings": {key: value},
/// "secrets": {key: "••••1234" | "set"}, "secretsReadable", "updatedAt", "updatedBy"}`.
struct ChannelJSON: Encodable {
    var channel: String
    var settings: [String: String]
    var secrets: [String: String]
    var secretsReadable: Bool
    var updatedAt: String
    @Nullable var updatedBy: String?

    init(_ view: ProviderAccountView, zone: TimeZone) {
        channel = view.channel.rawValue
        settings = view.settings
        secrets = view.maskedSecrets
        secretsReadable = view.secretsReadable
        updatedAt = DateFormatting.iso8601(view.updatedAt, in: zone)
        updatedBy = view.updatedBy
    }
}

/// `{"channels": [...]}`.
struct ChannelListJSON: Encodable {
    var channels: [ChannelJSON]
}
