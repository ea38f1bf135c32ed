import CorbiCore
import Foundation

/// Sends messages through Instagram messaging: `POST {base}/{account_id}/messages` with
/// `Authorization: Bearer TOKEN` and `{"recipient":{"id"},"message":{"text"}}`, or an
/// attachment `{"attachment":{"type":"image"|"file","payload":{"url"}}}`. A reply
/// `{"recipient_id","message_id"}` is accepted with the `message_id`.
///
/// Instagram carries no caption, so a message with both text and media is two requests:
/// the attachment first (if it fails, nothing went out and a retry is safe), then the
/// text, whose `message_id` is kept (read receipts name the latest message read). When the
/// text fails after the attachment went out, the outcome is accepted with the
/// attachment's id and a warning rather than retried, so the attachment is never sent twice.
public struct InstagramProvider: MessageProvider {
    /// Always `.instagram`.
    public var channel: Channel { .instagram }
    /// The Instagram professional account id that sends.
    public let accountId: String
    private let accessToken: Secret
    /// The API root, `ProviderEndpoints.instagram` unless a test or relay says otherwise.
    public let baseURL: URL
    private let transport: HTTPTransport

    /// A provider for one account; `baseURL` is `CORBI_INSTAGRAM_API_URL` when set.
    public init(accountId: String, accessToken: String, baseURL: URL = ProviderEndpoints.instagram, transport: HTTPTransport) {
        self.accountId = accountId
        self.accessToken = Secret(accessToken)
        self.baseURL = baseURL
        self.transport = transport
    }

    /// Sends `message` once; see the type's documentation for the requests made.
    public func send(_ message: OutgoingMessage) async -> SendOutcome {
        let requests: [HTTPTransport.Request]
        switch self.requests(for: message) {
        case .success(let built): requests = built
        case .failure(let failure): return .permanent(failure)
        }
        var lastReceipt: SendReceipt?
        for request in requests {
            let outcome: SendOutcome
            switch await transport.send(request) {
            case .success(let response): outcome = self.outcome(for: response)
            case .failure(let failure): outcome = HTTPOutcome.failure(failure, redactor: redactor)
            }
            switch outcome {
            case .accepted(let receipt):
                lastReceipt = receipt
            case .temporary(let failure), .permanent(let failure):
                guard var receipt = lastReceipt else { return outcome }
                receipt.warning = "the attachment was sent, the text was not (\(failure))"
                return .accepted(receipt)
            }
        }
        // `requests` is never empty.
        return lastReceipt.map(SendOutcome.accepted) ?? .permanent(ProviderFailure(code: "configuration", message: "nothing to send"))
    }

    private var redactor: SecretRedactor { SecretRedactor([accessToken.value]) }

    /// The HTTP requests for `message` (attachment first, then text), or why it cannot be sent.
    func requests(for message: OutgoingMessage) -> Result<[HTTPTransport.Request], ProviderFailure> {
        guard message.channel == .instagram else {
            return .failure(ProviderFailure(code: "wrong-channel", message: "a \(message.channel.rawValue) message cannot go through Instagram"))
        }
        guard ProviderEndpoints.isPathSafe(accountId) else {
            return .failure(ProviderFailure(code: "configuration", message: "the Instagram account_id must be the account's id (digits)"))
        }
        guard ProviderEndpoints.isHeaderSafe(accessToken.value) else {
            return .failure(ProviderFailure(code: "configuration", message: "the Instagram access token is empty or holds characters a header cannot carry"))
        }
        let recipient = message.recipient.trimmingCharacters(in: .whitespaces)
        guard JSONNode.isCleanID(recipient) else {
            return .failure(ProviderFailure(code: "invalid-recipient", message: "an Instagram recipient must be an Instagram-scoped id"))
        }
        guard let url = ProviderEndpoints.url(baseURL, accountId, "messages") else {
            return .failure(ProviderFailure(code: "configuration", message: "the Instagram API URL is not usable"))
        }
        let headers = ["Authorization": "Bearer \(accessToken.value)"]
        var bodies: [WireBody] = []
        if let mediaURL = message.mediaURL {
            switch MediaLink.check(mediaURL) {
            case .success(let link):
                let attachment = WireBody.Attachment(type: link.kind == .image ? "image" : "file", payload: .init(url: link.url))
                bodies.append(WireBody(recipient: .init(id: recipient), message: .init(attachment: attachment)))
            case .failure(let failure):
                return .failure(failure)
            }
        }
        let text = message.content.text
        if !text.isEmpty || bodies.isEmpty {
            bodies.append(WireBody(recipient: .init(id: recipient), message: .init(text: text)))
        }
        return .success(bodies.map { .postJSON(url, body: HTTPOutcome.encode($0), headers: headers) })
    }

    /// The outcome for the API's answer to one request.
    func outcome(for response: HTTPTransport.Response) -> SendOutcome {
        if let redirect = HTTPOutcome.redirect(response) { return redirect }
        if (200..<300).contains(response.status) {
            guard let root = try? WireJSON.parse(response.body), let id = JSONNode(root)["message_id"]?.identifier,
                JSONNode.isCleanID(id)
            else { return HTTPOutcome.unreadableReply(response) }
            return .accepted(SendReceipt(providerMessageId: id, providerStatus: "sent"))
        }
        if let error = MetaGraphError.parse(response.body) {
            return error.outcome(status: response.status, retryAfter: HTTPOutcome.retryAfter(response), redactor: redactor)
        }
        return HTTPOutcome.plainStatus(response)
    }

    /// The JSON body of `POST /{account_id}/messages`.
    struct WireBody: Encodable, Equatable {
        var recipient: Recipient
        var message: Message

        struct Recipient: Encodable, Equatable { var id: String }
        struct Message: Encodable, Equatable {
            var text: String?
            var attachment: Attachment?
        }
        struct Attachment: Encodable, Equatable {
            var type: String
            var payload: Payload
        }
        struct Payload: Encodable, Equatable { var url: String }
    }
}
