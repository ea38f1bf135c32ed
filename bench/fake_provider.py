#!/usr/bin/env python3
"""A loopback stand-in for the providers' send APIs, for benchmarks and manual checks.

Answers in each provider's format (paths as Corbi builds them under the base URLs the
CORBI_*_API_URL variables name: /wa/..., /ig/..., /tg/...) and appends one line per
request to a log: arrival time (Unix seconds), path, and the message text.

    bench/fake_provider.py --port 8099 --log /tmp/fake.log [--delay-ms 0] [--status 200]
"""
import argparse
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--log", required=True)
    parser.add_argument("--delay-ms", type=float, default=0)
    parser.add_argument("--status", type=int, default=200)
    args = parser.parse_args()
    lock = threading.Lock()
    log = open(args.log, "a", buffering=1)
    counter = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two writes; with Nagle's algorithm the body waits for
        # the client's delayed ACK (40 ms), which capped this fake at ~90 requests/s.
        disable_nagle_algorithm = True

        def log_message(self, *a):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            try:
                data = json.loads(body)
            except ValueError:
                data = {}
            text = data.get("text") or (data.get("message") or {}).get("text") or (data.get("text") or {})
            if isinstance(text, dict):
                text = text.get("body", "")
            with lock:
                counter[0] += 1
                n = counter[0]
                log.write("%.6f\t%s\t%s\n" % (time.time(), self.path, json.dumps(text)))
            if args.delay_ms:
                time.sleep(args.delay_ms / 1000)
            if args.status != 200:
                reply = {"error": {"message": "fake failure", "code": args.status}}
            elif self.path.startswith("/wa/"):
                reply = {"messaging_product": "whatsapp", "messages": [{"id": "wamid." + uuid.uuid4().hex}]}
            elif self.path.startswith("/ig/"):
                reply = {"recipient_id": "x", "message_id": "mid." + uuid.uuid4().hex}
            else:
                chat = data.get("chat_id", 1)
                reply = {"ok": True, "result": {"message_id": n, "chat": {"id": chat}}}
            out = json.dumps(reply).encode()
            self.send_response(args.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print("fake provider on http://127.0.0.1:%d" % args.port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
