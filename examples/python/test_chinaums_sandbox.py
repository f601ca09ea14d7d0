#!/usr/bin/env python3
"""A merchant's back end tested against the chinaums-mock sandbox, standard library only.

Copy this file into your project and replace the "merchant side" helpers with calls into your own
code (your ChinaUMS client and your notification endpoint). Everything here is what a real
integration does against https://test-api-open.chinaums.com/, except the calls to `/__mock/...`,
which script the sandbox (callback URL, Pay Score users, the payer, the clock).

Run it with Python 3.8+ from the repository root (the second form works from anywhere):

    python3 -m unittest examples/python/test_chinaums_sandbox.py -v
    python3 examples/python/test_chinaums_sandbox.py

The sandbox binary is `$CHINAUMS_MOCK_BIN`, default `target/debug/chinaums-mock`; a relative path
is taken from the repository root (two directories above this file). Build it with `cargo build`.
"""

import base64
import hashlib
import hmac
import json
import os
import queue
import random
import re
import subprocess
import threading
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SANDBOX_BIN = REPO_ROOT / os.environ.get("CHINAUMS_MOCK_BIN", "target/debug/chinaums-mock")

# The public demo credentials shipped with the official SDKs; the sandbox starts with them.
APP_ID = "10037e6f66f2d0f901672aa27d690006"
APP_KEY = "47ace12ae3b348fe93ab46cee97c6fde"
MD5_KEY = "impARTxrQcfwmRijpDNCw6hPxaWCddKEpYxjaKXDhCaTCXJ6"  # 通讯密钥: signs notifications
MID, TID, INST_MID, MSG_SRC_ID = "898201612345678", "88880001", "MINIDEFAULT", "3194"

BEIJING = timezone(timedelta(hours=8))
# Never let an HTTP(S)_PROXY variable route calls to 127.0.0.1 through a proxy.
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(method, url, body=None, headers=None, timeout=30.0):
    """One HTTP exchange; returns (status, headers, body bytes) for 2xx and error statuses alike."""
    if body is not None and not isinstance(body, bytes):
        body = json.dumps(body).encode("utf-8")
    hdrs = {"Content-Type": "application/json"} if body is not None else {}
    hdrs.update(headers or {})
    req = urllib.request.Request(url, data=body, headers=hdrs, method=method)
    try:
        with HTTP.open(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def parse_rfc3339(text):
    """`2026-11-25T12:00:00+08:00` (fractions and `Z` allowed) as an aware datetime."""
    text = re.sub(r"\.\d+", "", text).replace("Z", "+00:00")
    return datetime.fromisoformat(text)


# --------------------------------------------------------------------------------------------
# The sandbox process
# --------------------------------------------------------------------------------------------


class Sandbox:
    """Starts `chinaums-mock --port 0`, reads its URL from the first stdout line, stops it."""

    def __init__(self, binary):
        if not binary.is_file():
            raise RuntimeError(
                "sandbox binary not found at %s: run `cargo build` in %s or set CHINAUMS_MOCK_BIN"
                % (binary, REPO_ROOT)
            )
        self.proc = subprocess.Popen(
            [str(binary), "--port", "0", "--seed", "7"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.log = []  # stderr lines, shown when the start fails
        first_line = queue.Queue()
        # Keep both pipes drained so a chatty log never blocks the server.
        self.drains = [
            threading.Thread(target=self._drain_stdout, args=(first_line,), daemon=True),
            threading.Thread(target=self._drain_stderr, daemon=True),
        ]
        for drain in self.drains:
            drain.start()
        try:
            line = first_line.get(timeout=30)
        except queue.Empty:
            line = b""
        try:
            # {"event":"listening","url":"http://127.0.0.1:PORT","control":…,"version":…,"apps":2}
            self.url = json.loads(line)["url"]
        except (ValueError, KeyError):
            code = self.stop()
            raise RuntimeError(
                "the sandbox (exit code %s) did not print its listening line, got %r:\n%s"
                % (code, line, "".join(self.log[-20:]))
            )

    def _drain_stdout(self, first_line):
        lines = iter(self.proc.stdout.readline, b"")
        first_line.put(next(lines, b""))
        for _ in lines:
            pass

    def _drain_stderr(self):
        for line in iter(self.proc.stderr.readline, b""):
            self.log.append(line.decode("utf-8", "replace"))

    def stop(self):
        """SIGTERM, then wait: the sandbox shuts down gracefully and exits 0."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            code = self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        for drain in self.drains:
            drain.join(timeout=5)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return code

    def control(self, method, path, body=None):
        """The sandbox's own control API (`/__mock/...`): test scripting, not part of ChinaUMS."""
        status, _, raw = http(method, self.url + "/__mock" + path, body)
        return status, json.loads(raw) if raw else None

    def beijing_now(self):
        """Sandbox time in UTC+8. In production: `datetime.now(BEIJING)` (the gateway rejects
        timestamps more than 10 minutes away from its own Beijing time)."""
        _, clock = self.control("GET", "/clock")
        return parse_rfc3339(clock["now"]).astimezone(BEIJING)


# --------------------------------------------------------------------------------------------
# Merchant side: calling ChinaUMS
# --------------------------------------------------------------------------------------------


def get_access_token(base_url, now):
    """POST /v1/token/access — what your SDK's OpenApiCache.getCurrentToken does (it caches the
    token for `expiresIn` seconds and asks again only when it runs out)."""
    timestamp = now.strftime("%Y%m%d%H%M%S")  # yyyyMMddHHmmss, Beijing time
    nonce = uuid.uuid4().hex
    signature = hashlib.sha256((APP_ID + timestamp + nonce + APP_KEY).encode("utf-8")).hexdigest()
    request = {
        "appId": APP_ID,
        "timestamp": timestamp,
        "nonce": nonce,
        "signMethod": "SHA256",
        "signature": signature,
    }
    status, _, raw = http("POST", base_url + "/v1/token/access", request)
    return status, json.loads(raw)


def open_body_sig(body, now):
    """The `Authorization` header of OPEN-BODY-SIG — what the SDK's OpenBodySigUtil builds:
    base64(HMAC-SHA256(appKey, appId + timestamp + nonce + lowerhex(SHA256(body bytes))))."""
    timestamp = now.strftime("%Y%m%d%H%M%S")
    nonce = uuid.uuid4().hex
    body_digest = hashlib.sha256(body).hexdigest()
    message = (APP_ID + timestamp + nonce + body_digest).encode("utf-8")
    signature = base64.b64encode(
        hmac.new(APP_KEY.encode("utf-8"), message, hashlib.sha256).digest()
    ).decode("ascii")
    return 'OPEN-BODY-SIG AppId="%s", Timestamp="%s", Nonce="%s", Signature="%s"' % (
        APP_ID,
        timestamp,
        nonce,
        signature,
    )


def merchant_number(now):
    """msgSrcId + yyyyMMddHHmmssSSS + 7 random digits, like the SDK demo's order numbers (refunds
    are numbered the same way)."""
    return (
        MSG_SRC_ID
        + now.strftime("%Y%m%d%H%M%S")
        + "%03d" % (now.microsecond // 1000)
        + "%07d" % random.randrange(10 ** 7)
    )


def unified_order_body(now, sub_open_id, total_amount=1):
    """A WeChat mini-program order (微信小程序支付下单) as a merchant back end sends it. Returns
    the exact bytes: the signature covers the bytes on the wire, so sign what you send."""
    order = {
        "requestTimestamp": now.strftime("%Y-%m-%d %H:%M:%S"),
        "merOrderId": merchant_number(now),
        "mid": MID,
        "tid": TID,
        "instMid": INST_MID,
        "totalAmount": total_amount,  # fen
        "orderDesc": "示例商品",
        "tradeType": "MINI",
        "subAppId": "wx1234567890abcdef",
        "subOpenId": sub_open_id,
    }
    return order, json.dumps(order, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def order_call_body(now, mer_order_id, **members):
    """The body of a call about one order — query (订单查询), refund (退款) — as exact bytes."""
    request = {
        "requestTimestamp": now.strftime("%Y-%m-%d %H:%M:%S"),
        "mid": MID,
        "tid": TID,
        "instMid": INST_MID,
        "merOrderId": mer_order_id,
    }
    request.update(members)
    return json.dumps(request, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def call_gateway(base_url, path, body, authorization):
    status, _, raw = http(
        "POST",
        base_url + path,
        body,
        {"Content-Type": "application/json;charset=UTF-8", "Authorization": authorization},
    )
    return status, json.loads(raw)


# --------------------------------------------------------------------------------------------
# Merchant side: receiving notifications
# --------------------------------------------------------------------------------------------


def notify_sign(fields, md5_key):
    """UPPER(hex(SHA256|MD5(join("&", sorted k=v without sign and empty values) + md5Key)))."""
    signed = "&".join(
        "%s=%s" % (k, v) for k, v in sorted(fields.items()) if k != "sign" and v != ""
    )
    digest = hashlib.md5 if fields.get("signType") == "MD5" else hashlib.sha256
    return digest((signed + md5_key).encode("utf-8")).hexdigest().upper()


class Merchant:
    """What your notification endpoint records; `fail_next(n)` simulates an outage."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received = []  # every request, retries included
        self.failures_left = 0

    def fail_next(self, n):
        with self.lock:
            self.failures_left = n

    def handle(self, body):
        """The body of your notify URL handler: verify `sign`, decode, store, answer. Pay Score
        notifications carry a `resource` (JSON text); payment and refund notifications are flat
        fields, signed by the same rule."""
        fields = dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        expected = notify_sign(fields, MD5_KEY)
        sign_valid = hmac.compare_digest(expected, fields.get("sign", "").upper())
        resource = json.loads(fields["resource"]) if sign_valid and "resource" in fields else None
        with self.lock:
            down = sign_valid and self.failures_left > 0
            if down:
                self.failures_left -= 1
            self.received.append(
                {"fields": fields, "resource": resource, "sign_valid": sign_valid, "down": down}
            )
        # ChinaUMS stops retrying only on HTTP 2xx with the body SUCCESS. A real handler applies
        # the event idempotently by `id` (payments: `notifyId`; retries repeat it) before it
        # answers SUCCESS.
        return "SUCCESS" if sign_valid and not down else "FAILED"

    def deliveries(self, notification_id):
        """What arrived of a Pay Score notification (by its `id`)."""
        with self.lock:
            return [r for r in self.received if r["fields"].get("id") == notification_id]

    def payment_deliveries(self, notify_id):
        """What arrived of a payment or refund notification (by its `notifyId`)."""
        with self.lock:
            return [r for r in self.received if r["fields"].get("notifyId") == notify_id]


def start_notify_endpoint(merchant):
    """An HTTP server on 127.0.0.1:<free port> whose POST /notify is the merchant's handler."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            answer = merchant.handle(body).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=UTF-8")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass  # keep the test output readable

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------


class ChinaumsSandboxTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sandbox = Sandbox(SANDBOX_BIN)
        cls.addClassCleanup(cls.stop_sandbox)
        cls.merchant = Merchant()
        cls.notify_server = start_notify_endpoint(cls.merchant)
        cls.addClassCleanup(cls.stop_notify_endpoint)
        cls.notify_url = "http://127.0.0.1:%d/notify" % cls.notify_server.server_address[1]
        # The notify URL you register with ChinaUMS for your app.
        status, app = cls.sandbox.control(
            "PATCH", "/apps/" + APP_ID, {"callbackUrl": cls.notify_url}
        )
        assert status == 200 and app["callbackUrl"] == cls.notify_url, (status, app)

    @classmethod
    def stop_notify_endpoint(cls):
        cls.notify_server.shutdown()
        cls.notify_server.server_close()

    @classmethod
    def stop_sandbox(cls):
        exit_code = cls.sandbox.stop()
        assert exit_code == 0, "the sandbox exited with %s" % exit_code

    def setUp(self):
        self.merchant.fail_next(0)

    def token(self):
        status, reply = get_access_token(self.sandbox.url, self.sandbox.beijing_now())
        self.assertEqual(status, 200, reply)
        return reply

    def test_an_access_token_is_issued_for_the_demo_credentials(self):
        reply = self.token()
        self.assertEqual(reply["errCode"], "0000", reply)
        self.assertRegex(reply["accessToken"], r"^[0-9a-f]{32}$")
        self.assertEqual(reply["expiresIn"], 3600)

    def test_a_unified_order_signed_with_open_body_sig_returns_the_mini_program_pay_request(self):
        now = self.sandbox.beijing_now()
        order, body = unified_order_body(now, "oMXJN5fYT4VCfmUQP8nl9oCHXQhM")
        self.assertTrue(order["merOrderId"].startswith(MSG_SRC_ID))
        status, reply = call_gateway(
            self.sandbox.url, "/v1/netpay/wx/unified-order", body, open_body_sig(body, now)
        )
        self.assertEqual(status, 200, reply)
        self.assertEqual(reply["errCode"], "SUCCESS", reply)
        self.assertEqual(reply["merOrderId"], order["merOrderId"])
        # What your mini-program passes to wx.requestPayment.
        self.assertTrue(reply["miniPayRequest"]["package"].startswith("prepay_id="), reply)

    def test_a_unified_order_authenticated_with_an_access_token_succeeds(self):
        token = self.token()["accessToken"]
        order, body = unified_order_body(self.sandbox.beijing_now(), "oMXJN5fYT4VCfmUQP8nl9oCHXQhM")
        status, reply = call_gateway(
            self.sandbox.url,
            "/v1/netpay/wx/unified-order",
            body,
            "OPEN-ACCESS-TOKEN AccessToken=" + token,
        )
        self.assertEqual(status, 200, reply)
        self.assertEqual(reply["errCode"], "SUCCESS", reply)
        self.assertEqual(reply["merOrderId"], order["merOrderId"])

    def wait_delivered(self, notification_id):
        """Long-poll the sandbox until your endpoint acknowledged the notification."""
        status, notification = self.sandbox.control(
            "GET", "/notifications/%s/wait?status=delivered&timeoutMs=10000" % notification_id
        )
        if status != 200:
            self.fail(
                "%s was not delivered within 10 s (HTTP %s, status %s); attempts: %s"
                % (
                    notification_id,
                    status,
                    notification.get("status"),
                    [
                        (a["outcome"], a["httpStatus"], a["responseBody"], a["error"])
                        for a in notification.get("attempts", [])
                    ],
                )
            )
        self.assertEqual(notification["status"], "delivered")
        return notification

    def assert_received(self, notification_id, event_type, open_id):
        deliveries = self.merchant.deliveries(notification_id)
        self.assertTrue(deliveries, "the handler never saw " + notification_id)
        last = deliveries[-1]
        self.assertTrue(last["sign_valid"], last["fields"])
        self.assertEqual(last["fields"]["eventType"], event_type)
        self.assertEqual(last["resource"]["resoruceType"], "encryptreSource")  # sic
        self.assertEqual(last["resource"]["openId"], open_id)
        self.assertEqual(last["resource"]["mid"], MID)
        return deliveries

    def test_pay_score_open_and_close_reach_the_notify_url_with_a_valid_sign(self):
        # A user authorises your Pay Score service (in production: in WeChat).
        status, opened = self.sandbox.control("POST", "/payscore/open", {"appId": APP_ID})
        self.assertEqual(status, 201, opened)
        open_id = opened["authorization"]["openId"]
        self.wait_delivered(opened["notification"]["id"])
        self.assert_received(opened["notification"]["id"], "PAYSCORE.USER_OPEN_SERVICE", open_id)

        # The same user withdraws the authorisation.
        status, closed = self.sandbox.control(
            "POST", "/payscore/close", {"appId": APP_ID, "openId": open_id}
        )
        self.assertEqual(status, 201, closed)
        self.wait_delivered(closed["notification"]["id"])
        deliveries = self.assert_received(
            closed["notification"]["id"], "PAYSCORE.USER_CLOSE_SERVICE", open_id
        )
        self.assertEqual(deliveries[-1]["resource"]["userServiceStatus"], "USER_CLOSE_SERVICE")

    def call(self, path, body):
        """A signed business call (OPEN-BODY-SIG) answering HTTP 200 with `errCode` SUCCESS."""
        status, reply = call_gateway(
            self.sandbox.url, path, body, open_body_sig(body, self.sandbox.beijing_now())
        )
        self.assertEqual(status, 200, reply)
        self.assertEqual(reply["errCode"], "SUCCESS", reply)
        return reply

    def received_payment_notice(self, notification_id):
        """The fields your endpoint received for a netpay notification, once acknowledged. The
        sandbox lists it under `notification_id`; on the wire it is known by its `notifyId`."""
        notification = self.wait_delivered(notification_id)
        deliveries = self.merchant.payment_deliveries(notification["payload"]["notifyId"])
        self.assertTrue(deliveries, "the handler never saw " + notification_id)
        self.assertTrue(deliveries[-1]["sign_valid"], deliveries[-1]["fields"])
        return deliveries[-1]["fields"]

    def test_an_order_is_paid_notified_queried_and_partly_refunded(self):
        # Refund notifications are an app setting (in production: asked of ChinaUMS).
        status, app = self.sandbox.control(
            "PATCH", "/apps/" + APP_ID, {"notify": {"refundNotify": True}}
        )
        self.assertEqual(status, 200, app)

        # 1. Your back end creates the order; the mini-program gets `miniPayRequest`.
        order, body = unified_order_body(
            self.sandbox.beijing_now(), "oMXJN5fYT4VCfmUQP8nl9oCHXQhM", total_amount=1000
        )
        number = order["merOrderId"]
        created = self.call("/v1/netpay/wx/unified-order", body)
        self.assertEqual(created["merOrderId"], number)

        # 2. The payer pays (in production: in WeChat).
        status, paid = self.sandbox.control("POST", "/orders/%s/pay" % number, {})
        self.assertEqual(status, 200, paid)
        self.assertEqual(paid["order"]["status"], "TRADE_SUCCESS")

        # 3. The payment notification reaches your notify URL, signed with the md5Key.
        notice = self.received_payment_notice(paid["notification"]["id"])
        self.assertEqual(notice["merOrderId"], number)
        self.assertEqual(notice["status"], "TRADE_SUCCESS")
        self.assertEqual(notice["totalAmount"], "1000")
        self.assertEqual(notice["targetOrderId"], paid["order"]["targetOrderId"])

        # 4. Query: the order is paid.
        query = self.call("/v1/netpay/query", order_call_body(self.sandbox.beijing_now(), number))
        self.assertEqual(query["status"], "TRADE_SUCCESS", query)
        self.assertEqual(query["totalAmount"], 1000)
        self.assertEqual(query["targetOrderId"], notice["targetOrderId"])

        # 5. Refund part of it, with your own refund number.
        refund_number = merchant_number(self.sandbox.beijing_now())
        refund = self.call(
            "/v1/netpay/refund",
            order_call_body(
                self.sandbox.beijing_now(),
                number,
                refundAmount=300,
                refundOrderId=refund_number,
                refundDesc="部分退款",
            ),
        )
        self.assertEqual(refund["refundStatus"], "SUCCESS", refund)
        self.assertEqual(refund["refundOrderId"], refund_number)
        self.assertEqual(refund["refundAmount"], 300)

        # 6. The refund notification: the order's fields with status TRADE_REFUND, and the refund.
        status, shown = self.sandbox.control("GET", "/orders/" + number)
        self.assertEqual(status, 200, shown)
        self.assertEqual(len(shown["notifications"]), 2, shown)  # the payment's and the refund's
        notice = self.received_payment_notice(shown["notifications"][-1])
        self.assertEqual(notice["status"], "TRADE_REFUND")
        self.assertEqual(notice["refundOrderId"], refund_number)
        self.assertEqual(notice["refundAmount"], "300")

        # 7. Query again: still paid, 3.00 of 10.00 refunded.
        query = self.call("/v1/netpay/query", order_call_body(self.sandbox.beijing_now(), number))
        self.assertEqual(query["status"], "TRADE_SUCCESS", query)
        self.assertEqual(query["refundAmount"], 300)

    def test_a_merchant_down_for_two_attempts_gets_the_retries_at_0_15_and_30_seconds(self):
        self.merchant.fail_next(2)  # the handler answers FAILED twice, then recovers
        status, opened = self.sandbox.control("POST", "/payscore/open", {"appId": APP_ID})
        self.assertEqual(status, 201, opened)
        notification_id = opened["notification"]["id"]
        # A minute of sandbox time passes in milliseconds; every retry due on the way is made.
        status, _ = self.sandbox.control("POST", "/clock/advance", {"seconds": 60})
        self.assertEqual(status, 200)

        attempts = self.wait_delivered(notification_id)["attempts"]
        first = parse_rfc3339(attempts[0]["scheduledAt"])
        offsets = [(parse_rfc3339(a["scheduledAt"]) - first).total_seconds() for a in attempts]
        self.assertEqual(offsets, [0, 15, 30])
        self.assertEqual([a["outcome"] for a in attempts], ["rejected", "rejected", "delivered"])
        deliveries = self.assert_received(
            notification_id, "PAYSCORE.USER_OPEN_SERVICE", opened["authorization"]["openId"]
        )
        self.assertEqual([d["down"] for d in deliveries], [True, True, False])

    def test_a_notification_with_a_forged_sign_is_refused(self):
        # The next attempt goes out with one digit of `sign` changed; the retry is genuine.
        status, fault = self.sandbox.control(
            "POST",
            "/faults",
            {"target": "notification", "action": "tamperSign", "appId": APP_ID, "times": 1},
        )
        self.assertEqual(status, 201, fault)
        status, opened = self.sandbox.control("POST", "/payscore/open", {"appId": APP_ID})
        self.assertEqual(status, 201, opened)
        self.sandbox.control("POST", "/clock/advance", {"seconds": 15})

        attempts = self.wait_delivered(opened["notification"]["id"])["attempts"]
        self.assertEqual([a["responseBody"] for a in attempts], ["FAILED", "SUCCESS"])
        deliveries = self.merchant.deliveries(opened["notification"]["id"])
        self.assertEqual([d["sign_valid"] for d in deliveries], [False, True])


if __name__ == "__main__":
    unittest.main(verbosity=2)
