import Foundation

/// A chat-completions server on loopback (Python's http.server) that answers every request
/// with the JSON in `reply` and keeps the last request body.
final class ToolModelServer {
    let process = Process()
    let port: Int
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
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, folder.appendingPathComponent("reply.json").path, folder.appendingPathComponent("request.json").path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        port = Int(String(decoding: line, as: UTF8.self)) ?? 0
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

    deinit {
        // SIGKILL: the test runner's children may inherit a mask that blocks SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }
}
