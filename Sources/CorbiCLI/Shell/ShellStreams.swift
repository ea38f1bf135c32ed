import Foundation

/// Where the shell writes: results to stdout, diagnostics to stderr. Tests capture both.
public protocol ShellStreams: AnyObject {
    func writeOut(_ text: String)
    func writeErr(_ text: String)
}

/// The process's standard output and error.
public final class StandardStreams: ShellStreams {
    public init() {}
    public func writeOut(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
    public func writeErr(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

/// Streams kept in memory (tests).
public final class CapturedStreams: ShellStreams, @unchecked Sendable {
    public private(set) var out = ""
    public private(set) var err = ""
    public init() {}
    public func writeOut(_ text: String) { out += text }
    public func writeErr(_ text: String) { err += text }
}
