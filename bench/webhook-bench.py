#!/usr/bin/env python3
"""corbi serve under webhook load, release build.

REQUESTS signed webhook requests over CONNECTIONS concurrent keep-alive connections
(70% WhatsApp messages from 200 senders, 20% WhatsApp delivery statuses, 10% Telegram
updates; 2% of the requests are sent twice, as providers retry) while the dispatcher
sends DUE messages through a loopback provider (bench/fake_provider.py). Reports requests
per second, p50/p99 latency, serve's peak memory (/usr/bin/time -v), and the rows counted
afterwards: every request answered 200 stored, none twice.

usage: bench/webhook-bench.py [--requests 10000] [--connections 20] [--due 2000]
"""
import argparse
import hashlib
import hmac
import http.client
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APP_SECRET = "bench-meta-app-secret-0123456789"
TG_SECRET = "bench-telegram-secret"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=10000)
    ap.add_argument("--connections", type=int, default=20)
    ap.add_argument("--due", type=int, default=2000)
    args = ap.parse_args()

    subprocess.run(["swift", "build", "-c", "release", "--scratch-path", ".build-release", "--product", "corbi"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    corbi = os.path.join(ROOT, ".build-release/release/corbi")
    out = os.path.join(ROOT, "bench/out/webhook")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    env = dict(os.environ, HOME=out, XDG_DATA_HOME=out + "/data", XDG_STATE_HOME=out + "/state",
               CORBI_DB=out + "/corbi.sqlite", NO_COLOR="1", CORBI_USER="admin@bench.example")

    def run(*argv, stdin=None):
        subprocess.run([corbi, *argv], env=env, check=True, input=stdin, text=True, stdout=subprocess.DEVNULL)

    run("init", "--org", "Bench Clinic", "--domain", "bench.example", "--admin", "admin@bench.example", "--calling-code", "49")
    run("contacts", "add", "--name", "Anna Bench", "--phone", "+49 151 2345678", "--telegram", "4242")
    for name, text in [("wa-token", "EAAG-bench-token"), ("wa-secret", APP_SECRET), ("bot", "123456:ABC-bench-token")]:
        with open(os.path.join(out, name), "w") as f:
            f.write(text)
    run("channels", "set", "whatsapp", "phone_number_id=1098", "access_token=@" + out + "/wa-token",
        "app_secret=@" + out + "/wa-secret", "verify_token=v")
    run("channels", "set", "telegram", "bot_token=@" + out + "/bot", "secret_token=" + TG_SECRET)
    run("outbox", "rate", "telegram", "100000")
    run(stdin="".join('/draft anna --text "Due %d" --channel telegram\n' % i for i in range(args.due)))

    port = random.randint(20000, 40000)
    fake = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench/fake_provider.py"), "--port", str(port),
                             "--log", out + "/fake.log", "--delay-ms", "20"], stdout=subprocess.DEVNULL)
    serve_env = dict(env, CORBI_TELEGRAM_API_URL="http://127.0.0.1:%d/tg" % port, CORBI_DISPATCH_INTERVAL="1",
                     CORBI_LOG_LEVEL="warning")
    log = open(out + "/serve.log", "w")
    serve = subprocess.Popen(["/usr/bin/time", "-v", corbi, "serve", "--port", "0"], env=serve_env,
                             stdout=subprocess.DEVNULL, stderr=log)
    serve_port = None
    for _ in range(600):
        m = re.search(r"Listening on http://127\.0\.0\.1:(\d+)", open(out + "/serve.log").read())
        if m:
            serve_port = int(m.group(1))
            break
        time.sleep(0.1)
    if not serve_port:
        sys.exit("serve did not start")

    # The requests: (path, headers, body, kind, id).
    now = int(time.time())
    requests = []
    for n in range(args.requests):
        r = random.random()
        if r < 0.7:
            sender = "49157%07d" % (n % 200) if n % 200 else "491512345678"
            wamid = "wamid.BENCH-%d" % n
            body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550000000", "phone_number_id": "1098"},
                "contacts": [{"profile": {"name": "Sender %d" % (n % 200)}, "wa_id": sender}],
                "messages": [{"from": sender, "id": wamid, "timestamp": str(now), "type": "text", "text": {"body": "Hello %d" % n}}]}}]}]})
            requests.append(("/webhooks/bench.example/whatsapp", meta_headers(body), body, "message", wamid))
        elif r < 0.9:
            body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550000000", "phone_number_id": "1098"},
                "statuses": [{"id": "wamid.STATUS-%d" % n, "status": "delivered", "timestamp": str(now), "recipient_id": "491512345678"}]}}]}]})
            requests.append(("/webhooks/bench.example/whatsapp", meta_headers(body), body, "status", "wamid.STATUS-%d" % n))
        else:
            body = json.dumps({"update_id": 500000 + n, "message": {"message_id": n, "chat": {"id": 4242, "type": "private"},
                                                                    "from": {"id": 4242, "first_name": "Anna"}, "date": now, "text": "Hi %d" % n}})
            requests.append(("/webhooks/bench.example/telegram", {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET,
                                                                  "Content-Type": "application/json"}, body, "telegram", "4242:%d" % n))
    retries = random.sample(range(len(requests)), len(requests) // 50)
    requests += [requests[i] for i in retries]
    random.shuffle(requests)

    lock = threading.Lock()
    results = []
    queue = list(range(len(requests)))

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", serve_port, timeout=120)
        while True:
            with lock:
                if not queue:
                    break
                index = queue.pop()
            path, headers, body, kind, ident = requests[index]
            start = time.perf_counter()
            try:
                conn.request("POST", path, body=body.encode(), headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except Exception:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", serve_port, timeout=120)
                status = 0
            with lock:
                results.append((time.perf_counter() - start, status, kind, ident))
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    time.sleep(2)
    # `serve` is /usr/bin/time's child: SIGTERM goes to corbi itself (time would die of it
    # without writing its figures), then time exits with it.
    children = subprocess.run(["pgrep", "-P", str(serve.pid)], capture_output=True, text=True).stdout.split()
    for child in children:
        os.kill(int(child), signal.SIGTERM)
    serve.wait()
    fake.terminate()
    log.close()

    latencies = sorted(r[0] for r in results)
    ok = [r for r in results if r[1] == 200]
    statuses = {}
    for r in results:
        statuses[r[1]] = statuses.get(r[1], 0) + 1
    db = sqlite3.connect(out + "/corbi.sqlite")
    stored = set(x for (x,) in db.execute(
        "SELECT providerMessageId FROM inboundMessage WHERE providerMessageId LIKE 'wamid.BENCH-%' OR (channel = 'telegram' AND providerMessageId LIKE '4242:%')"))
    rows = db.execute(
        "SELECT count(*) FROM inboundMessage WHERE providerMessageId LIKE 'wamid.BENCH-%' OR (channel = 'telegram' AND providerMessageId LIKE '4242:%')").fetchone()[0]
    kept = set(x for (x,) in db.execute("SELECT providerMessageId FROM earlyDeliveryStatus WHERE providerMessageId LIKE 'wamid.STATUS-%'"))
    kept_rows = db.execute("SELECT count(*) FROM earlyDeliveryStatus WHERE providerMessageId LIKE 'wamid.STATUS-%'").fetchone()[0]
    sent = db.execute("SELECT count(*) FROM outboundMessage WHERE status = 'sent'").fetchone()[0]
    answered_messages = set(r[3] for r in ok if r[2] in ("message", "telegram"))
    answered_statuses = set(r[3] for r in ok if r[2] == "status")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(out + "/serve.log").read()).group(1))

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    print("%d requests (%d retried twice) over %d connections in %.1f s: %.0f requests/s" % (
        len(requests), len(retries), args.connections, elapsed, len(requests) / elapsed))
    print("latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; answers %s" % (pct(0.5), pct(0.99), latencies[-1] * 1000, statuses))
    print("serve peak RSS %.1f MB; the dispatcher sent %d of %d due messages meanwhile" % (rss / 1024, sent, args.due))
    print("messages answered 200: %d distinct; stored: %d rows, %d distinct; missing: %d" % (
        len(answered_messages), rows, len(stored), len(answered_messages - stored)))
    print("statuses answered 200: %d distinct; kept for their send: %d rows, %d distinct; missing: %d" % (
        len(answered_statuses), kept_rows, len(kept), len(answered_statuses - kept)))
    ok_all = not (answered_messages - stored) and rows == len(stored) and not (answered_statuses - kept) and kept_rows == len(kept)
    print("OK: nothing lost, nothing twice" if ok_all else "PROBLEM: rows lost or doubled")


def meta_headers(body):
    signature = hmac.new(APP_SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": "sha256=" + signature, "Content-Type": "application/json"}


if __name__ == "__main__":
    main()
