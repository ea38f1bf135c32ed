import ArgumentParser
import CorbiCore

/// A value from a closed set declared by an enum (a channel, a status, a role) taken as an
/// argument: help, the shell's Tab and ArgumentParser's completion scripts list the enum's
/// cases, so the set is declared once, in the enum.
///
/// The text itself goes to the core service, which refuses an unknown value with the
/// contract's 65 (an invalid value) and audits the refusal like any other; the parser
/// would make it a usage error (64) before the service ever saw it.
struct Choice<Declared: CaseIterable & RawRepresentable>: ExpressibleByArgument, Sendable
where Declared.RawValue == String {
    /// As typed.
    var text: String

    init?(argument: String) { text = argument }

    static var allValueStrings: [String] { Declared.allCases.map(\.rawValue) }
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}

/// `bookings list --status`: a booking status, or `live` (pending and confirmed) or `all`.
enum BookingStatusFilter: String, CaseIterable {
    case pending, confirmed, cancelled, live, all
}

/// `contacts export --format`.
enum ExportFormat: String, CaseIterable {
    case csv, json
}
