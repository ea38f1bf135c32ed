import Foundation

/// What an inbound message that is only a keyword asks for.
public enum InboundIntent: String, Codable, Sendable, CaseIterable {
    /// Stop messaging me on this channel.
    case optOut
    /// Messages may come again (lifts an opt-out).
    case optIn
}

/// The opt-out rule: a message that is nothing but one of the carriers' keywords stops
/// (or restarts) messages to its sender on its channel. Whole-message matching keeps
/// "Can I stop by at 5?" from unsubscribing anyone.
public enum OptOut {
    /// STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, and the German STOPP and ABMELDEN.
    public static let optOutWords: Set<String> = [
        "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "STOPP", "ABMELDEN",
    ]
    /// START and UNSTOP lift an opt-out.
    public static let optInWords: Set<String> = ["START", "UNSTOP"]

    /// Suppression reasons written by opt-outs start with this; only those are lifted by
    /// an opt-in (a suppression staff added stays).
    public static let reasonPrefix = "opt-out:"

    /// The keyword `text` consists of (any case, surrounding whitespace and trailing
    /// punctuation allowed), upper-cased, with what it asks for; nil for anything else.
    public static func keyword(in text: String?) -> (word: String, intent: InboundIntent)? {
        guard let text else { return nil }
        var word = Substring(text.trimmed)
        while let last = word.last, last.isPunctuation || last.isWhitespace { word = word.dropLast() }
        let upper = word.uppercased()
        if optOutWords.contains(upper) { return (upper, .optOut) }
        if optInWords.contains(upper) { return (upper, .optIn) }
        return nil
    }

    /// An email is an opt-out when its body is a keyword, or when its subject or body is
    /// only "unsubscribe" (the reply a `List-Unsubscribe` mailto link writes).
    public static func keyword(inEmailSubject subject: String?, body: String?) -> (word: String, intent: InboundIntent)? {
        if let found = keyword(in: body) { return found }
        if let found = keyword(in: subject), found.word == "UNSUBSCRIBE" { return found }
        return nil
    }

    /// `opt-out: STOP`.
    public static func reason(word: String) -> String { "\(reasonPrefix) \(word)" }

    /// Whether a suppression was written by an opt-out (and so may be lifted by an opt-in).
    public static func isOptOutReason(_ reason: String?) -> Bool {
        reason?.hasPrefix(reasonPrefix) ?? false
    }
}
