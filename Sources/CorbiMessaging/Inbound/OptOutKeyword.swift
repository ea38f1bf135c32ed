/// Recognizes a message that is nothing but an opt-out or opt-in word.
public enum OptOutKeyword: Sendable, Equatable {
    /// Stop sending: the word as listed in `optOutWords`.
    case optOut(String)
    /// Sending may resume: the word as listed in `optInWords`.
    case optIn(String)

    /// The opt-out words: the carriers' English set and the German STOPP and ABMELDEN.
    public static let optOutWords = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "STOPP", "ABMELDEN"]
    /// The opt-in words.
    public static let optInWords = ["START", "UNSTOP"]

    /// The keyword `text` consists of: any case, surrounding blanks and trailing
    /// punctuation (`stop.`, `STOP!`, `Stop!!`) allowed; nil when the message says
    /// anything more ("please stop the reminders" is a message for a person, not a command).
    public static func recognize(_ text: String) -> OptOutKeyword? {
        var scalars = Substring(text).unicodeScalars[...]
        func isBlank(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isWhitespace || scalar.properties.generalCategory == .format || scalar.properties.generalCategory == .control
        }
        while let first = scalars.first, isBlank(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, isBlank(last) || isPunctuation(last) { scalars = scalars.dropLast() }
        guard !scalars.isEmpty, scalars.count <= 16 else { return nil }
        let word = String(String.UnicodeScalarView(scalars)).uppercased()
        if optOutWords.contains(word) { return .optOut(word) }
        if optInWords.contains(word) { return .optIn(word) }
        return nil
    }

    private static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .otherPunctuation, .finalPunctuation, .closePunctuation, .dashPunctuation: true
        default: false
        }
    }
}
