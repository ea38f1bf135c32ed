import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

/// `corbi monitor`: one day of the organization at a glance (every member), or the last N
/// days as a table. The counts and their definitions are the core's
/// (``AppDatabase/monitoringSummaries(_:days:through:)``).
public struct MonitorCommand: CorbiCommand {
    public static let configuration = CommandConfiguration(
        commandName: "monitor", abstract: "Today's counts and success rate (or another day's, or the last N days).",
        discussion: """
            Days are calendar days in the organization's time zone (23 or 25 hours long when \
            the clocks change). Outbound messages count on the day each reached a status; the \
            success rate is among messages first attempted that day: sent, delivered or read \
            out of those plus the failed ones. --days N lists the N days up to --day, oldest \
            first; its JSON is {"days": [...]} of the one-day shape.
            """)

    @Option(help: ArgumentHelp("The day (2026-03-29, today, yesterday, fri); default today.", valueName: "day"))
    var day: String?
    @Option(help: ArgumentHelp("The last N days up to the day, as a table (1 to 1000).", valueName: "n"))
    var days: Int?
    @OptionGroup public var globals: GlobalOptions

    public init() {}

    public func execute(in session: Session) throws -> CommandOutput {
        let actor = try session.actor()
        let db = try session.database()
        let zone = actor.organization.timeZone
        let last = try day.map { try TimeInput.day($0, in: zone, now: session.workspace.environment.now()) }
        guard let days else {
            let summary = try db.monitoringSummary(actor, day: last)
            return CommandOutput(text: Self.describe(summary), json: summary)
        }
        let summaries = try db.monitoringSummaries(actor, days: days, through: last)
        return CommandOutput(
            text: Self.table(summaries, bars: session.colorOut), json: MonitoringDaysJSON(days: summaries))
    }

    // MARK: - Text

    /// `Sun 2026-03-29`.
    static func dayLabel(_ summary: MonitoringSummary) -> String {
        let zone = TimeZone(identifier: summary.timezone) ?? TimeZone(identifier: "UTC")!
        let start = TimeInput.interval(of: summary.day, in: zone).lowerBound
        return DateFormatting.weekdayName(start, in: zone) + " " + DateFormatting.day(summary.day)
    }

    /// `75.0%`, or `-` when no message was first attempted.
    static func percent(_ rate: Double?) -> String {
        guard let rate else { return "-" }
        return String(format: "%.1f%%", rate * 100)
    }

    static let outboundColumns = ["DRAFTED", "SENT", "DELIVERED", "READ", "FAILED", "RETRYING", "PENDING", "CANCELLED"]

    static func outboundCells(_ o: OutboundDayCounts) -> [String] {
        [o.drafted, o.sent, o.delivered, o.read, o.failed, o.retrying, o.pending, o.cancelled].map(String.init)
    }

    /// One day: outbound per channel (the channels with any count) and in total, then the
    /// success rate, inbound, bookings, contacts and questions.
    static func describe(_ s: MonitoringSummary) -> String {
        var lines = ["\(s.organization), \(dayLabel(s)) (\(s.timezone))", ""]
        var table = TextTable(["OUTBOUND"] + outboundColumns)
        for channel in Channel.allCases {
            guard let counts = s.byChannel[channel], counts != OutboundDayCounts() else { continue }
            table.add([channel.rawValue] + outboundCells(counts))
        }
        table.add(["total"] + outboundCells(s.outbound))
        lines.append(table.render())
        lines.append("")
        let attempted = s.succeeded + s.failedOfFirstAttempted
        lines.append(
            "Success rate: "
                + (attempted == 0
                    ? "- (no message was first attempted this day)"
                    : "\(percent(s.successRate)) (\(s.succeeded) of \(attempted) messages first attempted this day reached sent, delivered or read)"))
        let i = s.inbound
        lines.append("Inbound:      \(i.received) received, \(i.unknownSenders) from unknown senders, \(counted(i.optOuts, "opt-out"))")
        let b = s.bookings
        lines.append("Bookings:     \(b.created) created, \(b.confirmed) confirmed, \(b.cancelled) cancelled; \(b.scheduledToday) live starting this day")
        lines.append("Contacts:     \(s.contacts.added) added")
        let a = s.assistant
        lines.append("Assistant:    \(counted(a.asked, "question")) asked, \(a.answered) answered, \(a.refused) refused")
        return lines.joined(separator: "\n")
    }

    /// Several days, oldest first, one row each; on a terminal a bar of the messages sent
    /// (scaled to the busiest day).
    static func table(_ summaries: [MonitoringSummary], bars: Bool) -> String {
        var headers = ["DAY", "DRAFTED", "SENT", "DELIVERED", "READ", "FAILED", "SUCCESS", "INBOUND", "BOOKED", "CONTACTS", "ASKED"]
        if bars { headers.append("") }
        var table = TextTable(headers)
        let most = summaries.map(\.outbound.sent).max() ?? 0
        for s in summaries {
            var row = [
                dayLabel(s), String(s.outbound.drafted), String(s.outbound.sent), String(s.outbound.delivered),
                String(s.outbound.read), String(s.outbound.failed), percent(s.successRate), String(s.inbound.received),
                String(s.bookings.created), String(s.contacts.added), String(s.assistant.asked),
            ]
            if bars { row.append(bar(s.outbound.sent, of: most)) }
            table.add(row)
        }
        // The bar column is last and often empty: no padding left at the ends of lines.
        var text = table.render().split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in String(line.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
        if let first = summaries.first, let last = summaries.last {
            text += "\n\(first.organization), \(summaries.count) days to \(DateFormatting.day(last.day)) (\(first.timezone))"
        }
        return text
    }

    /// A horizontal bar of `value` out of `maximum`, `width` cells wide, in eighths.
    static func bar(_ value: Int, of maximum: Int, width: Int = 16) -> String {
        guard maximum > 0, value > 0 else { return "" }
        let eighths = max(1, Int((Double(value) / Double(maximum) * Double(width * 8)).rounded()))
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }
}
