import CorbiTestSupport
import Foundation
import Testing

@testable import CorbiAssistant

/// The model client's transport: no credentials after a redirect, no unbounded replies.
@Suite(.serialized) struct LLMTransportTests {
    /// A loopback server: `redirect` answers 307 to the same port under another host name
    /// (`localhost`), `huge` answers a 2 MB reply; every request's Authorization header is
    /// appended to a file.
    final class Server {
        let server: LoopbackScriptServer
        var port: Int { server.port }
        let headers: URL

        static let script = #"""
            import http.server, json, signal, sys
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
            mode, headers = sys.argv[1], sys.argv[2]
            class H(http.server.BaseHTTPRequestHandler):
                def log_message(self, *a): pass
                def do_POST(self):
                    self.rfile.read(int(self.headers.get("Content-Length", 0)))
                    open(headers, "a").write((self.headers.get("Authorization") or "-") + " " + self.path + "\n")
                    if mode == "redirect" and self.path != "/moved":
                        self.send_response(307)
                        self.send_header("Location", "http://localhost:%d/moved" % self.server.server_address[1])
                        self.send_header("Content-Length", "0"); self.end_headers(); return
                    content = "x" * 2_000_000 if mode == "huge" else "Fine [1]."
                    reply = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
                    self.send_response(200); self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply))); self.end_headers(); self.wfile.write(reply)
            s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
            print(s.server_address[1], flush=True)
            s.serve_forever()
            """#

        init(mode: String) throws {
            headers = FileManager.default.temporaryDirectory.appendingPathComponent("corbi-llm-headers-\(UUID().uuidString)")
            server = try LoopbackScriptServer(script: Self.script, arguments: [mode, headers.path])
        }

        var requests: [String] {
            ((try? String(contentsOf: headers, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        deinit { try? FileManager.default.removeItem(at: headers) }
    }

    func client(_ server: Server) -> LLMClient {
        LLMClient(
            configuration: LLMConfiguration(
                url: URL(string: "http://127.0.0.1:\(server.port)/v1/chat/completions")!, model: "m", timeout: 5,
                apiKey: "sk-secret"))
    }

    @Test func aRedirectIsNotFollowedSoTheKeyStaysHome() throws {
        let server = try Server(mode: "redirect")
        #expect { try client(server).complete(system: "s", user: "u") } throws: { ($0 as? LLMError) == .http(307) }
        #expect(server.requests == ["Bearer sk-secret /v1/chat/completions"])
    }

    @Test func aHugeReplyIsAbandoned() throws {
        let server = try Server(mode: "huge")
        #expect { try client(server).complete(system: "s", user: "u") } throws: {
            ($0 as? LLMError) == .tooLarge(LLMClient.maximumReplyBytes)
        }
    }

    @Test func aNormalReplyIsRead() throws {
        let server = try Server(mode: "ok")
        #expect(try client(server).complete(system: "s", user: "u") == "Fine [1].")
    }
}
