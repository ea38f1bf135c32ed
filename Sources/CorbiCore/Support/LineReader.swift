import Foundation

/// The lines of a file, read in 64 KB blocks so that a file of any size is read in
/// constant memory. A read error ends the lines and is kept in `error`.
public final class LineReader: Sequence, IteratorProtocol, @unchecked Sendable {
    private let handle: FileHandle
    private var buffer = Data()
    private var position = 0
    private var atEnd = false
    /// What stopped the reading early, if anything.
    public private(set) var error: CorbiError?

    /// Opens the file at `path` (66 if it does not exist, 77 if it cannot be read).
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CorbiError.notFound("No file \(path).")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CorbiError.permission("Cannot read \(path).")
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The next line without its line break (`\n` or `\r\n`); nil at the end.
    public func next() -> String? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                var line = buffer[position..<newline]
                position = newline + 1
                if line.last == 0x0D { line = line.dropLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if atEnd {
                guard position < buffer.endIndex else { return nil }
                defer { position = buffer.endIndex }
                return String(decoding: buffer[position...], as: UTF8.self)
            }
            // Keep the unfinished line only, then read on.
            buffer = Data(buffer[position...])
            position = buffer.startIndex
            do {
                let block = try handle.read(upToCount: 65_536) ?? Data()
                if block.isEmpty { atEnd = true } else { buffer.append(block) }
            } catch {
                self.error = .temporary("Reading stopped: \(error.localizedDescription)")
                atEnd = true
                position = buffer.endIndex
            }
        }
    }
}
