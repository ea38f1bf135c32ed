import Crypto
import Foundation

/// Comparisons of secrets that take the same time wherever the inputs differ.
enum ConstantTime {
    /// Whether `a` equals `b`. Both are hashed first, so neither the position of the first
    /// difference nor a difference in length shows in the time taken.
    static func equal(_ a: String, _ b: String) -> Bool {
        let da = SHA256.hash(data: Data(a.utf8))
        let db = SHA256.hash(data: Data(b.utf8))
        return bytesEqual(Array(da), Array(db))
    }

    /// Whether two byte arrays of the same length are equal, touching every byte.
    static func bytesEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
