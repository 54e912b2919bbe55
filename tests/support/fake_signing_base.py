"""Plumbing shared by the signature-checking fake upstreams (fake_oauth1_upstream.py,
fake_sigv4_upstream.py): python3 standard library only, no code of tapd's.

With --self-test a fake checks its own signature code against published examples (RFC 5849
§3.4.1.1; AWS's IAM ListUsers example and SigV4 test-suite rules), prints "SELF TEST OK" or
"SELF TEST FAILED" and exits 0 or 1.

Each fake prints "PORT <n>" as its first line on stdout once it listens (127.0.0.1, --port 0
picks a free port) and serves until SIGTERM, one thread per connection, keep-alive.

Control endpoints (never logged):
  POST /__keys   a JSON object of keys the fake accepts (see each fake), replacing the set
                 under its id (OAuth 1.0a: consumer_key; SigV4: access_key_id)
  GET /__log?since=N   {"count": total, "requests": [...]}: each request from index N with
                 "method", "path", "query", "headers" ([[name, value]...]), "body" (text),
                 "verified" (bool) and "reason" (why it was refused, "" when verified)
  GET /__count   {"count": total}

Every other request is checked by the fake's verify(handler, body) -> (key, reason): a
verified request gets 200 and JSON {"verified": true, "method", "path", "query"}; on paths
containing "/reflect" the body also holds every secret part of the key that verified it, raw
(a hostile upstream echoing secrets; tapd must scrub them), and so does the header X-Reflect;
with ?enc=E the answer is instead text/plain "reflected: <part> <part> ... end", each part
in fake_upstream.py's encoding E (b64, pct, json, hex, mime76, ...), and X-Reflect holds
them too unless E wraps lines.
A refused one gets 401 {"verified": false, "reason": "..."}.
"""

import json
import os
import signal
import socket
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_upstream import encode  # noqa: E402  (the secret encodings of the leak tests)

VISIBLE = ("region", "service")  # settings, not secrets: never reflected
LOG = []
KEYS = {}
LOCK = threading.Lock()


def make_handler(verify, key_id):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "fake-signing-upstream/1"

        def log_message(self, fmt, *args):  # quiet
            pass

        def setup(self):
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def read_body(self):
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
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length > 0 else b""

        def send_json(self, status, obj, headers=()):
            body = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def control(self, body):
            target = urllib.parse.urlsplit(self.path)
            if target.path == "/__keys":
                keys = json.loads(body or b"{}")
                with LOCK:
                    KEYS[keys[key_id]] = keys
                return self.send_json(200, {"keys": len(KEYS)})
            if target.path == "/__count":
                with LOCK:
                    return self.send_json(200, {"count": len(LOG)})
            if target.path == "/__log":
                since = int(urllib.parse.parse_qs(target.query).get("since", ["0"])[0])
                with LOCK:
                    return self.send_json(200, {"count": len(LOG), "requests": LOG[since:]})
            return self.send_json(404, {"error": "unknown control endpoint"})

        def handle_any(self):
            body = self.read_body()
            if self.path.startswith("/__"):
                return self.control(body)
            try:
                key, reason = verify(self, body)
            except Exception as e:  # a malformed request is a refused one
                key, reason = None, "malformed: %s" % e
            target = urllib.parse.urlsplit(self.path)
            with LOCK:
                LOG.append({"method": self.command, "path": target.path, "query": target.query,
                            "headers": [[k, v] for k, v in self.headers.items()],
                            "body": body.decode("utf-8", "replace"), "verified": key is not None,
                            "reason": reason})
            if key is None:
                return self.send_json(401, {"verified": False, "reason": reason})
            answer = {"verified": True, "method": self.command, "path": target.path,
                      "query": target.query}
            if "/reflect" not in target.path:
                return self.send_json(200, answer)
            secrets = [v.encode() for k, v in key.items() if k not in VISIBLE]
            enc = urllib.parse.parse_qs(target.query).get("enc", [""])[0]
            if not enc:
                answer["parts"] = [v.decode() for v in secrets]
                return self.send_json(200, answer, [("X-Reflect", " ".join(answer["parts"]))])
            encoded = b" ".join(encode(v, enc) for v in secrets)
            body = b"reflected: <" + encoded + b"> end"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            if not enc.startswith("mime"):
                self.send_header("X-Reflect", encoded.decode("latin-1"))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any

    return Handler


def known_key(key_id_value):
    with LOCK:
        return KEYS.get(key_id_value)


class Headers(dict):
    """A case-insensitive stand-in for a request's headers (self tests)."""

    def get(self, name, default=None):
        for key, value in self.items():
            if key.lower() == name.lower():
                return value
        return default


class FakeRequest:
    """What verify() reads of a request handler: command, path (the request-target) and
    headers (self tests)."""

    def __init__(self, command, path, headers):
        self.command = command
        self.path = path
        self.headers = Headers(headers)


def serve(verify, key_id, argv, self_test=None):
    if argv[:1] == ["--self-test"]:  # the fake's own check against published examples
        failures = self_test()
        for failure in failures:
            print("self test failed: " + failure, file=sys.stderr)
        print("SELF TEST " + ("FAILED" if failures else "OK"), flush=True)
        return 1 if failures else 0
    port = 0
    if len(argv) >= 2 and argv[0] == "--port":
        port = int(argv[1])
    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(verify, key_id))
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


def rfc3986(text):
    """Percent-encodes all but ALPHA / DIGIT / - . _ ~ (upper-case hex), over UTF-8."""
    if isinstance(text, str):
        text = text.encode("utf-8")
    return urllib.parse.quote(text, safe="-._~")


def split_target(handler):
    """(path, query) of the request-target exactly as received."""
    target = handler.path
    if "?" in target:
        path, query = target.split("?", 1)
    else:
        path, query = target, ""
    return path, query
