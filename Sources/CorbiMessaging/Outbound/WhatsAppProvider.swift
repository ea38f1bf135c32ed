import CorbiCore
import Foundation

/// Sends messages through the WhatsApp Cloud API: `POST {base}/{phone_number_id}/messages`
/// with `Authorization: Bearer TOKEN`, as Meta documents it.
///
/// - Templates: `"type":"template"` with the body parameters in order (named placeholders
///   carry `parameter_name`); a media URL fills the template's media header.
/// - Free text: `"type":"text","text":{"body":...}`; with a media URL an `image` or
///   `document` by `link`, the text as its caption.
/// - `to` is the E.164 number without `+`. A reply `{"messages":[{"id":"wamid..."}]}` is
///   accepted with that id; errors are read from Meta's error object (see `MetaGraphError`).
public struct WhatsAppProvider: MessageProvider {
    /// Always `.whatsapp`.
    public var channel: Channel { .whatsapp }
    /// The WhatsApp Business phone number id that sends.
    public let phoneNumberId: String
    private let accessToken: Secret
    /// The API root, `ProviderEndpoints.whatsapp` unless a test or relay says otherwise.
    public let baseURL: URL
    private let transport: HTTPTransport

    /// A provider for one phone number; `baseURL` is `CORBI_WHATSAPP_API_URL` when set.
    public init(phoneNumberId: String, accessToken: String, baseURL: URL = ProviderEndpoints.whatsapp, transport: HTTPTransport) {
        self.phoneNumberId = phoneNumberId
        self.accessToken = Secret(accessToken)
        self.baseURL = baseURL
        self.transport = transport
    }

    /// Sends `message` once.
    public func send(_ message: OutgoingMessage) async -> SendOutcome {
        let request: HTTPTransport.Request
        switch self.request(for: message) {
        case .success(let built): request = built
        case .failure(let failure): return .permanent(failure)
        }
        switch await transport.send(request) {
        case .success(let response): return outcome(for: response)
        case .failure(let failure): return HTTPOutcome.failure(failure, redactor: redactor)
        }
    }

    private var redactor: SecretRedactor { SecretRedactor([accessToken.value]) }

    /// The HTTP request for `message`, or why it cannot be sent at all.
    func request(for message: OutgoingMessage) -> Result<HTTPTransport.Request, ProviderFailure> {
        guard message.channel == .whatsapp else {
            return .failure(ProviderFailure(code: "wrong-channel", message: "a \(message.channel.rawValue) message cannot go through WhatsApp"))
        }
        guard ProviderEndpoints.isPathSafe(phoneNumberId), phoneNumberId.allSatisfy(\.isASCII) else {
            return .failure(ProviderFailure(code: "configuration", message: "the WhatsApp phone_number_id must be the number's id (digits)"))
        }
        guard ProviderEndpoints.isHeaderSafe(accessToken.value) else {
            return .failure(ProviderFailure(code: "configuration", message: "the WhatsApp access token is empty or holds characters a header cannot carry"))
        }
        guard let to = Self.digits(ofE164: message.recipient) else {
            return .failure(ProviderFailure(code: "invalid-recipient", message: "a WhatsApp recipient must be an E.164 number (+ and 7 to 15 digits)"))
        }
        var media: MediaLink?
        if let mediaURL = message.mediaURL {
            switch MediaLink.check(mediaURL) {
            case .success(let link): media = link
            case .failure(let failure): return .failure(failure)
            }
        }
        guard let url = ProviderEndpoints.url(baseURL, phoneNumberId, "messages") else {
            return .failure(ProviderFailure(code: "configuration", message: "the WhatsApp API URL is not usable"))
        }
        let body = Self.body(to: to, content: message.content, media: media)
        return .success(.postJSON(url, body: HTTPOutcome.encode(body), headers: ["Authorization": "Bearer \(accessToken.value)"]))
    }

    /// `+4915...` → `4915...`; nil unless it is `+` and 7 to 15 digits.
    static func digits(ofE164 text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("+") else { return nil }
        let digits = trimmed.dropFirst()
        guard (7...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return String(digits)
    }

    static func body(to: String, content: OutgoingContent, media: MediaLink?) -> WireBody {
        var body = WireBody(to: to, type: "text")
        switch content {
        case .template(let template):
            body.type = "template"
            var components: [WireBody.Component] = []
            if let media {
                let parameter = WireBody.Parameter(
                    type: media.kind == .image ? "image" : "document",
                    image: media.kind == .image ? WireBody.Media(link: media.url) : nil,
                    document: media.kind == .document ? WireBody.Media(link: media.url) : nil)
                components.append(WireBody.Component(type: "header", parameters: [parameter]))
            }
            if !template.parameters.isEmpty {
                components.append(WireBody.Component(type: "body", parameters: template.parameters.map {
                    WireBody.Parameter(type: "text", text: $0.value, parameterName: $0.name)
                }))
            }
            body.template = WireBody.Template(
                name: template.name, language: WireBody.Language(code: template.languageCode),
                components: components.isEmpty ? nil : components)
        case .text(let text):
            if let media {
                let caption = text.isEmpty ? nil : text
                if media.kind == .image {
                    body.type = "image"
                    body.image = WireBody.Media(link: media.url, caption: caption)
                } else {
                    body.type = "document"
                    body.document = WireBody.Media(link: media.url, caption: caption)
                }
            } else {
                body.text = WireBody.Text(body: text)
            }
        }
        return body
    }

    /// The outcome for the API's answer.
    func outcome(for response: HTTPTransport.Response) -> SendOutcome {
        if let redirect = HTTPOutcome.redirect(response) { return redirect }
        if (200..<300).contains(response.status) {
            guard let root = try? WireJSON.parse(response.body),
                let first = JSONNode(root)["messages"]?.elements?.first,
                let id = first["id"]?.string, JSONNode.isCleanID(id)
            else { return HTTPOutcome.unreadableReply(response) }
            let status = first["message_status"]?.string.flatMap { JSONNode.isCleanID($0) ? $0 : nil } ?? "accepted"
            return .accepted(SendReceipt(providerMessageId: id, providerStatus: status))
        }
        if let error = MetaGraphError.parse(response.body) {
            return error.outcome(status: response.status, retryAfter: HTTPOutcome.retryAfter(response), redactor: redactor)
        }
        return HTTPOutcome.plainStatus(response)
    }

    /// The JSON body Meta documents for `POST /{phone_number_id}/messages`.
    struct WireBody: Encodable, Equatable {
        var messagingProduct = "whatsapp"
        var recipientType = "individual"
        var to: String
        var type: String
        var text: Text?
        var template: Template?
        var image: Media?
        var document: Media?

        enum CodingKeys: String, CodingKey {
            case messagingProduct = "messaging_product", recipientType = "recipient_type", to, type, text, template, image, document
        }

        struct Text: Encodable, Equatable { var body: String }
        struct Media: Encodable, Equatable {
            var link: String
            var caption: String?
        }
        struct Language: Encodable, Equatable { var code: String }
        struct Template: Encodable, Equatable {
            var name: String
            var language: Language
            var components: [Component]?
        }
        struct Component: Encodable, Equatable {
            var type: String
            var parameters: [Parameter]
        }
        struct Parameter: Encodable, Equatable {
            var type: String
            var text: String?
            var parameterName: String?
            var image: Media?
            var document: Media?

            init(type: String, text: String? = nil, parameterName: String? = nil, image: Media? = nil, document: Media? = nil) {
                self.type = type
                self.text = text
                self.parameterName = parameterName
                self.image = image
                self.document = document
            }

            enum CodingKeys: String, CodingKey { case type, text, parameterName = "parameter_name", image, document }
        }
    }
}
