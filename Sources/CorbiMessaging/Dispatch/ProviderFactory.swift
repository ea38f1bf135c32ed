import CorbiCore
import Foundation

/// Builds the provider client for a job from the job's own account (read by the claim, so
/// an admin's `channels set` counts from the next claim on) and the configured addresses.
/// One HTTP transport serves every request of a dispatcher.
public struct ProviderFactory: Sendable {
    public let settings: ProviderSettings
    private let transport: HTTPTransport
    private let now: @Sendable () -> Date

    /// A factory for `settings`; `now` dates emails.
    public init(settings: ProviderSettings, now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.transport = HTTPTransport(timeout: settings.httpTimeout)
        self.now = now
    }

    /// The client that sends `job`. A missing key makes a client that fails permanently
    /// with a configuration error (the core only hands out jobs of complete accounts).
    public func provider(for job: DispatchJob) -> any MessageProvider {
        let credentials = job.credentials
        switch job.channel {
        case .whatsapp:
            return WhatsAppProvider(
                phoneNumberId: credentials.phoneNumberId ?? "", accessToken: credentials.accessToken ?? "",
                baseURL: settings.whatsappURL, transport: transport)
        case .telegram:
            return TelegramProvider(botToken: credentials.botToken ?? "", baseURL: settings.telegramURL, transport: transport)
        case .instagram:
            return InstagramProvider(
                accountId: credentials.accountId ?? "", accessToken: credentials.accessToken ?? "",
                baseURL: settings.instagramURL, transport: transport)
        case .email:
            return EmailProvider(command: settings.sendmail, timeout: settings.sendmailTimeout, now: now)
        }
    }
}
