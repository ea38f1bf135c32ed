import CorbiCore
import Foundation

/// Files a command reads (`-` is standard input), with one rule for every input: the
/// bytes must be UTF-8 text, from a file or a pipe alike; a NUL or another control
/// character is checked by the service that stores the text.
enum InputFile {
    /// The largest input file read (a CSV of 100,000 contacts is about 10 MB).
    static let maximumBytes = 256 * 1024 * 1024

    /// The bytes of `path` (66 when it does not exist, 77 when it cannot be read).
    static func data(_ path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CorbiError.notFound("Cannot read \(path): no such file.")
        }
        guard !isDirectory.boolValue else { throw CorbiError.invalid("\(path) is a folder, not a file.") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CorbiError.permission("Cannot read \(path).") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maximumBytes + 1)) ?? Data()
        guard data.count <= maximumBytes else {
            throw CorbiError.invalid("\(path) is larger than \(maximumBytes / 1_048_576) MB.")
        }
        return data
    }

    /// The text of `path`: 65 unless it is UTF-8 (an optional BOM is dropped).
    static func text(_ path: String) throws -> String {
        var data = try data(path)
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CorbiError.invalid("\(path == "-" ? "The standard input" : path) is not UTF-8 text.")
        }
        return text
    }
}
