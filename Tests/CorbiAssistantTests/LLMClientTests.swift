import CorbiKnowledge
import CorbiTestSupport
import Foundation
import Testing

@testable import CorbiAssistant

/// A chat-completions server on loopback (Python's http.server), started by the test.
/// It answers with a canned reply and saves each request body to a file.
final class LoopbackModelServer {
    let server: LoopbackScriptServer
    var port: Int { server.port }
    let requestFile: URL

    static let script = #"""
        import http.server, json, signal, sys, time
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        mode, request_file = sys.argv[1], sys.argv[2]
        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                open(request_file, "wb").write(body)
                if mode == "slow": time.sleep(3)
                if mode == "error":
                    self.send_response(500); self.end_headers(); return
                content = {"good": "Cancel at least 24 hours ahead [2]. It costs €40 otherwise [1].",
                           "uncited": "You should cancel early.", "unknown": "Cancel early [7].",
                           "slow": "Too late [1]."}.get(mode, "NO_ANSWER")
                reply = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
                self.send_response(200); self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply))); self.end_headers(); self.wfile.write(reply)
        s = http.server.HTTPServer(("127.0.0.1", 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """#

    init(mode: String) throws {
        requestFile = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-llm-\(UUID().uuidString).json")
        server = try LoopbackScriptServer(script: Self.script, arguments: [mode, requestFile.path])
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/v1/chat/completions")! }

    func lastRequest() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: requestFile)) as? [String: Any] ?? [:]
    }

    deinit { try? FileManager.default.removeItem(at: requestFile) }
}

@Suite(.serialized) struct LLMClientTests {
    let passages = [
        passage("orgs/a.example/cancellation.md", 10, "Late cancellations", "Late cancellations cost €40.", score: 2),
        passage("orgs/a.example/cancellation.md", 3, "Notice period", "Please give us at least 24 hours' notice to cancel.", score: 1),
    ]

    func assistant(_ server: LoopbackModelServer, timeout: TimeInterval = 10) -> Assistant {
        Assistant(
            retriever: FixedRetriever(passages: passages),
            llm: LLMClient(configuration: LLMConfiguration(url: server.url, model: "test-model", timeout: timeout)))
    }

    @Test func acceptsACitedReplyAndRenumbersItsSources() throws {
        let server = try LoopbackModelServer(mode: "good")
        #expect(server.port > 0)
        let answer = try assistant(server).answer("How much notice do I need to give to cancel?")
        #expect(answer.usedModel)
        #expect(answer.answered)
        #expect(answer.answer == "Cancel at least 24 hours ahead [1]. It costs €40 otherwise [2].")
        #expect(answer.citations.map(\.lineStart) == [3, 10])
        #expect(answer.notes.isEmpty)

        let request = try server.lastRequest()
        #expect(request["model"] as? String == "test-model")
        let messages = request["messages"] as? [[String: String]] ?? []
        #expect(messages.first?["role"] == "system")
        #expect(messages.first?["content"] == Prompts.defaults.system)
        let user = messages.last?["content"] ?? ""
        #expect(user.contains("[1] orgs/a.example/cancellation.md:10-10 (Late cancellations)"))
        #expect(user.contains("[2] orgs/a.example/cancellation.md:3-3"))
    }

    @Test(arguments: ["uncited", "unknown", "error", "other"])
    func fallsBackToTheExtractedAnswer(mode: String) throws {
        let server = try LoopbackModelServer(mode: mode)
        let answer = try assistant(server).answer("How much notice do I need to give to cancel?")
        #expect(!answer.usedModel)
        #expect(answer.answered)
        #expect(answer.answer.contains("24 hours' notice"))
        #expect(answer.notes.count == 1)
        #expect(answer.notes.first?.contains("not used") == true)
    }

    @Test func fallsBackWhenTheModelIsTooSlow() throws {
        let server = try LoopbackModelServer(mode: "slow")
        let started = Date()
        let answer = try assistant(server, timeout: 1).answer("How much notice do I need to give to cancel?")
        #expect(Date().timeIntervalSince(started) < 2.9)
        #expect(!answer.usedModel && answer.answered)
        #expect(answer.notes.first?.contains("within 1 s") == true)
    }

    @Test func fallsBackWhenNothingListens() throws {
        let config = LLMConfiguration(url: URL(string: "http://127.0.0.1:9/v1/chat/completions")!, model: "m", timeout: 2)
        let answer = try Assistant(retriever: FixedRetriever(passages: passages), llm: LLMClient(configuration: config))
            .answer("How much notice do I need to give to cancel?")
        #expect(!answer.usedModel && answer.answered && answer.notes.count == 1)
    }

    @Test func neverAsksTheModelWhenTheKnowledgeBaseHasNoAnswer() throws {
        let server = try LoopbackModelServer(mode: "good")
        let answer = try assistant(server).answer("Do you sell electric toothbrushes?")
        #expect(!answer.answered && !answer.usedModel)
        #expect(!FileManager.default.fileExists(atPath: server.requestFile.path))
    }

    @Test func findsCitationMarkers() {
        #expect(LLMClient.citedNumbers(in: "A [2]. B [1, 3]. C [x] [2][4].") == [2, 1, 3, 4])
        #expect(LLMClient.renumberingCitations(in: "A [2]. B [1, 2].", [2: 1, 1: 2]) == "A [1]. B [2, 1].")
    }
}

@Suite struct PromptsTests {
    @Test func readsFilesAndKeepsDefaultsForMissingOnes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-prompts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "Nope, not in our files.\n".write(to: folder.appendingPathComponent("refusal.txt"), atomically: true, encoding: .utf8)
        try "Q={{question}}\n{{passages}}".write(to: folder.appendingPathComponent("answer-user.md"), atomically: true, encoding: .utf8)
        let prompts = Prompts.load(from: folder.path)
        #expect(prompts.refusal == "Nope, not in our files.")
        #expect(prompts.sourcesHeader == Prompts.defaults.sourcesHeader)
        #expect(prompts.system == Prompts.defaults.system)
        let message = prompts.userMessage(question: "Why?", passages: [passage("a.md", 4, "", "Because.")])
        #expect(message == "Q=Why?\n[1] a.md:4-4\nBecause.")
        #expect(Prompts.load(from: "/nonexistent/prompts") == Prompts.defaults)
    }
}
