import CorbiCore
import Foundation
@testable import CorbiMessaging

/// A deterministic random generator (SplitMix64) for jitter tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A generator that always answers the same, to pin jitter at its ends.
struct FixedGenerator: RandomNumberGenerator {
    var value: UInt64
    mutating func next() -> UInt64 { value }
}

extension SendOutcome {
    /// Every text of the outcome, to search for leaked secrets.
    var allText: String {
        switch self {
        case .accepted(let receipt): "\(receipt.providerMessageId) \(receipt.providerStatus) \(receipt.warning ?? "")"
        case .temporary(let failure), .permanent(let failure): "\(failure.code) \(failure.message) \(failure)"
        }
    }

    var isTemporary: Bool {
        if case .temporary = self { return true }
        return false
    }

    var isPermanent: Bool {
        if case .permanent = self { return true }
        return false
    }
}

/// Payloads and bodies as UTF-8 bytes.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// `true` when `text` holds no C0/C1 control character and no DEL.
func isPrintable(_ text: String) -> Bool {
    !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
}
