import Foundation

/// Every failure Corbi reports to a user. Each case maps to one exit code of the
/// command-line contract (sysexits.h), so front ends never decide exit codes themselves.
///
/// Messages are written for any front end: they never name a command-line flag. When the
/// remedy is an input of the action ("give a subject", "allow the overlap"), the error
/// carries it as an ``InputHint`` and the front end spells it (the CLI as `--subject`).
public enum CorbiError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Unknown command or option, missing argument, or an ambiguous default (64).
    case usage(String, hints: [InputHint] = [])
    /// An invalid value, or a business rule said no (65).
    case invalid(String, hints: [InputHint] = [])
    /// No such record, or it belongs to another organization (66).
    case notFound(String, hints: [InputHint] = [])
    /// The database stayed locked or a remote service did not answer (75).
    case temporary(String)
    /// The member's role does not allow the action (77).
    case permission(String)
    /// A bug (70).
    case `internal`(String)

    /// The message, without hints.
    public var message: String {
        switch self {
        case .usage(let m, _), .invalid(let m, _), .notFound(let m, _), .temporary(let m), .permission(let m),
            .internal(let m):
            return m
        }
    }

    /// The inputs that would settle it, for the front end to name.
    public var hints: [InputHint] {
        switch self {
        case .usage(_, let h), .invalid(_, let h), .notFound(_, let h): h
        case .temporary, .permission, .internal: []
        }
    }

    /// The message alone; front ends add the hints their own way (``rendered(naming:)``).
    public var description: String { message }

    /// The message with the hints spelled by `name`, at the end of its first line, before
    /// a closing full stop or colon: "Give a duration or an end, not both (--duration, --end)."
    public func rendered(naming name: (InputHint) -> String) -> String {
        let hints = self.hints
        guard !hints.isEmpty else { return message }
        let named = "(" + hints.map(name).joined(separator: ", ") + ")"
        let lineEnd = message.firstIndex(of: "\n") ?? message.endIndex
        var head = String(message[..<lineEnd])
        let rest = message[lineEnd...]
        if let last = head.last, last == "." || last == ":" {
            head.removeLast()
            return head + " " + named + String(last) + rest
        }
        return head + " " + named + rest
    }

    /// The process exit code of the contract.
    public var exitCode: Int32 {
        switch self {
        case .usage: 64
        case .invalid: 65
        case .notFound: 66
        case .temporary: 75
        case .permission: 77
        case .internal: 70
        }
    }

    /// Whether this failure is a refusal worth an audit event (as opposed to a bug).
    public var isRefusal: Bool {
        switch self {
        case .internal, .temporary: false
        default: true
        }
    }
}

/// An input of an action that an error's remedy names. The raw value is the neutral name
/// (a JSON field, say); the CLI maps every case to its flag, so a new case cannot go
/// unnamed there.
public enum InputHint: String, CaseIterable, Sendable {
    case allowOverlap, allowPast, at, body, bodyFile, booking, callingCode, channel, duration, end, knowledgeBase, language
    case limit
    case location, name, notes, organization, skipInvalid, subject, text, title, today, user, week
    /// Setting up a workspace (`corbi init`).
    case initialize
    /// Approving a template (`templates approve`).
    case approveTemplate
    /// Changing an existing template (`templates update`).
    case updateTemplate
    /// The per-channel sending rate (`outbox rate`).
    case rate
}
