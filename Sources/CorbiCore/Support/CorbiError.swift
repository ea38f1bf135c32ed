import Foundation

/// Every failure Corbi reports to a user. Each case maps to one exit code of the
/// command-line contract (sysexits.h), so front ends never decide exit codes themselves.
public enum CorbiError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Unknown command or option, missing argument, or an ambiguous default (64).
    case usage(String)
    /// An invalid value, or a business rule said no (65).
    case invalid(String)
    /// No such record, or it belongs to another organization (66).
    case notFound(String)
    /// The database stayed locked or a remote service did not answer (75).
    case temporary(String)
    /// The member's role does not allow the action (77).
    case permission(String)
    /// A bug (70).
    case `internal`(String)

    public var description: String {
        switch self {
        case .usage(let m), .invalid(let m), .notFound(let m), .temporary(let m),
            .permission(let m), .internal(let m):
            return m
        }
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
