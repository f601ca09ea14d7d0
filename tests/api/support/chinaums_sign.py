#!/usr/bin/env python3
"""An independent ChinaUMS client signer, standard library only.

Written from the protocol description, not from the sandbox's code, so the integration tests do
not only check the server against itself. Reads one JSON object on stdin and prints JSON:

  {"rule": "token", "appId", "appKey", "timestamp", "nonce", "signMethod": "SHA256"|"SHA1"}
      -> {"signature": lowerhex(SHA256|SHA1(appId + timestamp + nonce + appKey))}
  {"rule": "body", "appId", "appKey", "timestamp", "nonce", "body"}
      -> {"authorization": "OPEN-BODY-SIG AppId=..., Signature=..."}
  {"rule": "notify", "md5Key", "signType": "SHA256"|"MD5", "fields": {...}}
      -> {"signedString": ..., "sign": UPPER(hex(hash(signedString)))}
"""
import base64
import hashlib
import hmac
import json
import sys


def token(req):
    s = (req["appId"] + req["timestamp"] + req["nonce"] + req["appKey"]).encode("utf-8")
    h = hashlib.sha1 if req.get("signMethod") == "SHA1" else hashlib.sha256
    return {"signature": h(s).hexdigest()}


def body(req):
    digest = hashlib.sha256(req["body"].encode("utf-8")).hexdigest()
    msg = (req["appId"] + req["timestamp"] + req["nonce"] + digest).encode("utf-8")
    mac = hmac.new(req["appKey"].encode("utf-8"), msg, hashlib.sha256).digest()
    sig = base64.b64encode(mac).decode("ascii")
    return {
        "authorization": 'OPEN-BODY-SIG AppId="%s", Timestamp="%s", Nonce="%s", Signature="%s"'
        % (req["appId"], req["timestamp"], req["nonce"], sig)
    }


def notify(req):
    fields = req["fields"]
    pairs = sorted(
        (k, v) for k, v in fields.items() if k != "sign" and v not in (None, "")
    )
    signed = "&".join("%s=%s" % (k, v) for k, v in pairs) + req["md5Key"]
    h = hashlib.md5 if req.get("signType") == "MD5" else hashlib.sha256
    return {"signedString": signed, "sign": h(signed.encode("utf-8")).hexdigest().upper()}


def main():
    req = json.load(sys.stdin)
    rule = {"token": token, "body": body, "notify": notify}[req["rule"]]
    json.dump(rule(req), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
