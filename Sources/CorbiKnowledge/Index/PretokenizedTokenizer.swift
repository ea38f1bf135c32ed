import Foundation
import GRDB
import GRDBSQLite

/// The texts a writing thread is about to insert into the FTS table, with their tokens.
/// Kept per thread: the tokenizer runs on the thread that executes the insert, and two
/// indexes written at once in one process must not see each other's texts.
final class TokenStash: @unchecked Sendable {
    static let shared = TokenStash()
    private let lock = NSLock()
    private var entries: [pthread_t: [(text: String, tokens: TokenList)]] = [:]

    /// Makes `entries` available to the tokenizer on this thread while `body` runs (the insert).
    func with<T>(_ entries: [(text: String, tokens: TokenList)], _ body: () throws -> T) rethrows -> T {
        let thread = pthread_self()
        lock.withLock { self.entries[thread] = entries }
        defer { lock.withLock { self.entries[thread] = nil } }
        return try body()
    }

    /// The tokens of a text stashed by this thread with exactly these bytes.
    func tokens(for text: UnsafePointer<CChar>, count: Int) -> TokenList? {
        let thread = pthread_self()
        return lock.withLock {
            for entry in entries[thread] ?? [] {
                var candidate = entry.text
                let same = candidate.withUTF8 { $0.count == count && (count == 0 || memcmp($0.baseAddress!, text, count) == 0) }
                if same { return entry.tokens.isComplete ? entry.tokens : nil }
            }
            return nil
        }
    }
}

/// The index's FTS5 tokenizer, `corbi porter unicode61 remove_diacritics 2`: FTS5's own
/// `porter unicode61 remove_diacritics 2`, except that a passage being inserted whose
/// tokens the reading thread already worked out (with that same tokenizer, see
/// `PassageTokenizer`) has them replayed rather than worked out again on the writing
/// thread. The tokens are therefore the same either way; queries, deletes and any text
/// not stashed go straight to the inner tokenizer.
final class PretokenizedTokenizer: FTS5CustomTokenizer {
    static let name = "corbi"
    /// The tokenizer this one stands for.
    static let inner = ["porter", "unicode61", "remove_diacritics", "2"]

    private let tokenizer: any FTS5Tokenizer

    init(db: Database, arguments: [String]) throws {
        tokenizer = try db.makeTokenizer(FTS5TokenizerDescriptor(components: arguments.isEmpty ? Self.inner : arguments))
    }

    func tokenize(
        context: UnsafeMutableRawPointer?, tokenization: FTS5Tokenization, pText: UnsafePointer<CChar>?, nText: CInt,
        tokenCallback: @escaping FTS5TokenCallback
    ) -> CInt {
        if tokenization.contains(.document), let pText, let tokens = TokenStash.shared.tokens(for: pText, count: Int(nText)) {
            return tokens.replay(context: context, to: tokenCallback)
        }
        return tokenizer.tokenize(context: context, tokenization: tokenization, pText: pText, nText: nText, tokenCallback: tokenCallback)
    }
}
