import Foundation

/// A value made the first time it is read, once, whichever thread reads it: a compiled
/// regular expression costs about 0.1 ms to make, and most processes (a one-shot
/// `corbi ask` about the knowledge base) never need most of them.
final class OnFirstUse<Value>: @unchecked Sendable {
    private let make: () -> Value
    private let lock = NSLock()
    private var made: Value?

    init(_ make: @escaping @Sendable () -> Value) {
        self.make = make
    }

    var value: Value {
        lock.lock()
        defer { lock.unlock() }
        if let made { return made }
        let value = make()
        made = value
        return value
    }
}
