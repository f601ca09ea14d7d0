"""Stands in for the merchant's back end: its ChinaUMS notify endpoint, and what it received.

POST /chinaums/notify  keeps the notification, answers SUCCESS (anything else: the sandbox retries)
GET  /received         {"received": [{"id", "eventType"}, ...]}, for check.py
GET  /health           for the health check: `python3 app.py health` exits 0 when it answers
"""

import http.server
import json
import sys
import threading
import urllib.parse
import urllib.request

received = []
lock = threading.Lock()


class Merchant(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        if self.path != "/chinaums/notify":
            return self.answer(404, "text/plain", b"not found")
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        with lock:
            received.append({"id": form.get("id") or form.get("notifyId"), "eventType": form.get("eventType")})
        self.answer(200, "text/plain", b"SUCCESS")

    def do_GET(self):
        if self.path == "/health":
            return self.answer(200, "text/plain", b"ok")
        if self.path == "/received":
            with lock:
                return self.answer(200, "application/json", json.dumps({"received": received}).encode())
        self.answer(404, "text/plain", b"not found")

    def answer(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if sys.argv[1:] == ["health"]:
    urllib.request.urlopen("http://127.0.0.1:8000/health", timeout=2)
else:
    http.server.ThreadingHTTPServer(("0.0.0.0", 8000), Merchant).serve_forever()
