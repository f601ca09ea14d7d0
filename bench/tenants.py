#!/usr/bin/env python3
"""Many tenants sharing one sandbox, as parallel CI jobs do.

Each of TENANTS threads creates its own app and loops for DURATION seconds:
  token (signed with the wall clock, as a real client does) -> a business call with that token
  -> open a Pay Score authorisation -> advance time by ADVANCE seconds -> close it.
It runs twice in one go against one release build: every app on a clock of its own
("clock": "new", advancing /__mock/clocks/{id}), then every app on the shared default clock
(advancing /__mock/clock, which is what tenants could only do before clocks existed). It prints
operations per second, latency percentiles and failures per step for both, as Markdown.

  bench/tenants.py                      # builds nothing; uses target/release/chinaums-mock
  TENANTS=64 DURATION=30 bench/tenants.py
  CHINAUMS_MOCK_BIN=old/chinaums-mock MODES=shared bench/tenants.py   # a build without clocks

Only the standard library; traffic stays on 127.0.0.1.
"""

import hashlib
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get(
    "CHINAUMS_MOCK_BIN",
    os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "chinaums-mock"),
)
TENANTS = int(os.environ.get("TENANTS", "64"))
DURATION = float(os.environ.get("DURATION", "30"))
ADVANCE = float(os.environ.get("ADVANCE", "3601"))
# Which runs: "own" (each tenant on its own clock), "shared" (all on the default clock). A build
# that predates clocks can only do "shared".
MODES = os.environ.get("MODES", "own,shared").split(",")
BEIJING = timezone(timedelta(hours=8))
STEPS = ["token", "call", "open", "advance", "close"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Conn:
    """One keep-alive connection to the sandbox."""

    def __init__(self, port):
        self.port = port
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method, path, body=None, headers=None):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        h = {"content-type": "application/json"}
        h.update(headers or {})
        try:
            self.http.request(method, path, body=data, headers=h)
            r = self.http.getresponse()
            text = r.read()
        except (http.client.HTTPException, OSError):
            self.http.close()
            self.http = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        try:
            return r.status, json.loads(text) if text else None
        except ValueError:
            return r.status, None


def token_body(app):
    ts = datetime.now(BEIJING).strftime("%Y%m%d%H%M%S")
    nonce = secrets.token_hex(16)
    sig = hashlib.sha256((app["appId"] + ts + nonce + app["appKey"]).encode()).hexdigest()
    return {"appId": app["appId"], "timestamp": ts, "nonce": nonce, "signMethod": "SHA256", "signature": sig}


def tenant(port, own_clock, n, deadline, results, lock):
    c = Conn(port)
    spec = {"clock": "new"} if own_clock else {}
    spec["callbackUrl"] = "http://127.0.0.1:%d/__mock/sink/" % port  # completed below
    status, app = c.call("POST", "/__mock/apps", spec)
    assert status == 201, (status, app)
    c.call("PATCH", "/__mock/apps/" + app["appId"], {"callbackUrl": spec["callbackUrl"] + app["appId"]})
    advance_path = "/__mock/clocks/%s/advance" % app["clock"] if own_clock else "/__mock/clock/advance"
    order = json.dumps({"mid": app["mid"], "tid": app["tid"], "instMid": app["instMid"],
                        "merOrderId": "1017%020d" % n, "totalAmount": 1}).encode()
    mine = {s: [] for s in STEPS}
    failed = {s: 0 for s in STEPS}
    i = 0
    while time.monotonic() < deadline:
        i += 1
        user = "u-%d-%d" % (n, i)
        t0 = time.monotonic()
        status, body = c.call("POST", "/v1/token/access", token_body(app))
        mine["token"].append(time.monotonic() - t0)
        ok = status == 200 and body and body.get("errCode") == "0000"
        if not ok:
            failed["token"] += 1
            continue
        token = body["accessToken"]
        for step, call, good in [
            ("call", lambda: c.call("POST", "/v1/netpay/wx/unified-order", order,
                                    {"authorization": "OPEN-ACCESS-TOKEN AccessToken=" + token}),
             lambda s, b: s == 200),
            ("open", lambda: c.call("POST", "/__mock/payscore/open", {"appId": app["appId"], "openId": user}),
             lambda s, b: s == 201),
            ("advance", lambda: c.call("POST", advance_path, {"seconds": ADVANCE}), lambda s, b: s == 200),
            ("close", lambda: c.call("POST", "/__mock/payscore/close", {"appId": app["appId"], "openId": user}),
             lambda s, b: s == 201),
        ]:
            t0 = time.monotonic()
            status, body = call()
            mine[step].append(time.monotonic() - t0)
            if not good(status, body):
                failed[step] += 1
    with lock:
        for s in STEPS:
            results["latency"][s].extend(mine[s])
            results["failed"][s] += failed[s]


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100.0 * len(values)))]


def run(port, own_clock):
    results = {"latency": {s: [] for s in STEPS}, "failed": {s: 0 for s in STEPS}}
    lock = threading.Lock()
    deadline = time.monotonic() + DURATION
    threads = [threading.Thread(target=tenant, args=(port, own_clock, n, deadline, results, lock))
               for n in range(TENANTS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results["elapsed"] = time.monotonic() - started
    return results


def report(name, r):
    lines = ["### %s" % name, "",
             "| step | done | per second | failed | p50 ms | p99 ms |", "|---|---:|---:|---:|---:|---:|"]
    for s in STEPS:
        lat = r["latency"][s]
        lines.append("| %s | %d | %.0f | %d (%.1f %%) | %.1f | %.1f |" % (
            s, len(lat), len(lat) / r["elapsed"], r["failed"][s],
            100.0 * r["failed"][s] / max(1, len(lat)), pct(lat, 50) * 1000, pct(lat, 99) * 1000))
    return "\n".join(lines)


def main():
    if not os.path.exists(BINARY):
        sys.exit("build first: cargo build --release (looked for %s)" % BINARY)
    port = free_port()
    server = subprocess.Popen([BINARY, "--port", str(port), "--log-level", "warn"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                if Conn(port).call("GET", "/__mock/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        print("%d tenants, %.0f s per run, advancing %.0f s per round, %s UTC, %s\n" % (
            TENANTS, DURATION, ADVANCE, datetime.now(timezone.utc).strftime("%Y-%m-%d"), BINARY))
        if "own" in MODES:
            print(report("Each tenant on its own clock", run(port, True)))
            print()
        if "shared" in MODES:
            print(report("Every tenant on the shared default clock", run(port, False)))
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    main()
