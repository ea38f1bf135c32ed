import Foundation

/// A regular expression compiled on its first use: compiling one costs about 0.1 ms, and
/// most processes (a one-shot `corbi ask` about the knowledge base) never need most of them.
final class LazyRegularExpression: @unchecked Sendable {
    private let pattern: String
    private let options: NSRegularExpression.Options
    private let lock = NSLock()
    private var compiled: NSRegularExpression?

    init(_ pattern: String, options: NSRegularExpression.Options = [.caseInsensitive]) {
        self.pattern = pattern
        self.options = options
    }

    /// The compiled expression. A pattern that does not compile is a bug in the source;
    /// the parser's tests run every one.
    var regex: NSRegularExpression {
        lock.lock()
        defer { lock.unlock() }
        if let compiled { return compiled }
        let regex = try! NSRegularExpression(pattern: pattern, options: options)
        compiled = regex
        return regex
    }
}
