import Foundation

/// Folding for case- and accent-insensitive search.
public enum SearchText {
    /// Lower case without diacritics: "Zoë Müller" becomes "zoe muller".
    public static func fold(_ text: String) -> String {
        // Fast path for ASCII and Latin letters (contact names, emails): Foundation's
        // folding is slow enough on Linux to dominate a large CSV import.
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                out.append(v >= 0x41 && v <= 0x5A ? Unicode.Scalar(v + 0x20)! : scalar)
            } else if let mapped = latin[v] {
                out.append(contentsOf: mapped.unicodeScalars)
            } else {
                return slowFold(text)
            }
        }
        return String(out)
    }

    /// Foundation's folding, plus letters it leaves alone.
    static func slowFold(_ text: String) -> String {
        var folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        for (from, to) in extraFolds where folded.contains(from) {
            folded = folded.replacingOccurrences(of: from, with: to)
        }
        return folded
    }

    private static let extraFolds: [(String, String)] = [
        ("ß", "ss"), ("ø", "o"), ("æ", "ae"), ("œ", "oe"), ("ł", "l"), ("đ", "d"),
    ]

    /// Latin-1 and Latin Extended-A, folded once with the slow path.
    private static let latin: [UInt32: String] = {
        var table: [UInt32: String] = [:]
        for v in UInt32(0xA0)...UInt32(0x24F) {
            guard let scalar = Unicode.Scalar(v), scalar.properties.isAlphabetic || v == 0xA0 else { continue }
            table[v] = slowFold(String(Character(scalar)))
        }
        return table
    }()
}
