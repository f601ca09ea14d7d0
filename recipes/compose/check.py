"""A user authorises Pay Score with a fixture merchant; the merchant service must receive it.

Runs inside the compose project (docker compose run --rm check), so it reaches both services
by their names. Exit 0 when the notification was delivered and the merchant lists it.
"""

import json
import os
import sys
import urllib.error
import urllib.request

SANDBOX = os.environ.get("CHINAUMS_MOCK_SERVER", "http://chinaums:8080")
MERCHANT = os.environ.get("MERCHANT_URL", "http://merchant:8000")
APP_ID = "10037e6f66f2d0f901672aa27d690006"  # the netpay APP/MINI demo merchant, a fixture


def call(url, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        # The control API explains itself; a failed wait carries the delivery attempts.
        sys.exit(f"{url}: HTTP {error.code}: {error.read().decode('utf-8', 'replace')}")


opened = call(f"{SANDBOX}/__mock/payscore/open", {"appId": APP_ID})
notification_id = opened["notification"]["id"]
# 200 once the merchant has answered SUCCESS; 408 with every attempt made otherwise.
call(f"{SANDBOX}/__mock/notifications/{notification_id}/wait?status=delivered&timeoutMs=10000")
ids = [entry["id"] for entry in call(f"{MERCHANT}/received")["received"]]
if notification_id not in ids:
    sys.exit(f"the merchant did not list {notification_id}: {ids}")
print(f"notification {notification_id} received by the merchant")
