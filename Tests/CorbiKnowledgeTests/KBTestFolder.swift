import CorbiTestSupport
import Foundation
@testable import CorbiKnowledge

/// A temporary knowledge-base folder and index file for one test, removed when the last
/// copy of the value goes away: keep it in a variable while its knowledge base is used.
struct KBTestFolder {
    private let folder: TemporaryFolder
    var url: URL { folder.url }
    var root: String { url.appendingPathComponent("kb").path }
    var indexPath: String { url.appendingPathComponent("index.sqlite").path }

    init() throws {
        folder = try TemporaryFolder("corbi-kb")
        try FileManager.default.createDirectory(atPath: folder.path("kb"), withIntermediateDirectories: true)
    }

    /// Writes `text` at `path` under the KB root, creating folders.
    func write(_ path: String, _ text: String) throws {
        try write(path, Data(text.utf8))
    }

    func write(_ path: String, _ data: Data) throws {
        let file = URL(fileURLWithPath: root).appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
    }

    func remove(_ path: String) throws {
        try FileManager.default.removeItem(atPath: root + "/" + path)
    }

    func knowledgeBase(maxFileSize: Int = 10_000_000) throws -> KnowledgeBase {
        try KnowledgeBase(root: root, indexPath: indexPath, maxFileSize: maxFileSize)
    }

    /// The lines of a file on disk, 1-based range, as a passage must hold them.
    func lines(_ path: String, _ start: Int, _ end: Int) throws -> String {
        let text = try String(contentsOfFile: root + "/" + path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines[(start - 1)...(end - 1)].joined(separator: "\n")
    }
}
