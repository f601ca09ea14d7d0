"""How tests/data/state-v1-orders.json was made: drives a chinaums-mock binary that saves netpay
orders (0.1.0 at commit 5859586, the first to) through the gateway and the control API into a
state with orders of every kind — paid with a coupon and refunded in part, closed by the
merchant, failed at the payer, waiting at a cashier page, paid at once by B-scan-C, dropped by
`--order-retention 6` — and QR bills paid and refunded, closed and unpaid, their notifications
delivered to the built-in sink; records what the control API and the gateway showed, and stops it
with SIGTERM so that it saves.

    python3 tests/data/state-v1-orders.py BINARY OUT_DIR

writes OUT_DIR/state.json (the state file) and OUT_DIR/views.json (the answers).
Only loopback addresses are used; every wait is bounded.
"""
import atexit, hashlib, json, os, signal, subprocess, sys, urllib.request, urllib.error

BIN, OUT = sys.argv[1], sys.argv[2]
STATE = f"{OUT}/state.json"
if os.path.exists(STATE):
    os.remove(STATE)

proc = subprocess.Popen(
    [BIN, "--host", "127.0.0.1", "--port", "0", "--seed", "20261203", "--workers", "1",
     "--clock-start", "2026-11-25T12:00:00.250+08:00", "--clock-frozen",
     "--state-file", STATE, "--state-save-interval-secs", "0", "--order-retention", "6",
     "--log-level", "warn"],
    stdout=subprocess.PIPE, stderr=open(f"{OUT}/stderr.log", "w"), text=True)
atexit.register(lambda: proc.poll() is None and proc.kill())
URL = json.loads(proc.stdout.readline())["url"]
assert URL.startswith("http://127.0.0.1:"), URL
print("sandbox at", URL)

def call(method, path, body=None, headers=None):
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    req = urllib.request.Request(URL + path, data=data, method=method)
    if body is not None:
        req.add_header("content-type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    return status, json.loads(text) if text else None

def ok(result, want=200):
    status, body = result
    if status != want:
        raise SystemExit(f"expected {want}, got {status}: {body}")
    return body

apps = ok(call("GET", "/__mock/apps"))["apps"]
A, B = apps[0], apps[1]  # the APP/mini-program merchant, the QR merchant
sink = lambda app: f"{URL}/__mock/sink/{app['appId']}"
ok(call("PATCH", f"/__mock/apps/{A['appId']}", {"callbackUrl": sink(A), "notify": {"refundNotify": True}}))
ok(call("PATCH", f"/__mock/apps/{B['appId']}", {"callbackUrl": sink(B)}))

def token(app):
    ts, nonce = "20261125120000", "nonce-orders"
    sig = hashlib.sha256((app["appId"] + ts + nonce + app["appKey"]).encode()).hexdigest()
    return ok(call("POST", "/v1/token/access", {"appId": app["appId"], "timestamp": ts, "nonce": nonce,
                                                "signMethod": "SHA256", "signature": sig}))["accessToken"]

TOKENS = {A["appId"]: token(A), B["appId"]: token(B)}

def gw(app, path, body, code="SUCCESS"):
    answer = ok(call("POST", path, body, {"authorization": f"OPEN-ACCESS-TOKEN AccessToken={TOKENS[app['appId']]}"}))
    got = answer.get("errCode")
    if got != code:
        raise SystemExit(f"{path}: expected {code}, got {answer}")
    return answer

def order(number, amount, **more):
    return {"requestTimestamp": "2026-11-25 12:00:00", "mid": A["mid"], "tid": "88880001",
            "instMid": "MINIDEFAULT", "merOrderId": number, "totalAmount": amount,
            "subOpenId": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "tradeType": "MINI", **more}

def about(number, **more):
    return {"requestTimestamp": "2026-11-25 12:00:05", "mid": A["mid"], "tid": "88880001",
            "instMid": "MINIDEFAULT", "merOrderId": number, **more}

def bill(number, **more):
    return {"requestTimestamp": "2026-11-25 12:00:00", "mid": B["mid"], "tid": "88880001",
            "instMid": "QRPAYDEFAULT", "billNo": number, **more}

def wait_delivered(record):
    for nid in record["notifications"]:
        n = ok(call("GET", f"/__mock/notifications/{nid}/wait?status=delivered&timeoutMs=10000"))
        assert n["status"] == "delivered", n

# The first order goes first when the bound is reached: settled, and changed least recently.
gw(A, "/v1/netpay/wx/unified-order", order("3194G0", 1))
ok(call("POST", "/__mock/orders/3194G0/pay", {}))
gw(A, "/v1/netpay/wx/unified-order", order("3194G1", 100, orderDesc="会员月卡", attachedData="a=1"))
gw(A, "/v1/netpay/wx/unified-order", order("3194G2", 50, notifyUrl=sink(A)))
gw(A, "/v1/netpay/trade/precreate", order("3194G3", 288, instMid="QRPAYDEFAULT"))
paid = ok(call("POST", "/__mock/orders/3194G1/pay", {"buyerPayAmount": 90, "couponAmount": 10}))["order"]
wait_delivered(paid)
gw(A, "/v1/netpay/refund", about("3194G1", refundOrderId="3194GR1", refundAmount=30, refundDesc="少发一件"))
gw(A, "/v1/netpay/close", about("3194G2"))
gw(A, "/v1/netpay/wx/unified-order", order("3194G4", 70))
ok(call("POST", "/__mock/orders/3194G4/pay", {"outcome": "fail"}))
scan = {"merchantCode": A["mid"], "terminalCode": "88880001", "transactionAmount": 120,
        "transactionCurrencyCode": "156", "merchantOrderId": "3194G5", "merchantRemark": "门店收款",
        "payMode": "CODE_SCAN", "payCode": "285059979526414634"}
gw(A, "/v2/poslink/transaction/pay", scan, code="00")

gw(B, "/v1/netpay/bills/get-qrcode", bill("3194GB1", totalAmount=20, billDesc="停车费"))
gw(B, "/v1/netpay/bills/get-qrcode", bill("3194GB2", totalAmount=35))
gw(B, "/v1/netpay/bills/get-qrcode", bill("3194GB3", totalAmount=10))
paid_bill = ok(call("POST", "/__mock/bills/3194GB1/pay", {}))["bill"]
wait_delivered(paid_bill)
gw(B, "/v1/netpay/bills/refund", bill("3194GB1", refundOrderId="3194GBR1", refundAmount=20))
gw(B, "/v1/netpay/bills/close-qrcode", bill("3194GB3"))
# An older order changed last: the order of last changes is not the order of creation.
gw(A, "/v1/netpay/refund", about("3194G1", refundOrderId="3194GR2", refundAmount=20))
ok(call("POST", "/__mock/clock/advance", {"seconds": 0}))

views = {"token": TOKENS[A["appId"]]}
for name, path in [("orders", "/__mock/orders"), ("bills", "/__mock/bills"),
                   ("notifications", "/__mock/notifications"),
                   ("sinkA", f"/__mock/sink/{A['appId']}"), ("sinkB", f"/__mock/sink/{B['appId']}")]:
    views[name] = ok(call("GET", path))
views["query"] = gw(A, "/v1/netpay/query", about("3194G1"))
views["refundQuery"] = gw(A, "/v1/netpay/refund-query", about("3194G1", refundOrderId="3194GR1"))
views["billQuery"] = gw(B, "/v1/netpay/bills/query", bill("3194GB1"))
json.dump(views, open(f"{OUT}/views.json", "w"), ensure_ascii=False, indent=2)

proc.send_signal(signal.SIGTERM)
print("exit", proc.wait(timeout=30))
saved = json.load(open(STATE))["orders"]
print("orders", [o["merOrderId"] + ":" + o["status"] for o in saved["items"]], "changeOrder", saved["changeOrder"])
print("bills", [b["billNo"] + ":" + b["billStatus"] for b in saved["bills"]], "billChangeOrder", saved["billChangeOrder"])
print("dropped", saved["dropped"], "notifications", len(views["notifications"]["notifications"]))
