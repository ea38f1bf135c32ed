extension StringProtocol {
    /// Without leading and trailing whitespace and newlines. Pure Swift: Foundation's
    /// `trimmingCharacters(in:)` is costly on Linux and runs for every cell of an import.
    public var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
