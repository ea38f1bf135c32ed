import Foundation

/// Folding for case- and accent-insensitive search.
public enum SearchText {
    /// Lower case without diacritics: "Zoë Müller" becomes "zoe muller".
    public static func fold(_ text: String) -> String {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        // folding keeps some letters that have no decomposition
        return folded.lowercased()
            .replacingOccurrences(of: "ß", with: "ss")
            .replacingOccurrences(of: "ø", with: "o")
            .replacingOccurrences(of: "æ", with: "ae")
            .replacingOccurrences(of: "œ", with: "oe")
            .replacingOccurrences(of: "ł", with: "l")
            .replacingOccurrences(of: "đ", with: "d")
    }
}
