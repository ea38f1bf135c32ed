// TEMPORARY: a naive stand-in for CorbiKnowledge's promised `KnowledgeBase` (same API), so
// `ask` runs end to end before the `kb` branch is merged. Delete this file at the merge.
import Foundation

public enum KnowledgeBaseError: Error, CustomStringConvertible, Equatable, Sendable {
    case missingRoot(String)
    case index(String)
    public var description: String {
        switch self {
        case .missingRoot(let path): "No knowledge-base folder at \(path)."
        case .index(let message): "The knowledge-base index failed: \(message)"
        }
    }
}

public struct KnowledgeBase {
    let root: String
    public init(root: String, indexPath: String, maxFileSize: Int = 10_000_000) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw KnowledgeBaseError.missingRoot(root)
        }
        self.root = root
    }

    @discardableResult public func refresh(progress: ((Int) -> Void)? = nil) throws -> Int { 0 }

    public func fingerprint(organizationDomain: String?) throws -> String {
        var text = ""
        for (path, content) in files(organizationDomain) { text += path + "\u{0}" + content }
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return String(hash, radix: 16)
    }

    public func search(_ query: String, organizationDomain: String?, limit: Int = 10) throws -> [Passage] {
        let terms = TextAnalysis.keyTerms(query)
        var passages: [Passage] = []
        for (path, content) in files(organizationDomain) {
            let lines = content.components(separatedBy: "\n")
            var start = 0
            var headings: [String] = []
            func emit(_ end: Int, _ heading: String) {
                guard end >= start else { return }
                let text = lines[start...end].joined(separator: "\n")
                let stems = TextAnalysis.stems(text + " " + heading)
                let hits = terms.filter { t in !TextAnalysis.synonyms(of: t).isDisjoint(with: stems) }.count
                if hits > 0 {
                    passages.append(Passage(path: path, lineStart: start + 1, lineEnd: end + 1, heading: heading, text: text, score: Double(hits), snippet: ""))
                }
            }
            for (i, line) in lines.enumerated() where line.hasPrefix("#") && i > start {
                emit(i - 1, headings.joined(separator: " › "))
                start = i
                let level = line.prefix(while: { $0 == "#" }).count
                headings = Array(headings.prefix(level - 1)) + [line.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)]
            }
            if let first = lines.first, first.hasPrefix("#"), headings.isEmpty {
                headings = [first.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)]
            }
            emit(lines.count - 1, headings.joined(separator: " › "))
        }
        return Array(passages.sorted { $0.score > $1.score }.prefix(limit))
    }

    private func files(_ domain: String?) -> [(String, String)] {
        let rootURL = URL(fileURLWithPath: root)
        guard let walker = FileManager.default.enumerator(at: rootURL, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles]) else { return [] }
        var result: [(String, String)] = []
        for case let url as URL in walker where ["md", "txt"].contains(url.pathExtension) {
            let relative = String(url.standardizedFileURL.path.dropFirst(rootURL.standardizedFileURL.path.count + 1))
            if relative.hasPrefix("orgs/"), domain.map({ !relative.hasPrefix("orgs/\($0)/") }) ?? true { continue }
            if let content = try? String(contentsOf: url, encoding: .utf8) { result.append((relative, content)) }
        }
        return result.sorted { $0.0 < $1.0 }
    }
}
