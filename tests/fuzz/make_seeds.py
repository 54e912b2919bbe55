#!/usr/bin/python3
"""Writes the seed corpora of tests/fuzz/corpus/ (small files; run once, output committed)."""
import base64
import hashlib
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    path = os.path.join(HERE, "corpus", target, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# ---- scrubber: [secret length-1][secret][chunking] then (op, arg) pairs (see generate()) ------
def scrubber_seed(secret, chunking, ops):
    return bytes([len(secret) - 1]) + secret + bytes([chunking]) + bytes(ops)


write("scrubber", "exact", scrubber_seed(b"secret-42x", 7, [0, 5] + list(b"hello!") + [2, 0]))
write("scrubber", "percent", scrubber_seed(b"s3cr3t+key", 1, [3, 0x55, 0x83, 0xff, 8, 0]))
write("scrubber", "json", scrubber_seed("p\u00e4ss-\U0001F511".encode(), 3, [4, 0xff, 0x84, 0x0f, 8, 5]))
write("scrubber", "mime", scrubber_seed(b"k>?~ey>>?~", 9, [5, 0x25, 40, 7, 5, 0x11, 76, 3]))
write("scrubber", "hex", scrubber_seed(b"\x00\xffbinary", 2, [6, 0, 0x86, 0, 7, 3]))
write("scrubber", "debris", scrubber_seed(b"ab", 0, [8, 1, 8, 4, 8, 5, 2, 0, 9, 3]))

# ---- placeholders: content type, target, header lines, empty line, body ---------------------
write("placeholders", "json", "application/json\nhttps://api.example.com/v1\n"
      "Authorization: Bearer <CREDENTIAL:key>\nX-Api-Key: <CREDENTIAL:fkey>\n\n"
      '{"token":"<CREDENTIAL:key>","nested":[{"password":"x<CREDENTIAL:k2>y"}]}')
write("placeholders", "form", "application/x-www-form-urlencoded; charset=utf-8\n"
      "https://api.example.com/login\n\ntoken=%3CCREDENTIAL%3Akey%3E&password=<CREDENTIAL:bad>")
write("placeholders", "malformed", "text/plain\nhttps://x/<CREDENTIAL:url>\n"
      "Authorization: <credential:Key\nX-Other: <CREDENTIAL:k>\n\n<CREDENTIAL:>")

# ---- validation: JSON objects --------------------------------------------------------------
write("validation", "object", json.dumps({
    "name": "my-cred.1", "value": "s3cret", "enabled": True, "limit": 5,
    "hosts": ["api.example.com", "*.example.org", "[::1]"], "methods": ["GET", "post"],
    "url": "https://api.example.com/v1", "email": "a@b.example", "team_name": "team-1"}))
write("validation", "odd", json.dumps({"name": "a" * 65, "limit": -1, "methods": "GET",
                                       "hosts": [1, None], "x": {"y": []}}))
write("validation", "string", "team-1")


# ---- webauthn: mode byte, then 16-bit length-prefixed fields ------------------------------
def cbor_head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    if n < 256:
        return bytes([major << 5 | 24, n])
    if n < 65536:
        return bytes([major << 5 | 25]) + struct.pack(">H", n)
    return bytes([major << 5 | 26]) + struct.pack(">I", n)


def cbor(v):
    if isinstance(v, bool):
        return bytes([0xf5 if v else 0xf4])
    if isinstance(v, int):
        return cbor_head(0, v) if v >= 0 else cbor_head(1, -1 - v)
    if isinstance(v, bytes):
        return cbor_head(2, len(v)) + v
    if isinstance(v, str):
        return cbor_head(3, len(v.encode())) + v.encode()
    if isinstance(v, list):
        return cbor_head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        return cbor_head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())
    raise TypeError(v)


def fields(*parts):
    return b"".join(struct.pack(">H", len(p)) + p for p in parts)


P256_X = bytes.fromhex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296")
P256_Y = bytes.fromhex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")
ES256_KEY = {1: 2, 3: -7, -1: 1, -2: P256_X, -3: P256_Y}
ED25519_KEY = {1: 1, 3: -8, -1: 6, -2: bytes([0x58]) + bytes([0x66]) * 31}
RSA_KEY = {1: 3, 3: -257, -1: bytes([0xc5]) + bytes(255) + bytes([0x01]), -2: bytes([1, 0, 1])}
write("webauthn", "cose_es256", bytes([0]) + cbor(ES256_KEY))
write("webauthn", "cose_ed25519", bytes([0]) + cbor(ED25519_KEY))
write("webauthn", "cose_rsa", bytes([0]) + cbor(RSA_KEY))

CHALLENGE = b"fuzz-challenge-0123456789abcdef!"
ORIGIN = "https://tap.example.org"
RP_HASH = hashlib.sha256(b"tap.example.org").digest()


def client_data(kind):
    return json.dumps({"type": kind, "challenge": base64.urlsafe_b64encode(CHALLENGE).rstrip(b"=").decode(),
                       "origin": ORIGIN, "crossOrigin": False}).encode()


cred_id = bytes(range(16))
auth_reg = (RP_HASH + bytes([0x45]) + struct.pack(">I", 1) + bytes(16) + struct.pack(">H", len(cred_id))
            + cred_id + cbor(ES256_KEY))
attestation = cbor({"fmt": "none", "attStmt": {}, "authData": auth_reg})
write("webauthn", "registration_none", bytes([1]) + fields(client_data("webauthn.create"), attestation))
packed = cbor({"fmt": "packed", "attStmt": {"alg": -7, "sig": bytes(70)}, "authData": auth_reg})
write("webauthn", "registration_packed", bytes([0x81]) + fields(client_data("webauthn.create"), packed))
auth_get = RP_HASH + bytes([0x05]) + struct.pack(">I", 2)
spki = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200") + b"\x04" + P256_X + P256_Y
write("webauthn", "assertion_es256", bytes([2]) + fields(client_data("webauthn.get"), auth_get,
                                                          bytes(72), spki))
write("webauthn", "base64url", bytes([3]) + b"AAECAwQFBgcICQoLDA0ODw")

# ---- requestparser: 4 bytes seeding the splits, then what a client sends ---------------------
write("requestparser", "get", b"\x01\x02\x03\x04GET /sync HTTP/1.1\r\nHost: t\r\n\r\n")
write("requestparser", "pipelined",
      b"\x11\x22\x33\x44GET /a HTTP/1.1\r\nHost: t\r\n\r\nPOST /e?x=1 HTTP/1.1\r\nHost: t\r\n"
      b"Content-Length: 5\r\nConnection: close\r\n\r\nhelloGET / HTTP/1.0\r\n\r\n")
write("requestparser", "chunked",
      b"\x05\x06\x07\x08POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      b"3;a=b\r\nabc\r\nA \r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n")
write("requestparser", "expect",
      b"\xff\x00\xff\x00PUT http://h/p HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
      b"Content-Length: 3\r\n\r\nxyz")
write("requestparser", "smuggle",
      b"\x09\x08\x07\x06POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n"
      b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
write("requestparser", "leading",
      b"\x00\x00\x00\x01\r\n\r\nHEAD / HTTP/1.1\r\nHost: t\r\nX-Folded: a\r\n b\r\n\r\n")
