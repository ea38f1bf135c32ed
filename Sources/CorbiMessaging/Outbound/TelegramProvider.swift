import CorbiCore
import Foundation

/// Sends messages through the Telegram Bot API: `POST {base}/bot{TOKEN}/sendMessage`
/// `{"chat_id","text"}`, or `sendPhoto` / `sendDocument` with the media URL and the text as
/// caption. A reply `{"ok":true,"result":{"message_id":N}}` is accepted as `CHAT_ID:N`
/// (Telegram message ids are per chat). The token is in the URL path, so it is scrubbed
/// from every outcome.
public struct TelegramProvider: MessageProvider {
    /// Always `.telegram`.
    public var channel: Channel { .telegram }
    private let botToken: Secret
    /// The API root, `ProviderEndpoints.telegram` unless a test or relay says otherwise.
    public let baseURL: URL
    private let transport: HTTPTransport

    /// Telegram refuses captions longer than this; longer text goes as a message with the link.
    static let captionLimit = 1024

    /// A provider for one bot; `baseURL` is `CORBI_TELEGRAM_API_URL` when set.
    public init(botToken: String, baseURL: URL = ProviderEndpoints.telegram, transport: HTTPTransport) {
        self.botToken = Secret(botToken)
        self.baseURL = baseURL
        self.transport = transport
    }

    /// Sends `message` once.
    public func send(_ message: OutgoingMessage) async -> SendOutcome {
        let request: HTTPTransport.Request
        let chatId: Int64
        switch self.request(for: message) {
        case .success(let built): (request, chatId) = built
        case .failure(let failure): return .permanent(failure)
        }
        switch await transport.send(request) {
        case .success(let response): return outcome(for: response, chatId: chatId)
        case .failure(let failure): return HTTPOutcome.failure(failure, redactor: redactor)
        }
    }

    private var redactor: SecretRedactor { SecretRedactor([botToken.value]) }

    /// Bot tokens look like `123456:ABC-def_ghi`; anything else could change the URL's path.
    static func isValidToken(_ token: String) -> Bool {
        let parts = token.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[0].allSatisfy { $0.isASCII && $0.isNumber }
            && !parts[1].isEmpty && parts[1].count <= 256
            && parts[1].unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }

    /// The HTTP request for `message` and the chat it goes to, or why it cannot be sent at all.
    func request(for message: OutgoingMessage) -> Result<(HTTPTransport.Request, Int64), ProviderFailure> {
        guard message.channel == .telegram else {
            return .failure(ProviderFailure(code: "wrong-channel", message: "a \(message.channel.rawValue) message cannot go through Telegram"))
        }
        guard Self.isValidToken(botToken.value) else {
            return .failure(ProviderFailure(code: "configuration", message: "the Telegram bot token is not in the form 123456:ABC..."))
        }
        guard let chatId = Int64(message.recipient.trimmingCharacters(in: .whitespaces)), chatId != 0 else {
            return .failure(ProviderFailure(code: "invalid-recipient", message: "a Telegram recipient must be a chat id (a whole number)"))
        }
        let text = message.content.text
        var method = "sendMessage"
        var body = WireBody(chatId: chatId)
        if let mediaURL = message.mediaURL {
            let link: MediaLink
            switch MediaLink.check(mediaURL) {
            case .success(let checked): link = checked
            case .failure(let failure): return .failure(failure)
            }
            if text.count > Self.captionLimit {
                body.text = text + "\n" + link.url
            } else {
                body.caption = text.isEmpty ? nil : text
                if link.kind == .image {
                    method = "sendPhoto"
                    body.photo = link.url
                } else {
                    method = "sendDocument"
                    body.document = link.url
                }
            }
        } else {
            body.text = text
        }
        guard let url = ProviderEndpoints.url(baseURL, "bot" + botToken.value, method) else {
            return .failure(ProviderFailure(code: "configuration", message: "the Telegram API URL is not usable"))
        }
        return .success((.postJSON(url, body: HTTPOutcome.encode(body)), chatId))
    }

    /// The outcome for the Bot API's answer to a send to `chatId`.
    func outcome(for response: HTTPTransport.Response, chatId: Int64) -> SendOutcome {
        if let redirect = HTTPOutcome.redirect(response) { return redirect }
        let root = (try? WireJSON.parse(response.body)).map { JSONNode($0) }
        if let root, root["ok"]?.bool == true, (200..<300).contains(response.status) {
            guard let result = root["result"], let messageId = result["message_id"]?.int else { return HTTPOutcome.unreadableReply(response) }
            let chat = result["chat"]?["id"]?.int ?? chatId
            return .accepted(SendReceipt(providerMessageId: "\(chat):\(messageId)", providerStatus: "sent"))
        }
        guard let root, root["ok"]?.bool == false else {
            return (200..<300).contains(response.status) ? HTTPOutcome.unreadableReply(response) : HTTPOutcome.plainStatus(response)
        }
        let code = root["error_code"]?.int.map { Int($0) } ?? response.status
        let description = root["description"]?.string ?? "HTTP \(response.status)"
        let retryAfter = root["parameters"]?["retry_after"]?.double.map { max(0, $0) } ?? HTTPOutcome.retryAfter(response)
        let failure = ProviderFailure(code: String(code), message: SafeText.clean(redactor.redact(description)), retryAfter: retryAfter)
        // 403: the user blocked the bot or left; 400: bad chat or content; 401/404: wrong token.
        if code == 429 || code >= 500 || response.status == 429 || response.status >= 500 { return .temporary(failure) }
        return .permanent(failure)
    }

    /// The JSON body of `sendMessage`, `sendPhoto` and `sendDocument`.
    struct WireBody: Encodable, Equatable {
        var chatId: Int64
        var text: String?
        var photo: String?
        var document: String?
        var caption: String?

        enum CodingKeys: String, CodingKey { case chatId = "chat_id", text, photo, document, caption }
    }
}
