import Foundation

/// The one time grammar of Corbi: every time a person types (a booking's start and end, a
/// draft's `at`, a list's bounds, a report's day) is read here, in the organization's
/// time zone: ISO 8601 with or without offset, `YYYY-MM-DD HH:MM`, `today 15:00`,
/// `tomorrow 9:30`, `fri 14:00` (the next Friday whose 14:00 is still ahead), `3pm`,
/// `3:30pm` (today), `tomorrow at 3pm`, `in 2h`, `+30m`, `+1d`, `now`; days alone
/// (`2026-03-30`, `today`, `yesterday`, `fri`) where a day is wanted; durations `30m`,
/// `1h`, `1h30m`.
///
/// Wall times are converted to instants by hand rather than with `Calendar.date(from:)`,
/// which silently moves a time in a spring-forward gap: a time that does not exist is
/// refused, naming the nearest valid times; one that exists twice takes the first.
///
/// Every instant accepted lies in ``supportedRange`` (1970 through 2199): a time Corbi
/// accepts is one it can store, show and compute with.
public enum TimeInput {
    /// The instants Corbi accepts: from 1970-01-01 to the end of 2199 (UTC).
    public static let supportedRange = Date(timeIntervalSince1970: 0)..<Date(timeIntervalSince1970: 7_258_118_400)

    /// 65 unless `date` lies in ``supportedRange``.
    public static func checkSupported(_ date: Date, typed text: String) throws -> Date {
        guard supportedRange.contains(date) else {
            throw CorbiError.invalid("'\(text)' is outside the times Corbi works with (1970 to 2199).")
        }
        return date
    }

    static let utc = TimeZone(identifier: "UTC")!

    static let utcCalendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    // MARK: - Instants

    /// Parses `text` as a moment (a date with a time). `now` anchors relative words.
    /// A date on its own is refused: a booking needs a time.
    public static func instant(_ text: String, in zone: TimeZone, now: Date) throws -> ResolvedTime {
        let parsed = try parse(text, in: zone, now: now, dayOnly: nil)
        switch parsed {
        case .instant(let date): return ResolvedTime(date: try checkSupported(date, typed: text), note: nil)
        case .local(let local):
            var resolved = try resolve(local, in: zone)
            resolved.date = try checkSupported(resolved.date, typed: text)
            return resolved
        case .day(let day):
            throw CorbiError.invalid("'\(text)' is a day without a time; add one, like '\(DateFormatting.day(day)) 14:00'.")
        }
    }

    /// Parses `text` as a calendar day (`2026-03-30`, `today`, `yesterday`, `fri`: the
    /// next Friday from today on). A time is refused: a day is wanted.
    public static func day(_ text: String, in zone: TimeZone, now: Date) throws -> LocalDateTime {
        let s = normalize(text)
        guard !s.isEmpty else { throw CorbiError.invalid("The day is empty.") }
        let rest = s.hasPrefix("next ") ? String(s.dropFirst(5)) : s
        guard let day = try parseDay(rest, in: zone, now: now, time: nil) else {
            throw CorbiError.invalid("'\(text)' is not a day; use e.g. 2026-03-30, today, yesterday or fri.")
        }
        _ = try checkSupported(startOfDay(day, in: zone), typed: text)
        return day
    }

    /// The first instant of a local day in `zone` (a day starting inside a gap starts at
    /// its end), and the first instant of the next day: a day has 23, 24 or 25 hours.
    public static func interval(of day: LocalDateTime, in zone: TimeZone) -> Range<Date> {
        startOfDay(day, in: zone)..<startOfDay(addDays(1, to: day), in: zone)
    }

    /// The local day `days` days after `day`.
    public static func day(_ days: Int, after day: LocalDateTime) -> LocalDateTime {
        addDays(days, to: day)
    }

    /// The local calendar day holding `date` in `zone`.
    public static func day(of date: Date, in zone: TimeZone) -> LocalDateTime {
        localDay(of: date, in: zone)
    }

    /// Parses `text` as an end time: a time alone (`10:30`, `11am`) falls on the local day
    /// of `start`; anything else as `instant`.
    public static func end(_ text: String, after start: Date, in zone: TimeZone, now: Date) throws -> ResolvedTime {
        let trimmed = normalize(text)
        if let time = parseTime(trimmed) {
            let day = localDay(of: start, in: zone)
            return try resolve(LocalDateTime(year: day.year, month: day.month, day: day.day, hour: time.0, minute: time.1, second: time.2), in: zone)
        }
        return try instant(text, in: zone, now: now)
    }

    /// Parses a bound of a range (`--from`, `--to`): a day alone means its first moment,
    /// or, with `endOfDay`, the first moment of the next day (so `--to fri` includes Friday).
    public static func bound(_ text: String, in zone: TimeZone, now: Date, endOfDay: Bool) throws -> Date {
        let date: Date
        switch try parse(text, in: zone, now: now, dayOnly: endOfDay) {
        case .instant(let instant): date = instant
        case .local(let local): date = try resolve(local, in: zone).date
        case .day(let day): date = startOfDay(endOfDay ? addDays(1, to: day) : day, in: zone)
        }
        return try checkSupported(date, typed: text)
    }

    /// The first moment of the local day `days` days after the one holding `date`.
    public static func startOfDay(containing date: Date, in zone: TimeZone, addingDays days: Int = 0) -> Date {
        startOfDay(addDays(days, to: localDay(of: date, in: zone)), in: zone)
    }

    // MARK: - Durations

    /// An offset from now: `2h`, `30m`, `1h30m`, `3d`, `2w`, `3 days`; nil if it is not
    /// one, or longer than the supported range could hold.
    static func offset(_ text: String) -> TimeInterval? {
        let s = text.filter { !$0.isWhitespace }
        var total = 0.0
        var number = ""
        var index = s.startIndex
        while index < s.endIndex {
            while index < s.endIndex, s[index].isASCII, s[index].isNumber {
                number.append(s[index])
                index = s.index(after: index)
            }
            var unit = ""
            while index < s.endIndex, s[index].isLetter {
                unit.append(s[index])
                index = s.index(after: index)
            }
            // Nine digits of minutes is already beyond the supported range.
            guard !number.isEmpty, number.count <= 9, let value = Double(number) else { return nil }
            switch unit {
            case "m", "min", "mins", "minute", "minutes": total += value * 60
            case "h", "hr", "hrs", "hour", "hours": total += value * 3600
            case "d", "day", "days": total += value * 86_400
            case "w", "wk", "week", "weeks": total += value * 604_800
            default: return nil
            }
            number = ""
        }
        return total > 0 ? total : nil
    }

    /// `30m`, `1h`, `1h30m`, `90min`, `2 hours`, or a number of minutes; at most 24 hours.
    public static func duration(_ text: String) throws -> TimeInterval {
        let s = text.lowercased().filter { !$0.isWhitespace }
        var total = 0
        var number = ""
        var sawUnit = false
        var index = s.startIndex
        func fail() -> CorbiError {
            CorbiError.invalid("'\(text)' is not a duration; use minutes and hours like 30m, 1h or 1h30m.")
        }
        while index < s.endIndex {
            let ch = s[index]
            if ch.isASCII && ch.isNumber {
                number.append(ch)
                index = s.index(after: index)
                continue
            }
            var unit = ""
            while index < s.endIndex, s[index].isLetter {
                unit.append(s[index])
                index = s.index(after: index)
            }
            guard let value = Int(number), number.count <= 5 else { throw fail() }
            switch unit {
            case "h", "hr", "hrs", "hour", "hours": total += value * 60
            case "m", "min", "mins", "minute", "minutes": total += value
            default: throw fail()
            }
            number = ""
            sawUnit = true
        }
        if !number.isEmpty {
            guard !sawUnit, let value = Int(number), number.count <= 5 else { throw fail() }
            total += value
        }
        guard !s.isEmpty, total > 0 else {
            throw s.isEmpty ? fail() : CorbiError.invalid("The duration '\(text)' must be longer than zero.")
        }
        guard total <= 24 * 60 else {
            throw CorbiError.invalid("The duration '\(text)' is longer than 24 hours; give an end time for longer bookings.", hints: [.end])
        }
        return TimeInterval(total * 60)
    }

    /// `30m`, `1h`, `1h30m`.
    public static func formatDuration(_ seconds: TimeInterval) -> String {
        let minutes = Int((seconds / 60).rounded())
        let (h, m) = (minutes / 60, minutes % 60)
        if h == 0 { return "\(m)m" }
        return m == 0 ? "\(h)h" : "\(h)h\(m)m"
    }

    // MARK: - Wall time to instant

    /// The instant of a wall time in `zone`: 65 naming the nearest valid times if the
    /// time falls in a gap, the first occurrence (with a note) if it happens twice.
    public static func resolve(_ local: LocalDateTime, in zone: TimeZone) throws -> ResolvedTime {
        guard let wall = local.wallSeconds else {
            throw CorbiError.invalid("\(local.year)-\(local.month)-\(local.day) is not a date.")
        }
        // Zone offsets change at most once a day: the offsets a day either side are the
        // only candidates, and a candidate is valid if the zone agrees at that instant.
        let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall - 86_400))
        let after = zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall + 86_400))
        let valid = Set([before, after]).map { wall - TimeInterval($0) }
            .filter { zone.secondsFromGMT(for: Date(timeIntervalSince1970: $0)) == Int(wall - $0) }
            .sorted()
        if valid.count == 1 { return ResolvedTime(date: Date(timeIntervalSince1970: valid[0]), note: nil) }
        if valid.count >= 2 {
            let first = Date(timeIntervalSince1970: valid[0])
            let second = Date(timeIntervalSince1970: valid[1])
            let note = "\(local) happens twice in \(zone.identifier) (clocks go back that night); "
                + "taking the first, \(DateFormatting.offset(first, in: zone)), not the second, \(DateFormatting.offset(second, in: zone))."
            return ResolvedTime(date: first, note: note)
        }
        // A gap: find the transition between the two offsets and name the times around it.
        let transition = findTransition(from: Date(timeIntervalSince1970: wall - TimeInterval(before) - 86_400),
                                        to: Date(timeIntervalSince1970: wall - TimeInterval(after) + 86_400), in: zone)
        let lastBefore = transition.addingTimeInterval(-60)
        let jumpFrom = DateFormatting.clock(transition.addingTimeInterval(TimeInterval(before)), in: utc)
        let jumpTo = DateFormatting.clock(transition.addingTimeInterval(TimeInterval(after)), in: utc)
        throw CorbiError.invalid(
            "\(local) does not exist in \(zone.identifier): clocks jump from \(jumpFrom) to \(jumpTo) that night. "
                + "The nearest valid times are \(DateFormatting.dateTime(lastBefore, in: zone)) and \(DateFormatting.dateTime(transition, in: zone)).")
    }

    /// The first instant in (lower, upper] whose offset differs from lower's (binary search).
    static func findTransition(from lower: Date, to upper: Date, in zone: TimeZone) -> Date {
        let offset = zone.secondsFromGMT(for: lower)
        var lo = lower.timeIntervalSince1970, hi = upper.timeIntervalSince1970
        while hi - lo > 1 {
            let mid = ((lo + hi) / 2).rounded(.down)
            if zone.secondsFromGMT(for: Date(timeIntervalSince1970: mid)) == offset { lo = mid } else { hi = mid }
        }
        return Date(timeIntervalSince1970: hi)
    }

    // MARK: - Parsing

    enum Parsed {
        case instant(Date)
        case local(LocalDateTime)
        case day(LocalDateTime)
    }

    /// Lower case, single spaces, and without a connecting "at" ("tomorrow at 9:30").
    static func normalize(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            .split(whereSeparator: \.isWhitespace).filter { $0 != "at" }.joined(separator: " ")
    }

    /// Parses a date and/or time; `dayOnly` is nil where a day alone is not welcome.
    static func parse(_ text: String, in zone: TimeZone, now: Date, dayOnly: Bool?) throws -> Parsed {
        let s = normalize(text)
        let invalid = CorbiError.invalid(
            "'\(text)' is not a time; use e.g. 2026-03-30 14:00, 2026-03-30T14:00+02:00, today 15:00, tomorrow 9:30, fri 14:00 or 3pm.")
        guard !s.isEmpty else { throw CorbiError.invalid("The time is empty.") }

        if let date = parseISOWithOffset(s) { return .instant(date) }
        let wholeNow = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        if s == "now" { return .instant(wholeNow) }
        // "in 2h", "in 3 days", "+30m", "+1d": from now.
        for prefix in ["in ", "+"] where s.hasPrefix(prefix) {
            guard let offset = offset(String(s.dropFirst(prefix.count))) else { throw invalid }
            return .instant(wholeNow.addingTimeInterval(offset))
        }

        // Split into a day part and a time part.
        let dayPart: String
        let timePart: String?
        if let t = s.firstIndex(of: "t"), s.first?.isNumber == true, s[s.startIndex..<t].contains("-") {
            dayPart = String(s[..<t])
            timePart = String(s[s.index(after: t)...])
        } else {
            // "next fri" is the same as "fri": the next one.
            let rest = s.hasPrefix("next ") ? String(s.dropFirst(5)) : s
            let words = rest.split(separator: " ").map(String.init)
            if parseTime(rest) != nil {
                (dayPart, timePart) = ("today", rest)
            } else if words.count == 1 {
                (dayPart, timePart) = (words[0], nil)
            } else if parseTime(words.dropFirst().joined(separator: " ")) != nil {
                (dayPart, timePart) = (words[0], words.dropFirst().joined(separator: " "))
            } else if parseTime(words.dropLast().joined(separator: " ")) != nil {
                // "3pm tomorrow"
                (dayPart, timePart) = (words.last!, words.dropLast().joined(separator: " "))
            } else {
                throw invalid
            }
        }

        var time: (Int, Int, Int)?
        if let timePart {
            guard let t = parseTime(timePart) else { throw invalid }
            time = t
        }
        guard let day = try parseDay(dayPart, in: zone, now: now, time: time) else { throw invalid }
        guard let time else { return .day(day) }
        return .local(LocalDateTime(year: day.year, month: day.month, day: day.day, hour: time.0, minute: time.1, second: time.2))
    }

    /// ISO 8601 with `Z` or an offset: `2026-03-30T14:00:00+02:00`, `2026-03-30t14:00z`.
    static func parseISOWithOffset(_ s: String) -> Date? {
        let upper = s.uppercased().replacingOccurrences(of: " ", with: "T")
        guard upper.count >= 16, upper.contains("T") else { return nil }
        let tail = upper.split(separator: "T", maxSplits: 1).last.map(String.init) ?? ""
        guard tail.hasSuffix("Z") || tail.contains("+") || tail.contains("-") else { return nil }
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds],
            [.withFullDate, .withTime, .withColonSeparatorInTime, .withTimeZone, .withDashSeparatorInDate],
        ] {
            let f = ISO8601DateFormatter()
            f.formatOptions = options
            if let d = f.date(from: upper) { return d }
        }
        // 2026-03-30T14:00+02:00 (no seconds), which the formatter refuses on some systems.
        let parts = upper.split(separator: "T", maxSplits: 1).map(String.init)
        guard parts.count == 2, let day = parseISODay(parts[0]) else { return nil }
        var clock = parts[1]
        var offsetSeconds = 0
        if clock.hasSuffix("Z") {
            clock.removeLast()
        } else if let signIndex = clock.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let sign = clock[signIndex] == "-" ? -1 : 1
            let offset = clock[clock.index(after: signIndex)...].replacingOccurrences(of: ":", with: "")
            clock = String(clock[..<signIndex])
            guard offset.count == 4 || offset.count == 2, let value = Int(offset) else { return nil }
            let (h, m) = offset.count == 4 ? (value / 100, value % 100) : (value, 0)
            guard h <= 18, m < 60 else { return nil }
            offsetSeconds = sign * (h * 3600 + m * 60)
        } else {
            return nil
        }
        guard let t = parse24h(clock) else { return nil }
        let local = LocalDateTime(year: day.year, month: day.month, day: day.day, hour: t.0, minute: t.1, second: t.2)
        guard let wall = local.wallSeconds else { return nil }
        return Date(timeIntervalSince1970: wall - TimeInterval(offsetSeconds))
    }

    /// `2026-03-30`.
    static func parseISODay(_ s: String) -> LocalDateTime? {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        let day = LocalDateTime(year: y, month: m, day: d)
        return day.wallSeconds == nil ? nil : day
    }

    static let weekdays: [String: Int] = [
        "sun": 1, "sunday": 1, "mon": 2, "monday": 2, "tue": 3, "tues": 3, "tuesday": 3, "wed": 4, "wednesday": 4,
        "thu": 5, "thur": 5, "thurs": 5, "thursday": 5, "fri": 6, "friday": 6, "sat": 7, "saturday": 7,
    ]

    /// A day: ISO date, today, tomorrow, yesterday, or a weekday (the next one whose
    /// `time` is still ahead; with no time, the next one from today on).
    static func parseDay(_ s: String, in zone: TimeZone, now: Date, time: (Int, Int, Int)?) throws -> LocalDateTime? {
        if let day = parseISODay(s) { return day }
        if s.first?.isNumber == true, s.contains("-") {
            throw CorbiError.invalid("'\(s)' is not a date; use YYYY-MM-DD.")
        }
        let today = localDay(of: now, in: zone)
        switch s {
        case "today": return today
        case "tomorrow", "tmrw": return addDays(1, to: today)
        case "yesterday": return addDays(-1, to: today)
        default: break
        }
        guard let weekday = weekdays[s.hasSuffix(".") ? String(s.dropLast()) : s] else { return nil }
        let todayWeekday = utcCalendar.component(.weekday, from: Date(timeIntervalSince1970: today.wallSeconds!))
        var candidate = addDays((weekday - todayWeekday + 7) % 7, to: today)
        if let time, candidate == today {
            let local = LocalDateTime(year: today.year, month: today.month, day: today.day, hour: time.0, minute: time.1, second: time.2)
            let moment = (try? resolve(local, in: zone).date) ?? now
            if moment <= now { candidate = addDays(7, to: today) }
        }
        return candidate
    }

    /// `15:00`, `9:30`, `15:00:30`, `15h`, `3pm`, `3:30pm`, `3 pm`, `noon`, `midnight`.
    static func parseTime(_ text: String) -> (Int, Int, Int)? {
        let s = text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ".", with: "")
        switch s {
        case "noon": return (12, 0, 0)
        case "midnight": return (0, 0, 0)
        default: break
        }
        for (suffix, pm) in [("am", false), ("a", false), ("pm", true), ("p", true)] where s.hasSuffix(suffix) {
            let clock = String(s.dropLast(suffix.count))
            let parts = clock.split(separator: ":", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), (1...2).contains(parts[0].count), let h = Int(parts[0]), (1...12).contains(h)
            else { return nil }
            var m = 0
            if parts.count == 2 {
                guard parts[1].count == 2, let mm = Int(parts[1]), (0..<60).contains(mm) else { return nil }
                m = mm
            }
            return ((h % 12) + (pm ? 12 : 0), m, 0)
        }
        if s.hasSuffix("h"), let h = Int(s.dropLast()), (0..<24).contains(h), s.count <= 3 { return (h, 0, 0) }
        return parse24h(s)
    }

    /// `15:00`, `9:30`, `15:00:30`, `15:00:30.000`.
    static func parse24h(_ s: String) -> (Int, Int, Int)? {
        var s = Substring(s)
        if let dot = s.firstIndex(of: ".") { s = s[..<dot] }
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), (1...2).contains(parts[0].count), parts.dropFirst().allSatisfy({ $0.count == 2 }),
            let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        var sec = 0
        if parts.count == 3 {
            guard let ss = Int(parts[2]), (0..<60).contains(ss) else { return nil }
            sec = ss
        }
        return (h, m, sec)
    }

    // MARK: - Days

    /// The local calendar day holding `date` in `zone`.
    static func localDay(of date: Date, in zone: TimeZone) -> LocalDateTime {
        let wall = date.addingTimeInterval(TimeInterval(zone.secondsFromGMT(for: date)))
        let c = utcCalendar.dateComponents([.year, .month, .day], from: wall)
        return LocalDateTime(year: c.year!, month: c.month!, day: c.day!)
    }

    static func addDays(_ days: Int, to day: LocalDateTime) -> LocalDateTime {
        let moved = Date(timeIntervalSince1970: day.wallSeconds! + TimeInterval(days * 86_400))
        let c = utcCalendar.dateComponents([.year, .month, .day], from: moved)
        return LocalDateTime(year: c.year!, month: c.month!, day: c.day!)
    }

    /// The first instant of a local day (a day starting inside a gap starts at its end).
    static func startOfDay(_ day: LocalDateTime, in zone: TimeZone) -> Date {
        if let resolved = try? resolve(day, in: zone) { return resolved.date }
        let wall = day.wallSeconds!
        let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall - 86_400))
        let after = zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall + 86_400))
        return findTransition(from: Date(timeIntervalSince1970: wall - TimeInterval(before) - 86_400),
                              to: Date(timeIntervalSince1970: wall - TimeInterval(after) + 86_400), in: zone)
    }
}
