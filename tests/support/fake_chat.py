#!/usr/bin/env python3
"""A local stand-in for the Telegram Bot API and a Matrix homeserver (client-server API), for
tests. Speaks their real JSON over HTTP/1.1 on 127.0.0.1.

  fake_chat.py --port 0 --log FILE [--bot-token T]... [--matrix-token T]...

Prints "PORT <n>" first. Every request is appended to FILE as one JSON line
({"method", "path", "headers", "body"}). Telegram: POST /bot<token>/sendMessage answers like the
Bot API ({"ok": true, "result": {...}}), or 401 {"ok": false, "error_code": 401, "description":
"Unauthorized"} for a token not given with --bot-token. Matrix: PUT
/_matrix/client/v3/rooms/<room>/send/m.room.message/<txn> answers {"event_id": "$..."}, or 401
M_UNKNOWN_TOKEN for an access token not given with --matrix-token.
"""
import argparse, http.server, itertools, json, re, sys, threading, urllib.parse

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, default=0)
ap.add_argument("--log", required=True)
ap.add_argument("--bot-token", action="append", default=[])
ap.add_argument("--matrix-token", action="append", default=[])
args = ap.parse_args()
lock = threading.Lock()
ids = itertools.count(1)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length", "0") or 0)
        raw = self.rfile.read(length) if length else b""
        with lock, open(args.log, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path,
                                "headers": {k: v for k, v in self.headers.items()},
                                "body": raw.decode("utf-8", "replace")}) + "\n")
        m = re.fullmatch(r"/bot([^/]+)/sendMessage", self.path)
        if m and self.command == "POST":
            if m.group(1) not in args.bot_token:
                return self.answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            try:
                req = json.loads(raw or b"{}")
            except ValueError:
                return self.answer(400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid JSON"})
            if "chat_id" not in req or "text" not in req:
                return self.answer(400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"})
            return self.answer(200, {"ok": True, "result": {"message_id": next(ids), "chat": {"id": req["chat_id"]},
                                                               "text": req["text"], "date": 0}})
        m = re.fullmatch(r"/_matrix/client/v3/rooms/([^/]+)/send/m\.room\.message/([^/]+)", self.path)
        if m and self.command == "PUT":
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in args.matrix_token:
                return self.answer(401, {"errcode": "M_UNKNOWN_TOKEN", "error": "Invalid access token"})
            room = urllib.parse.unquote(m.group(1))
            return self.answer(200, {"event_id": "$%d:%s" % (next(ids), room.split(":", 1)[-1])})
        return self.answer(404, {"errcode": "M_UNRECOGNIZED", "error": "Unrecognized request"})

    do_GET = do_POST = do_PUT = handle_any


server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
print("PORT %d" % server.server_address[1], flush=True)
server.serve_forever()
