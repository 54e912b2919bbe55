#!/usr/bin/python3
"""An upstream that accepts only requests signed with AWS Signature Version 4 (header form),
for tapd's aws_sigv4 credential kind. Written from AWS's documentation ("Create a signed AWS
API request") with Python's hmac and hashlib, sharing no code with tapd's signer.

Keys (POST /__keys): {"access_key_id", "secret_access_key", "session_token" (optional),
"region", "service"}.
A request is verified when its Authorization is "AWS4-HMAC-SHA256 Credential=<id>/<date>/
<region>/<service>/aws4_request, SignedHeaders=..., Signature=..." with a known access key
id, that key's region and service, host and x-amz-date among the signed headers,
X-Amz-Date within 15 minutes of now and of the scope's date, X-Amz-Security-Token equal to
the key's session token (signed) when it has one, and a signature equal to the one
recomputed from the request as received: the canonical URI (service s3: each segment
encoded once, empty segments kept; others: empty segments dropped, each segment encoded
twice), the canonical query, the signed headers as received, and the payload hash
(X-Amz-Content-Sha256 when sent, which must then be UNSIGNED-PAYLOAD or the body's SHA-256;
else the body's SHA-256). Plumbing: fake_signing_base.py.
"""

import calendar
import hashlib
import hmac
import os
import re
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_signing_base as base  # noqa: E402

AUTH = re.compile(r"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,"
                  r"\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$")


def canonical_uri(path, service):
    segments = path.split("/")[1:]
    out = []
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if service != "s3" and segment == "" and not last:
            continue
        raw = urllib.parse.unquote_to_bytes(segment)
        encoded = base.rfc3986(raw)
        if service != "s3":
            encoded = base.rfc3986(encoded)
        out.append(encoded)
    return "/" + "/".join(out)


def canonical_query(query):
    pairs = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        pairs.append((base.rfc3986(urllib.parse.unquote_to_bytes(name)),
                      base.rfc3986(urllib.parse.unquote_to_bytes(value))))
    return "&".join("%s=%s" % kv for kv in sorted(pairs))


def header_values(handler, name):
    values = [v for k, v in handler.headers.items() if k.lower() == name]
    return ",".join(" ".join(v.split()) for v in values)


def sign(key, day, region, service, text):
    k = hmac.new(("AWS4" + key).encode(), day.encode(), hashlib.sha256).digest()
    for piece in (region, service, "aws4_request"):
        k = hmac.new(k, piece.encode(), hashlib.sha256).digest()
    return hmac.new(k, text.encode(), hashlib.sha256).hexdigest()


def verify(handler, body):
    m = AUTH.match(handler.headers.get("Authorization", ""))
    if not m:
        return None, "Authorization is not AWS4-HMAC-SHA256"
    key_id, day, region, service, signed, signature = m.groups()
    key = base.known_key(key_id)
    if key is None:
        return None, "unknown access key id"
    if region != key["region"] or service != key["service"]:
        return None, "wrong region or service in the scope"
    names = signed.split(";")
    if "host" not in names or "x-amz-date" not in names or names != sorted(names):
        return None, "host and x-amz-date must be signed, names sorted"
    amz_date = handler.headers.get("X-Amz-Date", "")
    stamp = calendar.timegm(time.strptime(amz_date, "%Y%m%dT%H%M%SZ"))
    if amz_date[:8] != day or abs(stamp - time.time()) > 900:
        return None, "X-Amz-Date is stale or not the scope's date"
    if key.get("session_token"):
        if handler.headers.get("X-Amz-Security-Token") != key["session_token"] or \
                "x-amz-security-token" not in names:
            return None, "session token missing or unsigned"
    payload = hashlib.sha256(body).hexdigest()
    sent = handler.headers.get("X-Amz-Content-Sha256")
    if sent is not None:
        if sent not in ("UNSIGNED-PAYLOAD", payload):
            return None, "X-Amz-Content-Sha256 is not the body's hash"
        payload = sent
    path, query = base.split_target(handler)
    headers = "".join("%s:%s\n" % (n, header_values(handler, n)) for n in names)
    canonical = "\n".join([handler.command, canonical_uri(path, service), canonical_query(query),
                           headers, signed, payload])
    scope = "/".join([day, region, service, "aws4_request"])
    text = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                      hashlib.sha256(canonical.encode()).hexdigest()])
    expected = sign(key["secret_access_key"], day, region, service, text)
    if not hmac.compare_digest(expected, signature):
        return None, "signature mismatch"
    return key, ""


def self_test():
    """AWS's documented IAM example ("Create a signed AWS API request": ListUsers, 20150830)
    and the get-vanilla-query-order-key-case canonical query of the SigV4 test suite."""
    failures = []
    string_to_sign = ("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
                      "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59")
    if sign("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam",
            string_to_sign) != "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7":
        failures.append("IAM example signature")
    canonical = "\n".join(["GET", canonical_uri("/", "iam"),
                           canonical_query("Action=ListUsers&Version=2010-05-08"),
                           "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
                           "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n",
                           "content-type;host;x-amz-date",
                           hashlib.sha256(b"").hexdigest()])
    if hashlib.sha256(canonical.encode()).hexdigest() != string_to_sign.split("\n")[-1]:
        failures.append("IAM example canonical request")
    if canonical_query("Param2=value2&Param1=value1") != "Param1=value1&Param2=value2":
        failures.append("canonical query order")
    if canonical_uri("/a//b/%20c", "s3") != "/a//b/%20c" or \
            canonical_uri("/a//b/%20c", "iam") != "/a/b/%2520c":
        failures.append("canonical URI rules")
    return failures


if __name__ == "__main__":
    sys.exit(base.serve(verify, "access_key_id", sys.argv[1:], self_test))
