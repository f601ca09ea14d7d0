"""The sandbox in a container calls a receiver in this test process back.

    pip install -r requirements.txt
    CHINAUMS_MOCK_IMAGE=chinaums-mock:latest pytest test_sandbox.py

testcontainers-python has no exposeHostPorts (the Java, Go and Node libraries do), so the
container gets the name host.testcontainers.internal from an /etc/hosts entry that points at
the host instead, and the receiver listens on every interface, so that a connection arriving
on the host's bridge address reaches it.
"""

import hashlib
import http.server
import json
import os
import queue
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import HttpWaitStrategy

# No image is published: build one from the sandbox's Dockerfile and name it here.
IMAGE = os.environ.get("CHINAUMS_MOCK_IMAGE", "ghcr.io/your-org/chinaums-mock:0.2.0")
# Docker Engine (20.10 and later) and Docker Desktop turn "host-gateway" into the host's
# address. Podman 4 does not: give it the address (run-with-podman.sh does).
HOST_GATEWAY = os.environ.get("CALLBACK_HOST_GATEWAY", "host-gateway")
CALLBACK_HOST = "host.testcontainers.internal"


class Receiver(http.server.ThreadingHTTPServer):
    """The merchant's notify endpoint: keeps what it gets, answers SUCCESS."""

    def __init__(self):
        super().__init__(("0.0.0.0", 0), _ReceiverHandler)
        self.received = queue.Queue()

    @property
    def port(self):
        return self.server_address[1]


class _ReceiverHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        self.server.received.put((self.path, form))
        reply = b"SUCCESS"  # anything else makes the sandbox retry
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def expected_sign(form, md5_key):
    """ChinaUMS's notification signature: sorted non-empty fields but sign, then the md5Key."""
    signed = "&".join(f"{k}={v}" for k, v in sorted(form.items()) if k != "sign" and v != "")
    algorithm = hashlib.sha256 if form.get("signType") == "SHA256" else hashlib.md5
    return algorithm((signed + md5_key).encode("utf-8")).hexdigest().upper()


def call(base_url, method, path, body=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(
        base_url + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        # The control API explains itself; a failed wait carries the delivery attempts.
        pytest.fail(f"{method} {path}: HTTP {error.code}: {error.read().decode('utf-8', 'replace')}")


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def sandbox():
    container = (
        DockerContainer(IMAGE)
        .with_exposed_ports(8080)
        .with_kwargs(extra_hosts={CALLBACK_HOST: HOST_GATEWAY})
        .waiting_for(HttpWaitStrategy(8080, "/__mock/health").for_status_code(200))
    )
    with container:
        # Through the published port the control API is reached as localhost: no --allow-host.
        yield f"http://{container.get_container_host_ip()}:{container.get_exposed_port(8080)}"


def test_pay_score_authorisation_reaches_the_merchant(sandbox, receiver):
    app = call(
        sandbox,
        "POST",
        "/__mock/apps",
        {"name": "testcontainers", "callbackUrl": f"http://{CALLBACK_HOST}:{receiver.port}/notify"},
    )

    opened = call(sandbox, "POST", "/__mock/payscore/open", {"appId": app["appId"]})
    notification_id = opened["notification"]["id"]
    # 200 once the receiver has answered SUCCESS; 408 with every attempt made otherwise.
    call(sandbox, "GET", f"/__mock/notifications/{notification_id}/wait?status=delivered&timeoutMs=10000")

    path, form = receiver.received.get(timeout=5)
    assert path == "/notify"
    assert form["id"] == notification_id
    assert form["eventType"] == "PAYSCORE.USER_OPEN_SERVICE"
    assert form["sign"] == expected_sign(form, app["md5Key"])
