import GRDB
import GRDBSQLite

/// The tokens of one text exactly as an FTS5 tokenizer produced them.
struct TokenList: Sendable {
    /// The token bytes, one after another.
    var terms: [UInt8] = []
    /// Four values a token: offset in `terms`, length (flags in the top byte), and the
    /// token's start and end byte in the text.
    var records: [Int32] = []
    /// False when a token could not be recorded: such a list is never replayed.
    var isComplete = true

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

/// A passage's heading and body tokens, worked out on the reading thread.
struct PassageTokens: Sendable {
    var heading: TokenList
    var body: TokenList

    /// Tokenizes (heading, body) pairs on this connection's thread.
    static func of(_ texts: [(String, String)], _ db: Database) throws -> [PassageTokens] {
        let tokenizer = try PassageTokenizer(db)
        return texts.map { PassageTokens(heading: tokenizer.tokens(of: $0.0), body: tokenizer.tokens(of: $0.1)) }
    }
}
