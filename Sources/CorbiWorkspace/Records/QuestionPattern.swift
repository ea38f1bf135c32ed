import Foundation

/// One English pattern of a records question: a case-insensitive regular expression with
/// named groups, compiled once when first needed, the words it cannot match without, and
/// what a match means.
struct QuestionPattern: Sendable {
    /// The groups a match captured, by name (absent groups are missing).
    struct Match {
        var groups: [String: String]
        subscript(_ name: String) -> String? { groups[name] }
    }

    /// Words the line must hold for this pattern to be tried at all.
    let keys: QuestionKeys
    /// The expression and its group names, made when a line first reaches the pattern.
    private let compiled: OnFirstUse<(regex: NSRegularExpression, names: [String])>
    let build: @Sendable (Match) -> RecordQuestion?

    /// `pattern` is matched against the whole question (anchors are added); `{BOOKING}`
    /// and the other placeholders of ``QuestionPattern/vocabulary`` are expanded first.
    /// Nothing is done with it until a line holding one of `keys` reaches it: expanding
    /// and compiling all of them took about 5 ms of every process that asked anything.
    init(_ keys: QuestionKeys, _ pattern: String, _ build: @escaping @Sendable (Match) -> RecordQuestion?) {
        compiled = OnFirstUse {
            var expanded = pattern
            for (key, value) in Self.vocabulary { expanded = expanded.replacingOccurrences(of: "{\(key)}", with: value) }
            // A pattern that does not compile is a bug in this file: the parser's tests run every one.
            let regex = try! NSRegularExpression(pattern: "^(?:" + expanded + ")$", options: [.caseInsensitive])
            return (regex, Self.groupNames(in: expanded))
        }
        self.keys = keys
        self.build = build
    }

    /// The question this pattern reads in `text`, or nil.
    func read(_ text: String) -> RecordQuestion? {
        let (regex, names) = compiled.value
        let range = NSRange(text.startIndex..., in: text)
        guard let result = regex.firstMatch(in: text, range: range) else { return nil }
        var groups: [String: String] = [:]
        for name in names {
            let r = result.range(withName: name)
            guard r.location != NSNotFound, let swiftRange = Range(r, in: text) else { continue }
            groups[name] = String(text[swiftRange])
        }
        return build(Match(groups: groups))
    }

    static func groupNames(in pattern: String) -> [String] {
        var names: [String] = []
        var rest = Substring(pattern)
        while let open = rest.range(of: "(?<") {
            let after = rest[open.upperBound...]
            guard let close = after.firstIndex(of: ">") else { break }
            let name = String(after[..<close])
            if !name.hasPrefix("=") && !name.hasPrefix("!") && !names.contains(name) { names.append(name) }
            rest = after[close...]
        }
        return names
    }

    /// Words the patterns share.
    static let vocabulary: [(String, String)] = [
        ("BOOKING", "(?:appointments?|bookings?|visits?|sessions?)"),
        ("MESSAGE", "(?:messages?|texts?|sms|whatsapps?|e-?mails?)"),
        ("CONTACTS", "(?:contacts|patients|clients|customers|people)"),
        ("BSTATUS", "(?:cancell?ed|confirmed|pending|unconfirmed)"),
        ("MSTATUS", "(?:failed|undelivered|bounced|pending|queued|waiting|unsent|outstanding|scheduled|retrying|sent|delivered|read|opened|cancell?ed)"),
        ("WHAT", "(?:what(?:'s| is| are| was)?|whats|which|give me|show me|show|get|find|look up|lookup|tell me|list|i need|need)"),
    ]
}
