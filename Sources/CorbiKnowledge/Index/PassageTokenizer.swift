import GRDB
import GRDBSQLite

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
    guard let context else { return SQLITE_OK }
    let list = context.assumingMemoryBound(to: TokenList.self)
    // A token this list cannot hold (never seen from these tokenizers): the text is then
    // left to FTS5's tokenizer rather than replayed without it.
    guard let token, length >= 0, length <= 0xFF_FFFF, flags >= 0, flags < 0x80 else {
        list.pointee.isComplete = false
        return SQLITE_OK
    }
    let offset = Int32(list.pointee.terms.count)
    list.pointee.terms.append(contentsOf: UnsafeRawBufferPointer(start: token, count: Int(length)))
    list.pointee.records.append(offset)
    list.pointee.records.append(length | (flags << 24))
    list.pointee.records.append(start)
    list.pointee.records.append(end)
    return SQLITE_OK
}
