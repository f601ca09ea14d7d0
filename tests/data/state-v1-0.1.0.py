"""How tests/data/state-v1-0.1.0.json was made: drives a chinaums-mock 0.1.0 binary (commit
292bd21) through the control API and the gateway into a state with something in every section,
records what the control API showed, and stops it with SIGTERM so that it saves.

    python3 tests/data/state-v1-0.1.0.py BINARY OUT_DIR

writes OUT_DIR/state.json (the state file) and OUT_DIR/views.json (the control API's answers).
Only loopback addresses are used; every wait is bounded.
"""
import atexit, hashlib, http.server, json, os, signal, subprocess, sys, threading, time, urllib.request, urllib.error

BIN, OUT = sys.argv[1], sys.argv[2]
STATE = f"{OUT}/state.json"
if os.path.exists(STATE):
    os.remove(STATE)

class Hang(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        time.sleep(1.5)
        try:
            self.send_response(200); self.end_headers(); self.wfile.write(b"SUCCESS")
        except Exception:
            pass
    def log_message(self, *a):
        pass

hang = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hang)
threading.Thread(target=hang.serve_forever, daemon=True).start()
HANG = f"http://127.0.0.1:{hang.server_address[1]}/notify"

proc = subprocess.Popen(
    [BIN, "--host", "127.0.0.1", "--port", "0", "--seed", "20261125", "--workers", "1",
     "--clock-start", "2026-11-25T12:00:00.250+08:00", "--clock-frozen",
     "--state-file", STATE, "--state-save-interval-secs", "0",
     "--callback-allow", "127.0.0.1", "--log-level", "warn"],
    stdout=subprocess.PIPE, stderr=open(f"{OUT}/stderr.log", "w"), text=True)
atexit.register(lambda: proc.poll() is None and proc.kill())
line = proc.stdout.readline()
URL = json.loads(line)["url"]
assert URL.startswith("http://127.0.0.1:"), URL
print("sandbox at", URL)

def call(method, path, body=None, headers=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(URL + path, data=data, method=method)
    if body is not None and raw is None:
        req.add_header("content-type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text

def ok(result, want=None):
    status, body = result
    if want is not None and status != want:
        raise SystemExit(f"expected {want}, got {status}: {body}")
    return body

apps = ok(call("GET", "/__mock/apps"), 200)["apps"]
A, B = apps[0], apps[1]
sink = lambda app: f"{URL}/__mock/sink/{app['appId']}"

def token(app, nonce, good=True):
    ts = "20261125120000"
    sig = hashlib.sha256((app["appId"] + ts + nonce + app["appKey"]).encode()).hexdigest()
    if not good:
        sig = "0" * 64
    return call("POST", "/v1/token/access", {"appId": app["appId"], "timestamp": ts, "nonce": nonce,
                                            "signMethod": "SHA256", "signature": sig})

ok(call("PATCH", f"/__mock/apps/{A['appId']}", {"callbackUrl": sink(A)}), 200)
tok_a = ok(token(A, "nonce-a1"), 200)["accessToken"]
tok_b = ok(token(B, "nonce-b1"), 200)["accessToken"]
ok(token(A, "nonce-a2", good=False), 401)
ok(call("POST", "/v1/token/access", raw=b"{not json", headers={"content-type": "application/json"}))
ok(call("POST", "/__mock/faults", {"target": "token", "action": "error", "times": 1, "appId": B["appId"],
                                   "errCode": "9200", "description": "token outage"}), 201)
ok(token(B, "nonce-b2"))
tok_b2 = ok(token(B, "nonce-b3"), 200)["accessToken"]

# stubs and business calls
ok(call("POST", "/__mock/stubs", {"method": "POST", "path": "/v1/netpay/refund", "appId": A["appId"],
                                  "responses": [{"body": {"errCode": "SUCCESS", "refundStatus": "PROCESSING"}},
                                                {"status": 200, "body": {"errCode": "SUCCESS", "refundStatus": "SUCCESS", "refundAmount": "{{request.body.refundAmount}}"}, "headers": {"x-trace": "t-1"}}],
                                  "times": 3, "priority": 5, "description": "refund in two steps"}), 201)
auth_a = {"authorization": f"OPEN-ACCESS-TOKEN AccessToken={tok_a}"}
ok(call("POST", "/v1/netpay/refund?trace=1", {"mid": A["mid"], "refundAmount": "100"}, auth_a), 200)
ok(call("POST", "/v1/netpay/nothing-here", {"mid": A["mid"]}, auth_a))
ok(call("POST", "/v1/netpay/query", {"mid": B["mid"]}))
ok(call("POST", "/__mock/faults", {"target": "gateway", "action": "error", "path": "/v1/netpay/*", "appId": B["appId"],
                                   "errCode": "TARGET_FAIL", "times": 1}), 201)
ok(call("POST", "/v1/netpay/wx/unified-order", {"mid": B["mid"]},
        {"authorization": f"OPEN-ACCESS-TOKEN AccessToken={tok_b2}"}))
ok(call("POST", "/v1/netpay/wx/unified-order", {"mid": B["mid"], "totalAmount": 1},
        {"authorization": f"OPEN-ACCESS-TOKEN AccessToken={tok_b2}"}), 200)
# a leftover fault that never acted
ok(call("POST", "/__mock/faults", {"target": "gateway", "action": "delay", "delayMs": 5, "probability": 0.5,
                                   "times": 3, "path": "/v1/never/*", "description": "never matched"}), 201)

# Pay Score: delivered with a duplicate from a fault, then a redelivery
ok(call("POST", "/__mock/faults", {"target": "notification", "action": "duplicate", "appId": A["appId"], "times": 1}), 201)
o1 = ok(call("POST", "/__mock/payscore/open", {"appId": A["appId"], "openId": "golden-user-1"}), 201)
n1 = o1["notification"]["id"]
def wait(nid, status="settled"):
    return ok(call("GET", f"/__mock/notifications/{nid}/wait?status={status}&timeoutMs=10000"), 200)
wait(n1, "delivered")
ok(call("POST", "/__mock/clock/advance", {"seconds": 0}), 200)
ok(call("POST", f"/__mock/notifications/{n1}/redeliver", {}), 200)
ok(call("POST", "/__mock/payscore/close", {"appId": A["appId"], "openId": "golden-user-1"}), 201)

# rejected by the merchant (another app's sink: another key), retrying
c = ok(call("POST", "/__mock/apps", {"name": "Golden shop", "notify": {"format": "json", "signType": "MD5",
                                                                       "retrySchedule": [1], "giveUpAfterSeconds": 2, "timeoutMs": 300}}), 201)
o2 = ok(call("POST", "/__mock/payscore/open", {"appId": A["appId"], "openId": "golden-user-2", "callbackUrl": sink(c)}), 201)
# dropped by a fault, then a refused connection
ok(call("PATCH", f"/__mock/apps/{B['appId']}", {"callbackUrl": "http://127.0.0.1:9/notify"}), 200)
ok(call("POST", "/__mock/faults", {"target": "notification", "action": "drop", "appId": B["appId"], "times": 1}), 201)
o3 = ok(call("POST", "/__mock/payscore/open", {"appId": B["appId"]}), 201)
ok(call("POST", "/__mock/clock/advance", {"seconds": 0}), 200)

# an app without a callback URL (parked), one whose merchant hangs (timeouts, exhausted)
o4 = ok(call("POST", "/__mock/payscore/open", {"appId": c["appId"]}), 201)
# blocked: a host outside --callback-allow
o4b = ok(call("POST", "/__mock/payscore/open", {"appId": c["appId"], "callbackUrl": "http://localhost:9/notify"}), 201)
d = ok(call("POST", "/__mock/apps", {"name": "Hanging shop", "callbackUrl": HANG,
                                     "notify": {"ack": "http2xx", "retrySchedule": [1], "giveUpAfterSeconds": 2, "timeoutMs": 300}}), 201)
o5 = ok(call("POST", "/__mock/payscore/open", {"appId": d["appId"]}), 201)
ok(call("POST", "/__mock/clock/advance", {"seconds": 0}), 200)

# delayed and held by faults
ok(call("POST", "/__mock/faults", {"target": "notification", "action": "delay", "delaySeconds": 3600, "appId": A["appId"], "times": 1}), 201)
o6 = ok(call("POST", "/__mock/payscore/open", {"appId": A["appId"], "openId": "golden-user-3"}), 201)
ok(call("POST", "/__mock/faults", {"target": "notification", "action": "outOfOrder", "appId": A["appId"], "times": 1}), 201)
o7 = ok(call("POST", "/__mock/payscore/open", {"appId": A["appId"], "openId": "golden-user-4"}), 201)

# time goes on: retries fall due, the hanging merchant's notification is given up on
ok(call("POST", "/__mock/clock/advance", {"seconds": 15.5}), 200)
ok(call("POST", "/__mock/clock/advance", {"seconds": 0}), 200)

views = {}
for name, path in [("apps", "/__mock/apps"), ("clock", "/__mock/clock"),
                   ("notifications", "/__mock/notifications"), ("requests", "/__mock/requests"),
                   ("faults", "/__mock/faults"), ("stubs", "/__mock/stubs"),
                   ("authorizations", "/__mock/payscore/authorizations"),
                   ("sinkA", f"/__mock/sink/{A['appId']}"), ("sinkC", f"/__mock/sink/{c['appId']}")]:
    views[name] = ok(call("GET", path), 200)
json.dump(views, open(f"{OUT}/views.json", "w"), ensure_ascii=False, indent=2)

proc.send_signal(signal.SIGTERM)
code = proc.wait(timeout=30)
print("exit", code)
hang.shutdown()
for n in views["notifications"]["notifications"]:
    print(n["id"], n["appId"][:8], n["status"], [(a["outcome"], a["trigger"], a.get("fault")) for a in n["attempts"]],
          n["nextAttemptAt"], n["heldByFault"], n["delayedByFault"], n["awaitingCallbackUrl"])
print(len(views["requests"]["requests"]), "requests", [r["outcome"] for r in views["requests"]["requests"]])
print(len(views["sinkA"]["received"]), len(views["sinkC"]["received"]), "receipts")
