/// Normalizes phone numbers to E.164 (`+` and up to 15 digits), as libphonenumber does for
/// the common ways people write them.
public enum PhoneNumber {
    /// Normalizes `text`, using `defaultCallingCode` for national numbers.
    /// Returns nil for blank input; throws 65 for anything that is not a phone number.
    public static func normalize(_ text: String, defaultCallingCode: Int?) throws -> String? {
        let trimmed = text.trimmed
        if trimmed.isEmpty { return nil }
        func refuse(_ why: String) -> CorbiError {
            .invalid("'\(trimmed)' is not a valid phone number: \(why).")
        }

        var chars = Array(trimmed)
        var international = false
        if chars.first == "+" {
            international = true
            chars.removeFirst()
        }
        // A trunk 0 written in parentheses after the country code, "+49 (0)30" or
        // "+49 (030)", is dropped. Remember whether each digit was inside parentheses.
        var digits: [Character] = []
        var insideParens = false
        var parenDigitsStart: Int?
        for c in chars {
            switch c {
            case "0"..."9":
                if insideParens && parenDigitsStart == nil { parenDigitsStart = digits.count }
                digits.append(c)
            case " ", "-", ".", "/", "\u{00A0}", "\t":
                continue
            case "(":
                guard !insideParens else { throw refuse("unbalanced parentheses") }
                insideParens = true
                parenDigitsStart = nil
            case ")":
                guard insideParens else { throw refuse("unbalanced parentheses") }
                insideParens = false
            default:
                throw refuse("it may hold only digits, spaces, dashes, dots, parentheses and a leading +")
            }
        }
        guard !insideParens else { throw refuse("unbalanced parentheses") }
        guard !digits.isEmpty else { throw refuse("it has no digits") }

        var number = String(digits)
        if !international && number.hasPrefix("00") {
            international = true
            number.removeFirst(2)
        }

        let countryCode: String
        var national: String
        if international {
            guard let cc = callingCodePrefix(of: number) else { throw refuse("unknown country calling code") }
            countryCode = cc
            national = String(number.dropFirst(cc.count))
            national = stripTrunkPrefix(national, countryCode: cc)
        } else {
            guard let code = defaultCallingCode else {
                throw CorbiError.invalid(
                    "'\(trimmed)' has no country code: write it as +CC..., or set the organization's default calling code.", hints: [.callingCode])
            }
            countryCode = String(code)
            national = number
            // A national number may repeat the country code ("1 212 555 0100" in the US).
            if countryCode == "1" && national.count == 11 && national.hasPrefix("1") { national.removeFirst() }
            national = stripTrunkPrefix(national, countryCode: countryCode)
        }

        guard !national.isEmpty, national.first != "0" || keepsLeadingZero.contains(countryCode) else {
            throw refuse("the national number cannot start with 0 after the country code")
        }
        if countryCode == "1" {
            guard national.count == 10, let first = national.first, first >= "2",
                national[national.index(national.startIndex, offsetBy: 3)] >= "2"
            else { throw refuse("North American numbers have 10 digits after +1") }
        }
        let total = countryCode.count + national.count
        guard national.count >= 4, total >= 7 else { throw refuse("too short") }
        guard total <= 15 else { throw refuse("too long (E.164 allows 15 digits)") }
        return "+" + countryCode + national
    }

    /// Drops the national trunk prefix ("0" in most countries, "1" in North America, "8"
    /// in Russia and Kazakhstan, "06" in Hungary); Italy and San Marino keep their 0.
    private static func stripTrunkPrefix(_ national: String, countryCode: String) -> String {
        if keepsLeadingZero.contains(countryCode) { return national }
        switch countryCode {
        case "1":
            return national.count == 11 && national.hasPrefix("1") ? String(national.dropFirst()) : national
        case "7":
            return national.count == 11 && national.hasPrefix("8") ? String(national.dropFirst()) : national
        case "36":
            if national.hasPrefix("06") { return String(national.dropFirst(2)) }
            return national
        default:
            var n = national[...]
            while n.first == "0" { n = n.dropFirst() }
            return String(n)
        }
    }

    private static let keepsLeadingZero: Set<String> = ["39", "378", "379"]

    /// The country calling code that starts `digits`, if any (ITU-T E.164 assignments).
    static func callingCodePrefix(of digits: String) -> String? {
        for length in 1...3 where digits.count > length {
            let prefix = String(digits.prefix(length))
            if callingCodes.contains(prefix) { return prefix }
        }
        return nil
    }

    static let callingCodes: Set<String> = {
        var codes: Set<String> = ["1", "7"]
        let two = [20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58,
                   60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98]
        codes.formUnion(two.map(String.init))
        let threeRanges: [ClosedRange<Int>] = [
            211...212, 213...213, 216...216, 218...218, 220...258, 260...269, 290...291, 297...299,
            350...359, 370...382, 383...383, 385...387, 389...389, 420...421, 423...423, 500...509,
            590...599, 670...670, 672...692, 800...800, 808...808, 850...850, 852...853, 855...856,
            870...870, 878...878, 880...883, 886...886, 888...888, 960...968, 970...977, 979...979, 992...998,
        ]
        for range in threeRanges { codes.formUnion(range.map(String.init)) }
        return codes
    }()
}

import Foundation
