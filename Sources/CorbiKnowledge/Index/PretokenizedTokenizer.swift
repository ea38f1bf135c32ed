import Foundation
import GRDB
import GRDBSQLite

/// The tokens of one text exactly as an FTS5 tokenizer produced them.
struct TokenList: Sendable {
    /// The token bytes, one after another.
    var terms: [UInt8] = []
    /// Four values a token: offset in `terms`, length (flags in the top byte), and the
    /// token's start and end byte in the text.
    var records: [Int32] = []

    /// Tokens in the list (FTS5 counts them as the column's size).
    var count: Int { records.count / 4 }

    /// Calls `body` with every token's text, in order.
    func forEachTerm(_ body: (String) -> Void) {
        terms.withUnsafeBufferPointer { terms in
            var i = 0
            while i + 3 < records.count {
                let start = Int(records[i]), length = Int(records[i + 1] & 0xFF_FFFF)
                body(String(decoding: UnsafeBufferPointer(rebasing: terms[start..<(start + length)]), as: UTF8.self))
                i += 4
            }
        }
    }

    /// Feeds the tokens to FTS5 as its own tokenizer would.
    func replay(context: UnsafeMutableRawPointer?, to callback: FTS5TokenCallback) -> CInt {
        terms.withUnsafeBufferPointer { terms in
            records.withUnsafeBufferPointer { r in
                let base = UnsafeRawPointer(terms.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self)
                var i = 0
                while i + 3 < r.count {
                    let rc = callback(context, r[i + 1] >> 24, base + Int(r[i]), r[i + 1] & 0xFF_FFFF, r[i + 2], r[i + 3])
                    if rc != SQLITE_OK { return rc }
                    i += 4
                }
                return SQLITE_OK
            }
        }
    }
}

/// Runs FTS5's own tokenizer (`porter unicode61 remove_diacritics 2`) outside SQLite, so the
/// reading thread can tokenize passages while the writing thread inserts the previous ones.
final class PassageTokenizer: @unchecked Sendable {
    private let tokenizer: any FTS5Tokenizer

    /// A tokenizer instance of its own (instances keep state while tokenizing): use it
    /// from one thread at a time.
    init(_ db: Database) throws {
        tokenizer = try db.makeTokenizer(FTS5TokenizerDescriptor(components: PretokenizedTokenizer.inner))
    }

    func tokens(of text: String) -> TokenList {
        var list = TokenList()
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            list.records.reserveCapacity(bytes.count / 2)
            withUnsafeMutablePointer(to: &list) { pointer in
                _ = tokenizer.tokenize(
                    context: UnsafeMutableRawPointer(pointer), tokenization: .document,
                    pText: UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), nText: CInt(bytes.count),
                    tokenCallback: collectToken)
            }
        }
        return list
    }
}

private let collectToken: FTS5TokenCallback = { context, flags, token, length, start, end in
    guard let context, let token, length > 0, length <= 0xFF_FFFF else { return SQLITE_OK }
    let list = context.assumingMemoryBound(to: TokenList.self)
    let offset = Int32(list.pointee.terms.count)
    list.pointee.terms.append(contentsOf: UnsafeRawBufferPointer(start: token, count: Int(length)))
    list.pointee.records.append(offset)
    list.pointee.records.append(length | (flags << 24))
    list.pointee.records.append(start)
    list.pointee.records.append(end)
    return SQLITE_OK
}

/// The texts the writer is about to insert into the FTS table, with their tokens.
final class TokenStash: @unchecked Sendable {
    static let shared = TokenStash()
    private let lock = NSLock()
    private var entries: [(text: String, tokens: TokenList)] = []

    /// Makes `entries` available to the tokenizer while `body` runs (the insert).
    func with<T>(_ entries: [(text: String, tokens: TokenList)], _ body: () throws -> T) rethrows -> T {
        lock.withLock { self.entries = entries }
        defer { lock.withLock { self.entries = [] } }
        return try body()
    }

    /// The tokens of a stashed text with exactly these bytes.
    func tokens(for text: UnsafePointer<CChar>, count: Int) -> TokenList? {
        lock.withLock {
            for entry in entries {
                var candidate = entry.text
                let same = candidate.withUTF8 { $0.count == count && (count == 0 || memcmp($0.baseAddress!, text, count) == 0) }
                if same { return entry.tokens }
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
