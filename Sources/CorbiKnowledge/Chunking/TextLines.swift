/// A file's UTF-8 bytes cut into lines, without copying them: chunking works on bytes
/// because Swift's Character-by-Character processing costs more than FTS5's own indexing.
struct TextLines {
    let bytes: [UInt8]
    /// Byte offset where each line starts.
    private(set) var starts: [Int] = []
    /// Byte offset where each line ends, its "\n" or "\r\n" excluded.
    private(set) var ends: [Int] = []

    var count: Int { starts.count }

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var estimated = 0
        bytes.withUnsafeBufferPointer { buf in
            for b in buf where b == 10 { estimated += 1 }
        }
        starts.reserveCapacity(estimated + 1)
        ends.reserveCapacity(estimated + 1)
        bytes.withUnsafeBufferPointer { buf in
            var start = 0
            for i in 0..<buf.count where buf[i] == 10 {
                starts.append(start)
                ends.append(i > start && buf[i - 1] == 13 ? i - 1 : i)
                start = i + 1
            }
            if start < buf.count {
                starts.append(start)
                ends.append(buf[buf.count - 1] == 13 ? buf.count - 1 : buf.count)
            }
        }
    }

    /// Lines given as strings without terminators (HTML text after its tags are removed).
    init(lines: [Substring]) {
        var bytes: [UInt8] = []
        var starts: [Int] = [], ends: [Int] = []
        for line in lines {
            starts.append(bytes.count)
            bytes.append(contentsOf: line.utf8)
            ends.append(bytes.count)
            bytes.append(10)
        }
        self.bytes = bytes
        self.starts = starts
        self.ends = ends
    }

    /// Bytes of line `i`, terminator excluded.
    func length(_ i: Int) -> Int { ends[i] - starts[i] }

    func isBlank(_ i: Int) -> Bool {
        var k = starts[i]
        let end = ends[i]
        while k < end {
            let b = bytes[k]
            if b != 32, b != 9, b != 11, b != 12, b != 13 { return false }
            k += 1
        }
        return true
    }

    func string(_ i: Int) -> String {
        String(decoding: bytes[starts[i]..<ends[i]], as: UTF8.self)
    }

    /// Lines `first...last` joined by "\n" (a "\r" before a "\n" dropped).
    func text(_ first: Int, _ last: Int) -> String {
        let range = starts[first]..<ends[last]
        var hasCR = false
        for k in range where bytes[k] == 13 {
            hasCR = true
            break
        }
        if !hasCR { return String(decoding: bytes[range], as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        for i in first...last {
            if i > first { out.append(10) }
            out.append(contentsOf: bytes[starts[i]..<ends[i]])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
