#!/usr/bin/python3
"""A local HTTP forward proxy for tapd's tests (python3 standard library only).

Prints "PORT <n>" once it listens on 127.0.0.1 (--port 0 picks a free port). Records what it
is asked: every connection's first request line ("CONNECT 127.0.0.1:8080 HTTP/1.1" or
"GET http://host/path HTTP/1.1"), in order. GET /__log (origin form, to the proxy itself)
returns {"requests": [{"method", "target", "host"}...]}; it is not recorded.

Serves CONNECT (a tunnel) and absolute-form requests (one request per connection, relayed
with "Connection: close"), but only to loopback addresses (127.0.0.0/8, ::1): anything else
gets 403 and is recorded all the same, so that a test can never make it reach another host.
"""

import argparse
import ipaddress
import json
import os
import select
import signal
import socket
import socketserver
import sys
import threading
import urllib.parse

LOG = []
LOCK = threading.Lock()


def loopback(host):
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # names are not resolved here: only literal loopback addresses


def split_host_port(authority, default_port):
    if authority.startswith("["):
        host, _, rest = authority[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port = authority.rpartition(":") if ":" in authority else (authority, "", "")
    return host, int(port) if port else default_port


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        conn = self.request
        conn.settimeout(60)
        head = b""
        while b"\r\n\r\n" not in head:
            data = conn.recv(65536)
            if not data:
                return
            head += data
        head, _, rest = head.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = (lines[0].split(" ") + ["", ""])[:3]
        if target.startswith("/__log"):
            with LOCK:
                body = json.dumps({"requests": LOG}).encode()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            return
        if method == "CONNECT":
            host, port = split_host_port(target, 443)
        else:
            url = urllib.parse.urlsplit(target)
            host, port = url.hostname or "", url.port or 80
        with LOCK:
            LOG.append({"method": method, "target": target, "host": host})
        if not loopback(host):
            conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        try:
            upstream = socket.create_connection((host.strip("[]"), port), timeout=30)
        except OSError:
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        with upstream:
            if method == "CONNECT":
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                if rest:
                    upstream.sendall(rest)
            else:
                url = urllib.parse.urlsplit(target)
                path = (url.path or "/") + ("?" + url.query if url.query else "")
                kept = [l for l in lines[1:] if not l.lower().startswith(("connection:", "proxy-"))]
                upstream.sendall(("%s %s HTTP/1.1\r\n" % (method, path)).encode("latin-1")
                                 + "\r\n".join(kept + ["Connection: close"]).encode("latin-1")
                                 + b"\r\n\r\n" + rest)
            relay(conn, upstream)


def relay(a, b):
    sockets = [a, b]
    while True:
        readable, _, _ = select.select(sockets, [], [], 60)
        if not readable:
            return
        for s in readable:
            data = s.recv(65536)
            if not data:
                return
            (b if s is a else a).sendall(data)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = Server(("127.0.0.1", args.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    sys.exit(main())
