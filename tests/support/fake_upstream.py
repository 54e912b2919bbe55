#!/usr/bin/python3
"""A local HTTP/1.1 upstream for tapd's /forward tests (python3 standard library only).

Prints "PORT <n>" as its first line on stdout once it listens (127.0.0.1, --port 0 picks a
free port), then serves until SIGTERM or SIGINT, one thread per connection, keep-alive.

Every request except the /__ control endpoints is appended to an in-memory log that tests
read directly (not through tapd): GET /__log?since=N returns {"count": total, "requests":
[...from index N...]}, each entry {"method", "path", "query", "headers": [[name, value]...],
"body"}; GET /__count returns {"count": total}; GET /__caps returns {"brotli": bool,
"zstd": true}.

Endpoints (the "secret" is the token after "Bearer " in Authorization, else X-Api-Key):
  /echo[/...]          JSON: method, path, query, headers (list of [name, value]), body (text)
  /sidecar-echo[/...]  the same, plus "oauth": the X-OAuth-* headers as an object
  /reflect?enc=E&where=body|header|both|headername
                       the secret encoded with E in the body and/or the X-Reflect header
                       (headername: a header "X-Reflect-<encoded>: 1")
  /split?enc=E&chunk=N[&delay_ms=D]
                       chunked body of N-byte chunks, each flushed (and D ms apart), the
                       encoded secret repeated at offsets that straddle chunk boundaries
  /gzip?enc=E[&layers=2]
                       Content-Encoding: gzip body containing the encoded secret (layers=2:
                       compressed twice, "Content-Encoding: gzip, gzip")
  /encoded?ce=C&enc=E  the same body uncompressed but labelled "Content-Encoding: C"
  /br?enc=E            Content-Encoding: br (501 when the brotli module is missing)
  /sse?n=5&gap_ms=300  text/event-stream, one event per gap ("data: event <i>"), flushed
  /big?mb=N[&framing=length][&abort_kib=K]
                       N MiB, chunked (or with Content-Length); byte p is ALPHABET[p % 36]
                       except that MiB block i holds the raw secret at offset
                       big_offset(i, len); abort_kib: reset the connection after K KiB
  /bomb?ce=C&mb=N[&framing=chunked]
                       a decompression bomb: "bomb <secret> end\n" and N MiB of zeros, coded
                       with C = gzip (twice: "gzip, gzip", a few KiB for 300 MiB), br or zstd
                       (RLE blocks, written by hand); with a small Content-Length unless
                       framing=chunked. Made piece by piece: never held decoded
  /redirect            302 to /echo (Location)
  /setcookie, /cookie  Set-Cookie: session=<random>; echo of the Cookie header
  /status/<code>       that status, a short JSON body
  /slow?ms=N           answers after N ms
Encodings E: raw b64 b64nopad b64url b64urlnopad pct pctlower form json jsonutf8 basic
  pctpartial jsonall hex hexupper mime76 mime64crlf (see encode()).
"""

import argparse
import base64
import gzip
import json
import os
import re
import secrets
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    import brotli  # type: ignore
except ImportError:  # optional: Debian's python3-brotli
    brotli = None

ALPHABET = b"abcdefghijklmnopqrstuvwxyz0123456789"
MIB = 1024 * 1024

LOG = []
LOG_LOCK = threading.Lock()
BOMBS = {}  # (coding, MiB, prefix) -> the coded body, made once


def zstd_frame(prefix, mb):
    """A zstd frame (RFC 8878): `prefix` in a raw block, then `mb` MiB of zeros in RLE blocks
    of 128 KiB (4 bytes each); window 128 KiB, no content size, no checksum."""
    def block(kind, size, payload, last=False):
        return struct.pack("<I", (size << 3) | (kind << 1) | int(last))[:3] + payload
    out = [struct.pack("<I", 0xFD2FB528), b"\x00", bytes([7 << 3])]
    out.append(block(0, len(prefix), prefix))
    blocks = mb * 8
    for i in range(blocks):
        out.append(block(1, 128 * 1024, b"\x00", last=i == blocks - 1))
    return b"".join(out)


def bomb(coding, mb, prefix):
    """The coded bomb body and its Content-Encoding."""
    key = (coding, mb, prefix)
    if key not in BOMBS:
        zeros = bytes(MIB)
        if coding == "gzip":
            inner = zlib.compressobj(9, zlib.DEFLATED, 31)
            outer = zlib.compressobj(9, zlib.DEFLATED, 31)
            parts = [outer.compress(inner.compress(prefix))]
            for _ in range(mb):
                parts.append(outer.compress(inner.compress(zeros)))
            parts += [outer.compress(inner.flush()), outer.flush()]
            BOMBS[key] = (b"".join(parts), "gzip, gzip")
        elif coding == "br":
            c = brotli.Compressor(quality=5)
            parts = [c.process(prefix)] + [c.process(zeros) for _ in range(mb)] + [c.finish()]
            BOMBS[key] = (b"".join(parts), "br")
        elif coding == "zstd":
            BOMBS[key] = (zstd_frame(prefix, mb), "zstd")
        else:
            raise ValueError(coding)
    return BOMBS[key]


def big_offset(block, length):
    """Where the secret sits inside MiB block `block` of /big (mirrored by the tests)."""
    return (block * 104729 + 13) % (MIB - length)


def encode(secret, enc):
    """The secret (bytes) as the upstream would send it back in a given encoding."""
    if enc == "raw":
        return secret
    if enc == "b64":
        return base64.b64encode(secret)
    if enc == "b64nopad":
        return base64.b64encode(secret).rstrip(b"=")
    if enc == "b64url":
        return base64.urlsafe_b64encode(secret)
    if enc == "b64urlnopad":
        return base64.urlsafe_b64encode(secret).rstrip(b"=")
    if enc == "pct":  # RFC 3986: unreserved kept, upper-case hex
        return urllib.parse.quote(secret, safe="").encode()
    if enc == "pctlower":
        return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(),
                      urllib.parse.quote(secret, safe="")).encode()
    if enc == "form":  # application/x-www-form-urlencoded as Python writes it
        return urllib.parse.quote_plus(secret, safe="").encode()
    if enc == "json":  # as Python's json module writes it: non-ASCII as \\uXXXX
        return json.dumps(secret.decode("utf-8"))[1:-1].encode()
    if enc == "jsonutf8":  # as most other serializers write it: non-ASCII as UTF-8
        return json.dumps(secret.decode("utf-8"), ensure_ascii=False)[1:-1].encode()
    if enc == "basic":  # an echoed HTTP Basic credential with the secret as password
        return b"Basic " + base64.b64encode(b"user:" + secret)
    if enc == "pctpartial":  # even bytes as %xx, every fourth from 1 as %XX, the rest raw
        return b"".join(b"%%%02x" % c if i % 2 == 0 else b"%%%02X" % c if i % 4 == 1
                        else bytes([c]) for i, c in enumerate(secret))
    if enc == "jsonall":  # every UTF-16 unit as \uXXXX, alternating hex case
        units = secret.decode("utf-8").encode("utf-16-be")
        return b"".join((b"\\u%04X" if (i // 2) % 2 else b"\\u%04x") % (units[i] << 8 | units[i + 1])
                        for i in range(0, len(units), 2))
    if enc == "hex":
        return secret.hex().encode()
    if enc == "hexupper":
        return secret.hex().upper().encode()
    if enc in ("mime76", "mime64crlf"):  # inside a wrapped base64 run, a line break within it
        columns, eol, prefix = (76, b"\n", 52) if enc == "mime76" else (64, b"\r\n", 47)
        data = base64.b64encode(b"P" * prefix + secret + b"-and-the-rest")
        return eol.join(data[i:i + columns] for i in range(0, len(data), columns))
    raise ValueError(enc)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-upstream/1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def setup(self):
        super().setup()
        # Every flushed chunk leaves as its own segment (no Nagle batching of small writes).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # ---- plumbing -------------------------------------------------------------------------

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(length) if length > 0 else b""

    def _secret(self):
        # http.client decodes header bytes as ISO-8859-1: encoding back gives the bytes sent.
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return auth[len("Bearer "):].encode("latin-1")
        key = self.headers.get("X-Api-Key")
        if key is not None:
            return key.encode("latin-1")
        return b""

    def _send(self, status, body, content_type="application/json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status, obj, headers=()):
        self._send(status, json.dumps(obj).encode(), headers=headers)

    def _start_chunked(self, status, content_type, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()

    def _chunk(self, data):
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

    def _end_chunked(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _echo_object(self, parsed, body):
        return {
            "method": self.command,
            "path": parsed.path,
            "query": parsed.query,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": body.decode("utf-8", "replace"),
        }

    # ---- dispatch ---------------------------------------------------------------------------

    def _handle(self):
        parsed = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
        body = self._read_body()
        path = parsed.path
        if path.startswith("/__"):
            return self._control(path, query)
        with LOG_LOCK:
            LOG.append(self._echo_object(parsed, body))
        try:
            self._route(path, parsed, query, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _control(self, path, query):
        with LOG_LOCK:
            if path == "/__log":
                since = int(query.get("since", "0"))
                return self._json(200, {"count": len(LOG), "requests": LOG[since:]})
            if path == "/__count":
                return self._json(200, {"count": len(LOG)})
        if path == "/__caps":
            return self._json(200, {"brotli": brotli is not None, "zstd": True})
        return self._json(404, {"error": "unknown control endpoint"})

    def _route(self, path, parsed, query, body):
        enc = query.get("enc", "raw")
        if path == "/upload":
            import hashlib
            return self._json(200, {"bytes": len(body), "sha256": hashlib.sha256(body).hexdigest(),
                                    "transfer_encoding": self.headers.get("Transfer-Encoding", ""),
                                    "content_length": self.headers.get("Content-Length", "")})
        if path == "/echo" or path.startswith("/echo/"):
            return self._json(200, self._echo_object(parsed, body))
        if path == "/sidecar-echo" or path.startswith("/sidecar-echo/"):
            obj = self._echo_object(parsed, body)
            obj["oauth"] = {k: v for k, v in self.headers.items() if k.lower().startswith("x-oauth-")}
            return self._json(200, obj)
        if path == "/reflect":
            value = encode(self._secret(), enc)
            where = query.get("where", "body")
            headers = [("X-Reflect", value.decode("latin-1"))] if where in ("header", "both") else []
            if where == "headername":
                headers = [("X-Reflect-" + value.decode("latin-1"), "1")]
            text = b"reflected: <" + value + b"> end" if where in ("body", "both") else b"nothing here"
            return self._send(200, text, "text/plain", headers)
        if path == "/split":
            return self._split(encode(self._secret(), enc), int(query.get("chunk", "3")),
                               int(query.get("delay_ms", "0")))
        if path == "/gzip":
            data = b"compressed <" + encode(self._secret(), enc) + b"> end " + b"z" * 64
            layers = int(query.get("layers", "1"))
            for _ in range(layers):
                data = gzip.compress(data)
            return self._send(200, data, "text/plain", [("Content-Encoding", ", ".join(["gzip"] * layers))])
        if path == "/encoded":
            data = b"compressed <" + encode(self._secret(), enc) + b"> end " + b"z" * 64
            return self._send(200, data, "text/plain", [("Content-Encoding", query.get("ce", "x-unknown"))])
        if path == "/br":
            if brotli is None:
                return self._json(501, {"error": "brotli module not available"})
            data = b"compressed <" + encode(self._secret(), enc) + b"> end " + b"z" * 64
            return self._send(200, brotli.compress(data), "text/plain", [("Content-Encoding", "br")])
        if path == "/sse":
            return self._sse(int(query.get("n", "5")), int(query.get("gap_ms", "300")))
        if path == "/big":
            return self._big(int(query.get("mb", "1")), self._secret(), query.get("framing", "chunked"),
                             int(query.get("abort_kib", "-1")))
        if path == "/bomb":
            coding = query.get("ce", "gzip")
            if coding == "br" and brotli is None:
                return self._json(501, {"error": "brotli module not available"})
            data, label = bomb(coding, int(query.get("mb", "1")),
                               b"bomb <" + self._secret() + b"> end\n")
            if query.get("framing") != "chunked":
                return self._send(200, data, "application/octet-stream",
                                  [("Content-Encoding", label)])
            self._start_chunked(200, "application/octet-stream", [("Content-Encoding", label)])
            for i in range(0, len(data), 16 * 1024):
                self._chunk(data[i:i + 16 * 1024])
            return self._end_chunked()
        if path == "/redirect":
            return self._send(302, b'{"moved": true}', headers=[("Location", "/echo")])
        if path == "/setcookie":
            return self._json(200, {"set": True},
                              headers=[("Set-Cookie", "session=%s; Path=/" % secrets.token_hex(8))])
        if path == "/cookie":
            return self._json(200, {"cookie": self.headers.get("Cookie")})
        if path.startswith("/status/"):
            code = int(path[len("/status/"):])
            if code in (204, 304):
                self.send_response(code)
                self.end_headers()
                return None
            return self._json(code, {"status": code})
        if path == "/slow":
            time.sleep(int(query.get("ms", "1000")) / 1000.0)
            return self._json(200, {"slow": True})
        return self._json(404, {"error": "no such endpoint", "path": path})

    def _split(self, value, chunk, delay_ms):
        # The value at offsets 0..chunk+1 after a separator, so that for every chunk size some
        # copies start in the middle of a chunk and run across one or more boundaries.
        parts = [b"begin|"]
        for offset in range(chunk + 2):
            parts.append(b"." * offset + value + b"|")
        parts.append(b"end")
        data = b"".join(parts)
        self._start_chunked(200, "text/plain")
        for i in range(0, len(data), max(chunk, 1)):
            self._chunk(data[i:i + chunk])
            if delay_ms:
                time.sleep(delay_ms / 1000.0)
        self._end_chunked()

    def _sse(self, n, gap_ms):
        self._start_chunked(200, "text/event-stream", [("Cache-Control", "no-cache")])
        for i in range(n):
            if i:
                time.sleep(gap_ms / 1000.0)
            self._chunk(b"id: %d\ndata: event %d sent %.3f\n\n" % (i, i, time.time()))
        self._end_chunked()

    def _big(self, mb, secret, framing, abort_kib):
        chunked = framing != "length"
        if chunked:
            self._start_chunked(200, "application/octet-stream")
        else:
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(mb * MIB))
            self.end_headers()
        period = ALPHABET * (MIB // len(ALPHABET) + 2)
        sent = 0
        for block in range(mb):
            start = block * MIB
            phase = start % len(ALPHABET)
            data = bytearray(period[phase:phase + MIB])
            if secret:
                at = big_offset(block, len(secret))
                data[at:at + len(secret)] = secret
            for i in range(0, MIB, 64 * 1024):
                if 0 <= abort_kib <= sent // 1024:
                    # An upstream that dies mid-body: RST, no terminating chunk.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    self.connection.close()
                    return
                piece = bytes(data[i:i + 64 * 1024])
                if chunked:
                    self._chunk(piece)
                else:
                    self.wfile.write(piece)
                sent += len(piece)
        if chunked:
            self._end_chunked()

    do_GET = _handle
    do_POST = _handle
    do_PUT = _handle
    do_PATCH = _handle
    do_DELETE = _handle
    do_HEAD = _handle
    do_OPTIONS = _handle


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
