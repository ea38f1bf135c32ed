import Foundation

/// Finds the days a question names ("tomorrow", "on Friday", "next week", "on April 2nd")
/// and takes them out of the line, so that the question's patterns see "who is booked"
/// whatever the days. The words are kept for the time grammar (``TimeInput``) to read
/// in the organization's zone when the question is answered.
enum RecordDaysPhrase {
    private static let weekdays =
        "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    private static let shortWeekdays = "mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
    private static let months =
        "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"

    private static func regex(_ pattern: String) -> OnFirstUse<NSRegularExpression> {
        // Compiled when first needed; a pattern that does not compile is a bug the parser's
        // tests catch. "today's bookings": the possessive goes with the days.
        OnFirstUse { try! NSRegularExpression(pattern: "(?:^|\\s)" + pattern + "(?:'s|')?(?=$|\\s|,)", options: [.caseInsensitive]) }
    }

    private static let digits = QuestionKeys(digit: true)

    /// Each rule with the words it cannot match without (``QuestionKeys``).
    private static let rules: [(QuestionKeys, OnFirstUse<NSRegularExpression>, @Sendable (NSTextCheckingResult, String) -> RecordDays?)] = [
        (["days"], regex("(?:for |in |during |over |within )?(?:the )?(?:next|coming) (?:7|seven) days"), { _, _ in .nextSevenDays }),
        (["week"], regex("(?:for |in |during |over )?the coming week"), { _, _ in .nextSevenDays }),
        (["week"], regex("(?:for |in |during |over )?(this|next) week"), { m, text in
            group(1, m, text)?.lowercased() == "this" ? .thisWeek : .nextWeek
        }),
        (["today", "tonight", "tomorrow", "tmrw", "yesterday"], regex("(?:for |on )?(today|tonight|tomorrow|tmrw|yesterday)"), { m, text in
            let word = group(1, m, text)?.lowercased() ?? "today"
            return .day(word == "tonight" ? "today" : word == "tmrw" ? "tomorrow" : word)
        }),
        (["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
         regex("(?:on |for |this |next |coming |on next |on this )?(\(weekdays))s?"), { m, text in
            group(1, m, text).map { .day(String($0.lowercased().prefix(3))) }
        }),
        (QuestionKeys(words: ["mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"]),
         regex("(?:on|this|next|coming) (\(shortWeekdays))\\.?"), { m, text in
            group(1, m, text).map { .day(String($0.lowercased().prefix(3))) }
        }),
        (digits, regex("(?:on |for )?(\\d{4}-\\d{2}-\\d{2})"), { m, text in group(1, m, text).map { .day($0) } }),
        (digits, regex("(?:on |for )?(?:the )?(\\d{1,2})(?:st|nd|rd|th)?(?: of)? (\(months))"), { m, text in
            monthDay(month: group(2, m, text), day: group(1, m, text))
        }),
        (digits, regex("(?:on |for )?(\(months)) (\\d{1,2})(?:st|nd|rd|th)?"), { m, text in
            monthDay(month: group(1, m, text), day: group(2, m, text))
        }),
    ]

    /// The days named in `text` (the first phrase found) and the text without them.
    static func extract(from text: String) -> (RecordDays?, String) {
        let range = NSRange(text.startIndex..., in: text)
        let line = QuestionKeys.Line(text)
        for (keys, regex, read) in rules where keys.admit(line) {
            guard let match = regex.value.firstMatch(in: text, range: range), let days = read(match, text),
                let whole = Range(match.range, in: text)
            else { continue }
            let rest = (text[..<whole.lowerBound] + " " + text[whole.upperBound...])
                .split(separator: " ").joined(separator: " ")
            return (days, rest)
        }
        return (nil, text)
    }

    private static func group(_ index: Int, _ match: NSTextCheckingResult, _ text: String) -> String? {
        Range(match.range(at: index), in: text).map { String(text[$0]) }
    }

    private static func monthDay(month: String?, day: String?) -> RecordDays? {
        guard let month = month?.lowercased(), let day = day.flatMap({ Int($0) }), (1...31).contains(day) else { return nil }
        let names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        guard let index = names.firstIndex(of: String(month.prefix(3))) else { return nil }
        return .monthDay(month: index + 1, day: day)
    }
}
