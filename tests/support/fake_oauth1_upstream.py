#!/usr/bin/python3
"""An upstream that accepts only requests signed with OAuth 1.0a HMAC-SHA1 (RFC 5849), for
tapd's oauth1 credential kind. Written from the RFC with Python's hmac and hashlib, sharing
no code with tapd's signer.

Keys (POST /__keys): {"consumer_key", "consumer_secret", "token", "token_secret"}.
A request is verified when its Authorization header is "OAuth ..." with a known
oauth_consumer_key and matching oauth_token, oauth_signature_method HMAC-SHA1, a timestamp
within 5 minutes of now, a nonce not seen before with that consumer key (RFC 5849 §3.3:
replays are refused), and an oauth_signature equal to the one recomputed from the request as
received: the method, the base string URI (http://<Host><path>), the query's parameters, the
body's when its Content-Type is application/x-www-form-urlencoded, and the oauth_*
parameters except oauth_signature (RFC 5849 §3.4.1). Plumbing: fake_signing_base.py.
"""

import base64
import hashlib
import hmac
import os
import re
import sys
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_signing_base as base  # noqa: E402

NONCES = set()
NONCE_LOCK = threading.Lock()
PARAM = re.compile(r'\s*([A-Za-z0-9_%.~-]+)="([^"]*)"\s*(?:,|$)')


def form_pairs(text):
    """application/x-www-form-urlencoded pairs, decoded ('+' is a space)."""
    pairs = []
    for piece in text.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        pairs.append((urllib.parse.unquote_plus(name), urllib.parse.unquote_plus(value)))
    return pairs


def header_params(auth):
    if not auth.startswith("OAuth "):
        raise ValueError("Authorization is not OAuth")
    rest = auth[len("OAuth "):]
    params = {}
    pos = 0
    while pos < len(rest):
        m = PARAM.match(rest, pos)
        if not m:
            raise ValueError("malformed OAuth header at %d" % pos)
        params[urllib.parse.unquote(m.group(1))] = urllib.parse.unquote(m.group(2))
        pos = m.end()
    return params


def base_string(handler, body, oauth):
    path, query = base.split_target(handler)
    host = handler.headers.get("Host", "").lower()
    if host.endswith(":80"):
        host = host[:-3]
    params = form_pairs(query)
    ctype = handler.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if ctype == "application/x-www-form-urlencoded":
        params += form_pairs(body.decode("utf-8"))
    params += [(k, v) for k, v in oauth.items() if k not in ("oauth_signature", "realm")]
    encoded = sorted((base.rfc3986(k), base.rfc3986(v)) for k, v in params)
    normalized = "&".join("%s=%s" % kv for kv in encoded)
    uri = "http://" + host + path
    return "&".join([handler.command.upper(), base.rfc3986(uri), base.rfc3986(normalized)])


def verify(handler, body):
    oauth = header_params(handler.headers.get("Authorization", ""))
    key = base.known_key(oauth.get("oauth_consumer_key", ""))
    if key is None:
        return None, "unknown consumer key"
    if oauth.get("oauth_signature_method") != "HMAC-SHA1":
        return None, "signature method is not HMAC-SHA1"
    if oauth.get("oauth_token", "") != key["token"]:
        return None, "unknown token"
    if abs(int(oauth.get("oauth_timestamp", "0")) - time.time()) > 300:
        return None, "stale timestamp"
    text = base_string(handler, body, oauth)
    signing_key = base.rfc3986(key["consumer_secret"]) + "&" + base.rfc3986(key["token_secret"])
    expected = base64.b64encode(
        hmac.new(signing_key.encode(), text.encode(), hashlib.sha1).digest()).decode()
    if not hmac.compare_digest(expected, oauth.get("oauth_signature", "")):
        return None, "signature mismatch"
    nonce = (key["consumer_key"], oauth.get("oauth_nonce", ""))
    with NONCE_LOCK:
        if not nonce[1] or nonce in NONCES:
            return None, "nonce reused"
        NONCES.add(nonce)
    return key, ""


def self_test():
    """RFC 5849 §3.4.1.1's example: the base string of its request, byte for byte, and the
    header's parameters as §3.5.1 writes them."""
    request = base.FakeRequest("POST", "/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
                               {"Host": "example.com",
                                "Content-Type": "application/x-www-form-urlencoded"})
    oauth = header_params('OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", '
                          'oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", '
                          'oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", '
                          'oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"')
    expected = ("POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%2"
                "6b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%"
                "26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp"
                "%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7")
    failures = []
    if base_string(request, b"c2&a3=2+q", oauth) != expected:
        failures.append("RFC 5849 3.4.1.1 base string")
    if oauth.get("oauth_signature") != "bYT5CMsGcbgUdFHObYMEfcx6bsw=":
        failures.append("RFC 5849 header parameters")
    return failures


if __name__ == "__main__":
    sys.exit(base.serve(verify, "consumer_key", sys.argv[1:], self_test))
