import CorbiTestSupport
import Foundation

/// A chat-completions server on loopback (Python's http.server) that answers every request
/// with the JSON in `reply` and keeps the last request body.
final class ToolModelServer {
    let server: LoopbackScriptServer
    var port: Int { server.port }
    let folder: URL

    static let script = #"""
        import http.server, signal, sys
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        reply_file, request_file = sys.argv[1], sys.argv[2]
        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                open(request_file, "wb").write(body)
                reply = open(reply_file, "rb").read()
                self.send_response(200); self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply))); self.end_headers(); self.wfile.write(reply)
        s = http.server.HTTPServer(("127.0.0.1", 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """#

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-tools-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: folder.appendingPathComponent("reply.json"))
        server = try LoopbackScriptServer(
            script: Self.script,
            arguments: [folder.appendingPathComponent("reply.json").path, folder.appendingPathComponent("request.json").path])
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/v1/chat/completions")! }

    /// The next replies: a call of `tool` with `arguments` (a JSON object as text).
    func replyCalling(_ tool: String, arguments: String) throws {
        let reply: [String: Any] = [
            "choices": [["message": ["role": "assistant", "content": NSNull(), "tool_calls": [
                ["id": "call_1", "type": "function", "function": ["name": tool, "arguments": arguments]],
            ]]]],
        ]
        try JSONSerialization.data(withJSONObject: reply).write(to: folder.appendingPathComponent("reply.json"))
    }

    /// The next replies: text and no call.
    func replyText(_ text: String) throws {
        let reply: [String: Any] = ["choices": [["message": ["role": "assistant", "content": text]]]]
        try JSONSerialization.data(withJSONObject: reply).write(to: folder.appendingPathComponent("reply.json"))
    }

    func lastRequest() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("request.json"))) as? [String: Any] ?? [:]
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
}
