import CorbiCore

/// Corbi's channels (SwiftNIO, under Hummingbird, has a `Channel` of its own).
typealias Channel = CorbiCore.Channel
