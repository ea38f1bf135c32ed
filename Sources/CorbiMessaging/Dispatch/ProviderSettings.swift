import CorbiCore
import Foundation

/// Where the providers are and how long each may take: what the dispatcher needs, beyond
/// a job's own account, to build the provider client for it. The application fills it from
/// its configuration (`CORBI_*_API_URL`, `CORBI_SENDMAIL`, `CORBI_PUBLIC_URL`, ...); this
/// module reads no environment.
public struct ProviderSettings: Sendable, Equatable {
    /// The WhatsApp Cloud API root (default `ProviderEndpoints.whatsapp`).
    public var whatsappURL: URL
    /// The Instagram Graph API root (default `ProviderEndpoints.instagram`).
    public var instagramURL: URL
    /// The Telegram Bot API root (default `ProviderEndpoints.telegram`).
    public var telegramURL: URL
    /// The command email is piped to (default `/usr/sbin/sendmail -t -oi`).
    public var sendmail: SendmailCommand
    /// Seconds one HTTP exchange with a provider may take (default 30).
    public var httpTimeout: TimeInterval
    /// Seconds the sendmail command may take (default 60).
    public var sendmailTimeout: TimeInterval
    /// Where `corbi serve` is reachable from the internet: emails then carry a one-click
    /// unsubscribe link `<publicURL>/unsubscribe/TOKEN`. Nil: only the mailto entry.
    public var publicURL: URL?

    /// Settings; the defaults are the providers' public APIs and the timeouts above.
    public init(
        whatsappURL: URL = ProviderEndpoints.whatsapp, instagramURL: URL = ProviderEndpoints.instagram,
        telegramURL: URL = ProviderEndpoints.telegram, sendmail: SendmailCommand, httpTimeout: TimeInterval = 30,
        sendmailTimeout: TimeInterval = 60, publicURL: URL? = nil
    ) {
        self.whatsappURL = whatsappURL
        self.instagramURL = instagramURL
        self.telegramURL = telegramURL
        self.sendmail = sendmail
        self.httpTimeout = httpTimeout
        self.sendmailTimeout = sendmailTimeout
        self.publicURL = publicURL
    }

    /// The longest one send can take: Instagram sends an attachment and its text as two
    /// requests, email waits for the sendmail command.
    public var longestSend: TimeInterval { max(2 * httpTimeout, sendmailTimeout) }
}
