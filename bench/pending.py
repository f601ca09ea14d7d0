#!/usr/bin/env python3
"""Memory under sustained load with a merchant that never acknowledges.

A local merchant answers every notification 200 with a 4 KiB body that is not SUCCESS, so
nothing is ever delivered. APPS apps point at it; worker threads open and close Pay Score
authorisations (two notifications per user) at about RATE notifications per second for
DURATION seconds, while every notification is retried every RETRY seconds. The sandbox's
resident memory (VmRSS) is sampled every SAMPLE seconds and printed as a Markdown table, once
with the pending cap (--max-pending-per-app MAX_PENDING) and once without it in effect.

  bench/pending.py                                   # uses target/release/chinaums-mock
  CHINAUMS_MOCK_BIN=target/debug/chinaums-mock DURATION=120 bench/pending.py
  MODES=capped RATE=400 MAX_PENDING=5000 bench/pending.py

Only the standard library; traffic stays on 127.0.0.1.
"""

import http.client
import http.server
import json
import os
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get(
    "CHINAUMS_MOCK_BIN",
    os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "chinaums-mock"),
)
APPS = int(os.environ.get("APPS", "2"))
RATE = float(os.environ.get("RATE", "100"))
DURATION = float(os.environ.get("DURATION", "150"))
RETRY = int(os.environ.get("RETRY", "10"))
SAMPLE = float(os.environ.get("SAMPLE", "15"))
MAX_PENDING = int(os.environ.get("MAX_PENDING", "2000"))
MODES = os.environ.get("MODES", "capped,uncapped").split(",")
WORKERS = 4
ANSWER = b"FAILED " + b"x" * (4096 - 7)


class Merchant(http.server.BaseHTTPRequestHandler):
    """Reads the notification and refuses it with a 4 KiB answer."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", "0")))
        self.send_response(200)
        self.send_header("content-length", str(len(ANSWER)))
        self.end_headers()
        self.wfile.write(ANSWER)

    def log_message(self, *args):
        pass


class Conn:
    """One keep-alive connection to the sandbox."""

    def __init__(self, port):
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        headers = {"content-type": "application/json"} if data else {}
        self.http.request(method, path, body=data, headers=headers)
        r = self.http.getresponse()
        text = r.read()
        return r.status, (json.loads(text) if text else None)


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def run(mode, merchant_port):
    cap = MAX_PENDING if mode == "capped" else 100_000_000
    proc = subprocess.Popen(
        [BINARY, "--port", "0", "--log-level", "warn", "--retry-schedule", str(RETRY),
         "--max-pending-per-app", str(cap)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        port = int(json.loads(proc.stdout.readline())["url"].rsplit(":", 1)[1])
        c = Conn(port)
        callback = "http://127.0.0.1:%d/notify" % merchant_port
        apps = []
        for _ in range(APPS):
            status, app = c.call("POST", "/__mock/apps", {"callbackUrl": callback})
            assert status == 201 or status == 200, app
            apps.append(app["appId"])
        created = [0]
        failed = [0]
        lock = threading.Lock()
        deadline = time.monotonic() + DURATION
        interval = 2.0 * WORKERS / RATE  # each round makes two notifications

        def worker(k):
            conn = Conn(port)
            next_at = time.monotonic()
            i = 0
            while time.monotonic() < deadline:
                app = apps[(k + i) % len(apps)]
                i += 1
                s1, opened = conn.call("POST", "/__mock/payscore/open", {"appId": app})
                s2, _ = conn.call("POST", "/__mock/payscore/close",
                                  {"appId": app, "openId": (opened or {}).get("authorization", {}).get("openId")})
                ok = s1 == 201 and s2 == 201
                with lock:
                    created[0] += 2 if ok else 0
                    failed[0] += 0 if ok else 1
                next_at += interval
                time.sleep(max(0.0, next_at - time.monotonic()))

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(WORKERS)]
        started = time.monotonic()
        samples = [(0, 0, rss_kib(proc.pid))]
        for t in threads:
            t.start()
        while time.monotonic() < deadline:
            time.sleep(min(SAMPLE, max(0.0, deadline - time.monotonic())))
            samples.append((round(time.monotonic() - started), created[0], rss_kib(proc.pid)))
        for t in threads:
            t.join()
        # The first connection has idled past the keep-alive: a new one.
        status, listed = Conn(port).call("GET", "/__mock/notifications?status=exhausted&limit=1")
        given_up = listed["notifications"][0].get("giveUpReason") if listed["notifications"] else None
        return samples, failed[0], given_up
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main():
    if not os.path.exists(BINARY):
        sys.exit("no binary at %s: build it, or set CHINAUMS_MOCK_BIN" % BINARY)
    merchant = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Merchant)
    threading.Thread(target=merchant.serve_forever, daemon=True).start()
    print("Never-acknowledging merchant (4 KiB answers), %d apps, ~%d notifications/s for %d s, "
          "retry every %d s; binary %s\n" % (APPS, RATE, DURATION, RETRY, os.path.relpath(BINARY, ROOT)))
    for mode in MODES:
        samples, failed, given_up = run(mode, merchant.server_address[1])
        cap = ("--max-pending-per-app %d" % MAX_PENDING) if mode == "capped" else "no cap in effect"
        print("**%s** (%s; requests failed: %d; a given-up notification's reason: %s)\n"
              % (mode, cap, failed, given_up))
        print("| seconds | notifications created | RSS (MiB) |")
        print("|---|---|---|")
        for at, made, rss in samples:
            print("| %d | %d | %.1f |" % (at, made, rss / 1024))
        print()
    merchant.shutdown()


if __name__ == "__main__":
    main()
