/// Meta's webhook subscription check (WhatsApp and Instagram): a `GET` with
/// `hub.mode=subscribe`, `hub.verify_token` and `hub.challenge`, answered with the
/// challenge when the token is ours.
public enum MetaWebhookVerification {
    /// The challenge to answer (status 200, `text/plain`), or why not (answer 403).
    /// The token is compared in constant time; a challenge must be 1 to 256 printable
    /// ASCII characters, so nothing hostile is echoed back.
    public static func challengeResponse(
        mode: String?, verifyToken: String?, challenge: String?, expectedVerifyToken: String
    ) throws(MetaVerificationError) -> String {
        guard !expectedVerifyToken.isEmpty else { throw .notConfigured }
        guard mode == "subscribe" else { throw .notSubscribe }
        guard let verifyToken, ConstantTime.equal(verifyToken, expectedVerifyToken) else { throw .tokenMismatch }
        guard let challenge, (1...256).contains(challenge.count),
            challenge.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { throw .invalidChallenge }
        return challenge
    }

    /// The same, from a request's decoded query parameters (`hub.mode`, `hub.verify_token`, `hub.challenge`).
    public static func challengeResponse(query: [String: String], expectedVerifyToken: String) throws(MetaVerificationError) -> String {
        try challengeResponse(
            mode: query["hub.mode"], verifyToken: query["hub.verify_token"], challenge: query["hub.challenge"],
            expectedVerifyToken: expectedVerifyToken)
    }
}

/// Why a subscription check is refused.
public enum MetaVerificationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The channel has no verify token.
    case notConfigured
    /// `hub.mode` is not `subscribe`.
    case notSubscribe
    /// `hub.verify_token` is missing or wrong.
    case tokenMismatch
    /// `hub.challenge` is missing, too long or not printable ASCII.
    case invalidChallenge

    /// A sentence for a log line.
    public var description: String {
        switch self {
        case .notConfigured: "The channel has no verify token."
        case .notSubscribe: "hub.mode is not subscribe."
        case .tokenMismatch: "hub.verify_token does not match."
        case .invalidChallenge: "hub.challenge is missing or not printable."
        }
    }
}
