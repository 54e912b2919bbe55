#!/usr/bin/env python3
"""A local stand-in for the Telegram Bot API and a Matrix homeserver (client-server API v3), for
tests. Speaks their real JSON over HTTP/1.1 on 127.0.0.1.

  fake_chat.py --port 0 --log FILE [--bot-token T]... [--matrix-token T]...

Prints "PORT <n>" first. Every request a bot makes is appended to FILE as one JSON line
({"method", "path", "headers", "body"}), except the long polls (getUpdates, /sync, whoami) and
the control endpoints, so the log reads as "what the bots sent".

Telegram (POST or GET /bot<token>/<method>, JSON, form or query parameters; answers
{"ok": true, "result": ...} or {"ok": false, "error_code", "description"}; an unknown token gets
401 Unauthorized): sendMessage, editMessageText, answerCallbackQuery, getUpdates (offset
confirms earlier updates, timeout long-polls, 409 while a webhook is set, and 409 "terminated by
other getUpdates request" for a poll still waiting when another one for the same bot arrives;
counted in /__tg/stats unless its client had already hung up), setWebhook,
deleteWebhook, getMe.

Matrix (Authorization: Bearer <token>; an unknown token gets 401 M_UNKNOWN_TOKEN): whoami,
PUT rooms/<room>/send/<type>/<txn> (idempotent per txn), GET sync (since/next_batch, timeout in
ms, rooms.join.<room>.timeline.events), directory/room/<alias>, GET rooms/<room>/joined_members
({"joined": {user_id: {"display_name"}}}: the bot and everyone who sent an event there). Every
room exists and is joined, except that a room given members by /__mx/room (a direct message)
is synced to and lists those members only.

Control (for tests, JSON):
  POST /__tg/callback {token, from_id, chat_id, message_id, data[, queue=true]}
       → {update_id, callback_query_id, update}; queued for getUpdates unless queue is false
  POST /__tg/message {token, from_id, text[, chat_type="private", chat_id=from_id]}
       → {update_id}; a text message to the bot, queued for getUpdates
  GET  /__tg/messages[?token=T]  → {messages: [{token, chat_id, message_id, text, parse_mode,
                                    reply_markup, edits: [...]}]}
  GET  /__tg/answers              → {answers: [answerCallbackQuery parameters...]}
  POST /__tg/send_delay {token, ms} → {}; sendMessage of that bot (or a Matrix send with that
                                    access token) answers `ms` late; the message is already
                                    visible and answerable meanwhile
  GET  /__tg/stats                → {get_updates: {token: count}, conflicts: {token: count},
                                    webhooks: {token: {...}}}
  POST /__mx/event {room_id, sender, type, content} → {event_id}
  GET  /__mx/events?room_id=R     → {events: [...]}
  POST /__mx/room {room_id, members: [user_id...]} → {}; only these are in the room
"""
import argparse, http.server, itertools, json, re, select, socket, threading, time, urllib.parse

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, default=0)
ap.add_argument("--log", required=True)
ap.add_argument("--bot-token", action="append", default=[])
ap.add_argument("--matrix-token", action="append", default=[])
args = ap.parse_args()

lock = threading.Condition()
ids = itertools.count(1)
update_ids = itertools.count(1000)
# Telegram state
updates = {}      # token → [update]
messages = []     # dicts, see /__tg/messages
answers = []
queries = {}      # callback_query_id → token
webhooks = {}     # token → setWebhook parameters
get_updates = {}  # token → count
poll_gen = {}     # token → number of the newest getUpdates; older waiting ones are cut off
conflicts = {}    # token → getUpdates answered 409 because another one arrived
send_delay_ms = {}  # token → how long sendMessage waits before answering (see /__tg/send_delay)
# Matrix state
events = []       # every event, in stream order; since tokens are "s<len>"
txns = {}         # (token, room, txn) → event_id
mx_users = {t: "@tapbot%d:fake.test" % i for i, t in enumerate(args.matrix_token, 1)}
room_members = {}  # room → [user_id]; rooms not listed are joined by everyone


def chat_number(chat):
    if isinstance(chat, int):
        return chat
    s = str(chat)
    if re.fullmatch(r"-?\d+", s):
        return int(s)
    return -1000000000000 - (sum(map(ord, s)) % 1000000)  # "@channel": a stable id


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

    def tg_ok(self, result):
        return self.answer(200, {"ok": True, "result": result})

    def client_gone(self):
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def tg_error(self, code, description):
        return self.answer(code, {"ok": False, "error_code": code, "description": description})

    def handle_any(self):
        length = int(self.headers.get("Content-Length", "0") or 0)
        raw = self.rfile.read(length) if length else b""
        url = urllib.parse.urlsplit(self.path)
        path, query = url.path, dict(urllib.parse.parse_qsl(url.query))
        quiet = (path.startswith("/__") or path.endswith("/getUpdates") or path.endswith("/sync")
                 or path.endswith("/account/whoami"))
        if not quiet:
            with lock, open(args.log, "a") as f:
                f.write(json.dumps({"method": self.command, "path": self.path,
                                    "headers": {k: v for k, v in self.headers.items()},
                                    "body": raw.decode("utf-8", "replace")}) + "\n")
        if path.startswith("/__tg/") or path.startswith("/__mx/"):
            return self.control(path, query, raw)
        m = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", path)
        if m:
            return self.telegram(m.group(1), m.group(2), query, raw)
        if path.startswith("/_matrix/client/"):
            return self.matrix(path, query, raw)
        return self.answer(404, {"errcode": "M_UNRECOGNIZED", "error": "Unrecognized request"})

    do_GET = do_POST = do_PUT = handle_any

    # ---- Telegram Bot API -----------------------------------------------------------------

    def telegram(self, token, method, query, raw):
        if token not in args.bot_token:
            return self.tg_error(401, "Unauthorized")
        params = dict(query)
        ctype = self.headers.get("Content-Type", "")
        try:
            if raw and ctype.startswith("application/json"):
                params.update(json.loads(raw))
            elif raw:
                params.update(dict(urllib.parse.parse_qsl(raw.decode())))
        except ValueError:
            return self.tg_error(400, "Bad Request: can't parse JSON object")
        handler = getattr(self, "tg_" + method, None)
        if handler is None:
            return self.tg_error(404, "Not Found")
        return handler(token, params)

    def tg_getMe(self, token, p):
        return self.tg_ok({"id": int(token.split(":")[0]) if token.split(":")[0].isdigit() else 1,
                           "is_bot": True, "first_name": "TAP", "username": "tap_bot"})

    def tg_sendMessage(self, token, p):
        if "chat_id" not in p or not str(p.get("text", "")):
            return self.tg_error(400, "Bad Request: message text is empty")
        markup = p.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        with lock:
            msg = {"token": token, "chat_id": chat_number(p["chat_id"]), "message_id": next(ids),
                   "text": p["text"], "parse_mode": p.get("parse_mode"), "reply_markup": markup,
                   "edits": []}
            messages.append(msg)
        result = {"message_id": msg["message_id"], "from": {"id": 1, "is_bot": True, "first_name": "TAP"},
                  "chat": {"id": msg["chat_id"], "type": "supergroup"}, "date": int(time.time()),
                  "text": p["text"]}
        if markup:
            result["reply_markup"] = markup
        delay = send_delay_ms.get(token, 0)
        if delay:  # the message is in the chat (and clickable) before its sender hears back
            time.sleep(delay / 1000.0)
        return self.tg_ok(result)

    def tg_editMessageText(self, token, p):
        with lock:
            found = [m for m in messages if m["token"] == token
                     and m["chat_id"] == chat_number(p.get("chat_id", 0))
                     and m["message_id"] == int(p.get("message_id", 0))]
            if not found:
                return self.tg_error(400, "Bad Request: message to edit not found")
            msg = found[0]
            markup = p.get("reply_markup")
            if isinstance(markup, str):
                markup = json.loads(markup)
            if msg["text"] == p.get("text") and msg["reply_markup"] == markup:
                return self.tg_error(400, "Bad Request: message is not modified")
            msg["edits"].append({"text": p.get("text"), "parse_mode": p.get("parse_mode"),
                                 "reply_markup": markup})
            msg["text"], msg["reply_markup"] = p.get("text"), markup  # no markup: keyboard removed
        result = {"message_id": msg["message_id"], "chat": {"id": msg["chat_id"], "type": "supergroup"},
                  "date": int(time.time()), "edit_date": int(time.time()), "text": msg["text"]}
        return self.tg_ok(result)

    def tg_answerCallbackQuery(self, token, p):
        with lock:
            if queries.get(str(p.get("callback_query_id"))) != token:
                return self.tg_error(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
            answers.append(dict(p, token=token))
        return self.tg_ok(True)

    def tg_setWebhook(self, token, p):
        with lock:
            webhooks[token] = p
        return self.tg_ok(True)

    def tg_deleteWebhook(self, token, p):
        with lock:
            webhooks.pop(token, None)
        return self.tg_ok(True)

    def tg_getUpdates(self, token, p):
        try:
            offset = int(p.get("offset", 0))
            timeout = min(float(p.get("timeout", 0)), 50.0)
            limit = int(p.get("limit", 100))
        except ValueError:
            return self.tg_error(400, "Bad Request: invalid parameters")
        deadline = time.monotonic() + timeout
        with lock:
            get_updates[token] = get_updates.get(token, 0) + 1
            if token in webhooks:
                return self.tg_error(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
            gen = poll_gen[token] = poll_gen.get(token, 0) + 1
            lock.notify_all()  # a poll of this bot still waiting is cut off (below)
            queue = updates.setdefault(token, [])
            while True:
                if poll_gen[token] != gen:
                    if not self.client_gone():  # a 409 nobody reads is no conflict seen
                        conflicts[token] = conflicts.get(token, 0) + 1
                    return self.tg_error(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
                if offset:
                    queue[:] = [u for u in queue if u["update_id"] >= offset]  # confirmed
                ready = queue[:limit]
                left = deadline - time.monotonic()
                if ready or left <= 0:
                    break
                lock.wait(left)
        return self.tg_ok(ready)

    # ---- Matrix client-server API ---------------------------------------------------------

    def matrix(self, path, query, raw):
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in args.matrix_token:
            return self.answer(401, {"errcode": "M_UNKNOWN_TOKEN", "error": "Invalid access token"})
        user = mx_users[token]
        if path == "/_matrix/client/v3/account/whoami":
            return self.answer(200, {"user_id": user, "device_id": "FAKE"})
        m = re.fullmatch(r"/_matrix/client/v3/rooms/([^/]+)/send/([^/]+)/([^/]+)", path)
        if m and self.command == "PUT":
            room, etype, txn = (urllib.parse.unquote(g) for g in m.groups())
            try:
                content = json.loads(raw or b"{}")
            except ValueError:
                return self.answer(400, {"errcode": "M_NOT_JSON", "error": "Content not JSON."})
            with lock:
                key = (token, room, txn)
                if key not in txns:
                    txns[key] = self.add_event(room, user, etype, content)["event_id"]
                event_id = txns[key]
            delay = send_delay_ms.get(token, 0)
            if delay:  # the event is in the room before its sender hears back
                time.sleep(delay / 1000.0)
            return self.answer(200, {"event_id": event_id})
        m = re.fullmatch(r"/_matrix/client/v3/directory/room/([^/]+)", path)
        if m:
            alias = urllib.parse.unquote(m.group(1))
            return self.answer(200, {"room_id": "!" + alias[1:], "servers": ["fake.test"]})
        m = re.fullmatch(r"/_matrix/client/v3/rooms/([^/]+)/joined_members", path)
        if m and self.command == "GET":
            room = urllib.parse.unquote(m.group(1))
            with lock:
                members = set(room_members.get(room, [])) or (
                    {user} | {e["sender"] for e in events if e["room_id"] == room})
            return self.answer(200, {"joined": {u: {"display_name": u[1:].split(":")[0]}
                                                for u in sorted(members)}})
        if path == "/_matrix/client/v3/sync":
            return self.sync(query, user)
        return self.answer(404, {"errcode": "M_UNRECOGNIZED", "error": "Unrecognized request"})

    @staticmethod
    def add_event(room, sender, etype, content):  # with lock held
        event = {"event_id": "$%d:fake.test" % next(ids), "room_id": room, "sender": sender,
                 "type": etype, "content": content, "origin_server_ts": int(time.time() * 1000),
                 "unsigned": {}}
        events.append(event)
        lock.notify_all()
        return event

    def sync(self, query, user):
        since = query.get("since", "")
        if since and not re.fullmatch(r"s\d+", since):
            return self.answer(400, {"errcode": "M_INVALID_PARAM", "error": "Bad since token"})
        if "filter" in query:
            try:
                json.loads(query["filter"])
            except ValueError:
                return self.answer(400, {"errcode": "M_INVALID_PARAM", "error": "Bad filter"})
        start = int(since[1:]) if since else 0
        try:
            timeout = min(int(query.get("timeout", "0")), 60000) / 1000.0
        except ValueError:
            return self.answer(400, {"errcode": "M_INVALID_PARAM", "error": "Bad timeout"})
        deadline = time.monotonic() + timeout
        with lock:
            while len(events) <= start and deadline - time.monotonic() > 0:
                lock.wait(deadline - time.monotonic())
            new = events[start:]
            end = len(events)
        join = {}
        for e in new:
            if e["room_id"] in room_members and user not in room_members[e["room_id"]]:
                continue
            room = join.setdefault(e["room_id"], {"timeline": {"events": [], "limited": False,
                                                               "prev_batch": "s%d" % start},
                                                  "state": {"events": []},
                                                  "ephemeral": {"events": []},
                                                  "account_data": {"events": []}})
            room["timeline"]["events"].append({k: v for k, v in e.items() if k != "room_id"})
        return self.answer(200, {"next_batch": "s%d" % end, "rooms": {"join": join, "invite": {}, "leave": {}},
                                 "presence": {"events": []}, "account_data": {"events": []}})

    # ---- Control -------------------------------------------------------------------------

    def control(self, path, query, raw):
        body = json.loads(raw) if raw else {}
        with lock:
            if path == "/__tg/callback":
                qid = str(next(ids) * 7919)
                token = body["token"]
                update = {"update_id": next(update_ids), "callback_query": {
                    "id": qid,
                    "from": {"id": int(body["from_id"]), "is_bot": False, "first_name": "Tester"},
                    "message": {"message_id": int(body["message_id"]), "date": int(time.time()),
                                "chat": {"id": chat_number(body["chat_id"]), "type": "supergroup"}},
                    "chat_instance": "1", "data": body["data"]}}
                queries[qid] = token
                if body.get("queue", True):
                    updates.setdefault(token, []).append(update)
                    lock.notify_all()
                return self.answer(200, {"update_id": update["update_id"], "callback_query_id": qid,
                                         "update": update})
            if path == "/__tg/message":
                token = body["token"]
                from_id = int(body["from_id"])
                chat_type = body.get("chat_type", "private")
                chat_id = chat_number(body.get("chat_id", from_id))
                update = {"update_id": next(update_ids), "message": {
                    "message_id": next(ids), "date": int(time.time()),
                    "from": {"id": from_id, "is_bot": False, "first_name": "Tester"},
                    "chat": {"id": chat_id, "type": chat_type}, "text": body["text"],
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}]
                    if body["text"].startswith("/start") else []}}
                updates.setdefault(token, []).append(update)
                lock.notify_all()
                return self.answer(200, {"update_id": update["update_id"]})
            if path == "/__tg/messages":
                token = query.get("token")
                return self.answer(200, {"messages": [m for m in messages if not token or m["token"] == token]})
            if path == "/__tg/answers":
                return self.answer(200, {"answers": answers})
            if path == "/__tg/send_delay":
                send_delay_ms[body["token"]] = int(body.get("ms", 0))
                return self.answer(200, {})
            if path == "/__tg/stats":
                return self.answer(200, {"get_updates": get_updates, "conflicts": conflicts,
                                         "webhooks": webhooks})
            if path == "/__mx/event":
                event = self.add_event(body["room_id"], body["sender"], body["type"], body["content"])
                return self.answer(200, {"event_id": event["event_id"]})
            if path == "/__mx/room":
                room_members[body["room_id"]] = list(body["members"])
                return self.answer(200, {})
            if path == "/__mx/events":
                room = query.get("room_id")
                return self.answer(200, {"events": [e for e in events if not room or e["room_id"] == room]})
        return self.answer(404, {"error": "unknown control endpoint"})


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", args.port), Handler)
print("PORT %d" % server.server_address[1], flush=True)
server.serve_forever()
