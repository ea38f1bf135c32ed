import CorbiMessaging
import Foundation
import Logging

/// The server's logs: swift-log lines on stderr, at the configured level. What reaches a
/// log line is Corbi's own words and values cleaned of control characters and cut short
/// (`ServerLog.text`): never a secret, never a request body, never an unsubscribe token.
enum ServerLog {
    static func logger(level: String) -> Logger {
        var logger = Logger(label: "corbi.serve") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }

    /// Outside text (a domain from a URL, a core error quoting a sender id) made safe for a log line.
    static func text(_ value: String, limit: Int = 120) -> Logger.MetadataValue {
        .string(SafeText.clean(value, limit: limit))
    }
}
