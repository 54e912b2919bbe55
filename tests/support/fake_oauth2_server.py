#!/usr/bin/python3
"""A fake OAuth 2.0 authorization server and resource server (RFC 6749 authorization code
and refresh token grants, RFC 7636 PKCE S256, RFC 6750 bearer tokens) for tapd's oauth2
credential kind: python3 standard library only, sharing no code with tapd.

Prints "PORT <n>" as its first line on stdout once it listens (127.0.0.1, --port 0 picks a
free port), then serves until SIGTERM, one thread per connection, keep-alive. With
--self-test it checks its PKCE code against RFC 7636 Appendix B and runs one whole flow
against itself, prints "SELF TEST OK" or "SELF TEST FAILED" and exits 0 or 1.

Clients are registered with --client ID:SECRET (repeatable) or POST /_control
{"add_client": {"client_id", "client_secret", "redirect_uris": [...] (optional)}}.

Endpoints
  GET /authorize   response_type=code, client_id, redirect_uri, scope, state, code_challenge,
                   code_challenge_method=S256 (PKCE is required; "plain" is refused). An
                   unknown client or a redirect_uri that is not registered (or not an absolute
                   http(s) URL) gets a 400 page and no redirect (RFC 6749 4.1.2.1); other
                   errors redirect with error= and state. Answers an HTML consent page whose
                   form (POST /authorize) has an "Allow" and a "Deny" button; with
                   auto_approve=1 it redirects at once, as "Allow" does: 302 to
                   redirect_uri?code=...&state=... (codes: single use, 10 minutes; a code
                   used twice is refused and the tokens it gave are revoked, 4.1.2).
  POST /token      application/x-www-form-urlencoded. Client authentication by HTTP Basic
                   (form-urlencoded id and secret, 2.3.1) or client_id/client_secret in the
                   body, never both; failure: 401 invalid_client. grant_type
                   authorization_code (code, redirect_uri when the authorization request had
                   one, code_verifier with BASE64URL(SHA256(verifier)) == code_challenge) or
                   refresh_token (refresh_token, optional narrower scope). Rotation is on by
                   default: a refresh issues a new refresh token and invalidates the old one;
                   an unknown, used or revoked refresh token gets 400 invalid_grant. Answers
                   {"access_token", "token_type": "Bearer", "expires_in", "refresh_token",
                   "scope"} with Cache-Control: no-store.
  anything else    the resource: needs "Authorization: Bearer <access token>" of a token
                   that is issued, unexpired and not revoked, else 401 with
                   WWW-Authenticate: Bearer error="invalid_token". 200 JSON {"ok": true,
                   "client_id", "scope", "method", "path", "body"}. On paths containing
                   "/reflect" the answer also holds the access token raw (body "token" and
                   header X-Reflect): a hostile upstream, tapd must scrub it; with ?enc=E it
                   is text/plain "reflected: <token> end" in fake_upstream.py's encoding E.

Control (test only, never logged)
  GET /_stats      {"refreshes": {client: n}, "code_exchanges": {client: n},
                   "token_requests": n, "token_errors": {error: n}, "in_flight": n,
                   "max_in_flight": n (most token requests at once), "resource_ok": n,
                   "resource_unauthorized": n, "resource_log": [{"path", "token_ok"}...]}
  GET /_tokens     every access and refresh token issued (leak tests look for them)
  POST /_control   JSON, any of: "expires_in" (seconds, default 3600), "delay" (seconds
                   each /token request waits before answering), "rotate" (bool),
                   "add_client", "issue_refresh_token": {"client_id", "scope"} (answers
                   "refresh_token": a token as if the client had been authorized),
                   "expire_access_tokens": true (every issued access token expires now),
                   "revoke_refresh_tokens": true, "fail_token": {"status", "error",
                   "count"} (the next count /token requests fail so), "reset_stats": true.
                   Answers {"ok": true, ...}.
"""

import base64
import hashlib
import html
import json
import os
import secrets
import signal
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_upstream import encode  # noqa: E402  (the secret encodings of the leak tests)

LOCK = threading.Lock()
CODE_LIFETIME = 600


def fresh_state():
    return {"clients": {}, "codes": {}, "refresh": {}, "access": {}, "expires_in": 3600,
            "delay": 0.0, "rotate": True, "fail": None, "stats": fresh_stats()}


def fresh_stats():
    return {"refreshes": {}, "code_exchanges": {}, "token_requests": 0, "token_errors": {},
            "in_flight": 0, "max_in_flight": 0, "resource_ok": 0, "resource_unauthorized": 0,
            "resource_log": []}


S = fresh_state()


def s256(verifier):
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def valid_verifier(verifier):
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    return 43 <= len(verifier) <= 128 and all(c in allowed for c in verifier)


def http_url(text):
    parts = urllib.parse.urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.fragment


class OAuthError(Exception):
    def __init__(self, error, description, status=400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def issue_tokens(client_id, scope, with_refresh):
    """Issues an access token (and a refresh token); the caller holds LOCK."""
    access = "at-" + secrets.token_urlsafe(24)
    S["access"][access] = {"client_id": client_id, "scope": scope,
                           "expires_at": time.time() + S["expires_in"], "revoked": False}
    answer = {"access_token": access, "token_type": "Bearer", "expires_in": S["expires_in"],
              "scope": scope}
    if with_refresh:
        refresh = "rt-" + secrets.token_urlsafe(24)
        S["refresh"][refresh] = {"client_id": client_id, "scope": scope, "active": True}
        answer["refresh_token"] = refresh
    return answer


def count(table, key):
    S["stats"][table][key] = S["stats"][table].get(key, 0) + 1


def authenticate_client(handler, form):
    """The client of a /token request (RFC 6749 2.3.1); the caller holds LOCK."""
    header = handler.headers.get("Authorization", "")
    in_body = "client_secret" in form
    if header.startswith("Basic "):
        if in_body:
            raise OAuthError("invalid_request", "client authenticated twice", 400)
        try:
            pair = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
            cid, secret = (urllib.parse.unquote_plus(p) for p in pair.split(":", 1))
        except Exception:
            raise OAuthError("invalid_client", "malformed Basic credentials", 401)
    elif in_body:
        cid, secret = form.get("client_id", ""), form.get("client_secret", "")
    else:
        raise OAuthError("invalid_client", "no client authentication", 401)
    client = S["clients"].get(cid)
    if client is None or not secrets.compare_digest(client["client_secret"], secret):
        raise OAuthError("invalid_client", "unknown client or wrong secret", 401)
    if form.get("client_id", cid) != cid:
        raise OAuthError("invalid_client", "client_id does not match the credentials", 401)
    return cid


def grant_code(cid, form):
    code = S["codes"].get(form.get("code", ""))
    if code is None or code["client_id"] != cid or code["expires_at"] < time.time():
        raise OAuthError("invalid_grant", "unknown or expired authorization code")
    if code["used"]:  # replay: revoke what the code gave (RFC 6749 4.1.2)
        for token in code["issued"]:
            if token in S["access"]:
                S["access"][token]["revoked"] = True
            if token in S["refresh"]:
                S["refresh"][token]["active"] = False
        raise OAuthError("invalid_grant", "authorization code already used")
    if code["redirect_uri"] is not None and form.get("redirect_uri") != code["redirect_uri"]:
        raise OAuthError("invalid_grant", "redirect_uri does not match")
    verifier = form.get("code_verifier", "")
    if not valid_verifier(verifier):
        raise OAuthError("invalid_request", "code_verifier missing or malformed")
    if not secrets.compare_digest(s256(verifier), code["code_challenge"]):
        raise OAuthError("invalid_grant", "PKCE verification failed")
    code["used"] = True
    answer = issue_tokens(cid, code["scope"], True)
    code["issued"] = [answer["access_token"], answer["refresh_token"]]
    count("code_exchanges", cid)
    return answer


def grant_refresh(cid, form):
    token = form.get("refresh_token", "")
    entry = S["refresh"].get(token)
    if entry is None or not entry["active"] or entry["client_id"] != cid:
        raise OAuthError("invalid_grant", "unknown, used or revoked refresh token")
    scope = form.get("scope", entry["scope"])
    if not set(scope.split()) <= set(entry["scope"].split()):
        raise OAuthError("invalid_scope", "scope wider than the grant")
    count("refreshes", cid)
    if S["rotate"]:
        entry["active"] = False
        return issue_tokens(cid, scope, True)
    return issue_tokens(cid, scope, False)


def token_request(handler, form):
    """The answer (status, JSON) of POST /token; the caller holds LOCK."""
    fail = S["fail"]
    if fail and fail["count"] > 0:
        fail["count"] -= 1
        raise OAuthError(fail.get("error", "server_error"), "failure injected by the test",
                         fail.get("status", 500))
    cid = authenticate_client(handler, form)
    grant = form.get("grant_type", "")
    if grant == "authorization_code":
        return grant_code(cid, form)
    if grant == "refresh_token":
        return grant_refresh(cid, form)
    raise OAuthError("unsupported_grant_type", "grant_type %r is not supported" % grant)


def check_authorize(query):
    """(client_id, redirect_uri) of an authorization request, or raises ValueError (a 400 page,
    no redirect) / OAuthError (redirected to the client)."""
    cid = query.get("client_id", "")
    client = S["clients"].get(cid)
    redirect = query.get("redirect_uri", "")
    if client is None:
        raise ValueError("unknown client_id")
    allowed = client.get("redirect_uris") or []
    if not http_url(redirect) or (allowed and redirect not in allowed):
        raise ValueError("redirect_uri missing, malformed or not registered")
    if query.get("response_type") != "code":
        raise OAuthError("unsupported_response_type", "only response_type=code")
    if not query.get("code_challenge") or query.get("code_challenge_method") != "S256":
        raise OAuthError("invalid_request", "PKCE with code_challenge_method=S256 is required")
    if len(query["code_challenge"]) != 43:
        raise OAuthError("invalid_request", "code_challenge must be 43 base64url characters")
    return cid, redirect


def redirect_to(uri, params):
    sep = "&" if urllib.parse.urlsplit(uri).query else "?"
    return uri + sep + urllib.parse.urlencode(params)


def approve(query):
    code = "c-" + secrets.token_urlsafe(24)
    S["codes"][code] = {"client_id": query["client_id"], "redirect_uri": query["redirect_uri"],
                        "code_challenge": query["code_challenge"],
                        "scope": query.get("scope", ""), "used": False, "issued": [],
                        "expires_at": time.time() + CODE_LIFETIME}
    params = {"code": code}
    if "state" in query:
        params["state"] = query["state"]
    return redirect_to(query["redirect_uri"], params)


AUTH_FIELDS = ("response_type", "client_id", "redirect_uri", "scope", "state",
               "code_challenge", "code_challenge_method")


def consent_page(query):
    hidden = "".join('<input type="hidden" name="%s" value="%s">' % (k, html.escape(query[k]))
                     for k in AUTH_FIELDS if k in query)
    return ("<!DOCTYPE html><html><head><title>Authorize</title></head><body>"
            "<h1>Authorize %s</h1><p>Scopes: %s</p>"
            '<form method="post" action="/authorize">%s'
            '<button type="submit" name="decision" value="allow" id="allow">Allow</button>'
            '<button type="submit" name="decision" value="deny" id="deny">Deny</button>'
            "</form></body></html>" % (html.escape(query["client_id"]),
                                       html.escape(query.get("scope", "")), hidden))


def control(body):
    req = json.loads(body or b"{}")
    out = {"ok": True}
    with LOCK:
        for key in ("expires_in", "delay", "rotate"):
            if key in req:
                S[key] = req[key]
        if "add_client" in req:
            c = req["add_client"]
            S["clients"][c["client_id"]] = {"client_secret": c["client_secret"],
                                             "redirect_uris": c.get("redirect_uris", [])}
        if "issue_refresh_token" in req:
            r = req["issue_refresh_token"]
            out["refresh_token"] = issue_tokens(r["client_id"], r.get("scope", ""),
                                                True)["refresh_token"]
        if req.get("expire_access_tokens"):
            for entry in S["access"].values():
                entry["expires_at"] = 0
        if req.get("revoke_refresh_tokens"):
            for entry in S["refresh"].values():
                entry["active"] = False
        if "fail_token" in req:
            S["fail"] = dict(req["fail_token"])
        if req.get("reset_stats"):
            S["stats"] = fresh_stats()
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-oauth2/1"

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

    def send(self, status, body, content_type, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, obj, headers=()):
        self.send(status, json.dumps(obj).encode(), "application/json", headers)

    def redirect(self, location):
        self.send(302, b"", "text/plain", [("Location", location)])

    def do_authorize(self, query):
        with LOCK:
            try:
                check_authorize(query)
            except ValueError as e:
                return self.send(400, ("<p>Bad authorization request: %s</p>" %
                                       html.escape(str(e))).encode(), "text/html")
            except OAuthError as e:
                params = {"error": e.error, "error_description": e.description}
                if "state" in query:
                    params["state"] = query["state"]
                return self.redirect(redirect_to(query["redirect_uri"], params))
            if self.command == "POST" and query.get("decision") != "allow":
                params = {"error": "access_denied"}
                if "state" in query:
                    params["state"] = query["state"]
                return self.redirect(redirect_to(query["redirect_uri"], params))
            if self.command == "POST" or query.get("auto_approve") == "1":
                return self.redirect(approve(query))
        return self.send(200, consent_page(query).encode(), "text/html; charset=utf-8")

    def do_token(self, body):
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
        with LOCK:
            S["stats"]["token_requests"] += 1
            S["stats"]["in_flight"] += 1
            S["stats"]["max_in_flight"] = max(S["stats"]["max_in_flight"],
                                              S["stats"]["in_flight"])
            delay = S["delay"]
        try:
            time.sleep(delay)
            with LOCK:
                try:
                    answer, status = token_request(self, form), 200
                except OAuthError as e:
                    count("token_errors", e.error)
                    answer = {"error": e.error, "error_description": e.description}
                    status = e.status
        finally:
            with LOCK:
                S["stats"]["in_flight"] -= 1
        headers = [("Cache-Control", "no-store"), ("Pragma", "no-cache")]
        if status == 401:
            headers.append(("WWW-Authenticate", 'Basic realm="fake-oauth2"'))
        return self.send_json(status, answer, headers)

    def do_resource(self, body, target):
        header = self.headers.get("Authorization", "")
        token = header[7:].strip() if header[:7].lower() == "bearer " else ""
        with LOCK:
            entry = S["access"].get(token)
            ok = entry is not None and not entry["revoked"] and entry["expires_at"] > time.time()
            S["stats"]["resource_ok" if ok else "resource_unauthorized"] += 1
            S["stats"]["resource_log"].append({"path": target.path, "token_ok": ok})
        if not ok:
            return self.send_json(401, {"error": "invalid_token"},
                                  [("WWW-Authenticate", 'Bearer error="invalid_token"')])
        answer = {"ok": True, "client_id": entry["client_id"], "scope": entry["scope"],
                  "method": self.command, "path": target.path,
                  "body": body.decode("utf-8", "replace")}
        if "/reflect" not in target.path:
            return self.send_json(200, answer)
        enc = urllib.parse.parse_qs(target.query).get("enc", [""])[0]
        if not enc:
            answer["token"] = token
            return self.send_json(200, answer, [("X-Reflect", token)])
        encoded = encode(token.encode(), enc)
        headers = [] if enc.startswith("mime") else [("X-Reflect", encoded.decode("latin-1"))]
        return self.send(200, b"reflected: <" + encoded + b"> end", "text/plain", headers)

    def handle_any(self):
        body = self.read_body()
        target = urllib.parse.urlsplit(self.path)
        if target.path == "/_stats":
            with LOCK:
                return self.send_json(200, S["stats"])
        if target.path == "/_tokens":
            with LOCK:
                return self.send_json(200, {"access": list(S["access"]),
                                            "refresh": list(S["refresh"])})
        if target.path == "/_control" and self.command == "POST":
            return self.send_json(200, control(body))
        if target.path == "/authorize" and self.command in ("GET", "POST"):
            source = target.query if self.command == "GET" else body.decode("utf-8", "replace")
            return self.do_authorize(dict(urllib.parse.parse_qsl(source)))
        if target.path == "/token" and self.command == "POST":
            return self.do_token(body)
        return self.do_resource(body, target)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any


def self_test():
    failures = []
    # RFC 7636 Appendix B
    if s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") != \
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM":
        failures.append("S256 of RFC 7636 Appendix B")

    class Fake:
        def __init__(self, auth=""):
            self.headers = {"Authorization": auth} if auth else {}

    control(json.dumps({"add_client": {"client_id": "c", "client_secret": "s"}}).encode())
    verifier = "v" * 43
    query = {"response_type": "code", "client_id": "c", "redirect_uri": "http://x/cb",
             "state": "st", "code_challenge": s256(verifier), "code_challenge_method": "S256"}
    with LOCK:
        check_authorize(query)
        location = approve(query)
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]
    basic = "Basic " + base64.b64encode(b"c:s").decode()
    steps = [(Fake(basic), {"grant_type": "authorization_code", "code": code,
                            "redirect_uri": "http://x/cb", "code_verifier": "w" * 43},
              "invalid_grant"),
             (Fake(basic), {"grant_type": "authorization_code", "code": code,
                            "redirect_uri": "http://x/cb", "code_verifier": verifier}, None)]
    with LOCK:
        for fake, form, expected in steps:
            try:
                answer = token_request(fake, form)
                if expected:
                    failures.append("expected %s" % expected)
            except OAuthError as e:
                if e.error != expected:
                    failures.append("got %s, expected %s" % (e.error, expected))
        rt = answer["refresh_token"]
        body = {"grant_type": "refresh_token", "refresh_token": rt, "client_id": "c",
                "client_secret": "s"}
        if token_request(Fake(), body)["refresh_token"] == rt:
            failures.append("no rotation")
        try:
            token_request(Fake(), body)
            failures.append("a used refresh token was accepted")
        except OAuthError as e:
            if e.error != "invalid_grant":
                failures.append("reuse: %s" % e.error)
    return failures


def main(argv):
    if argv[:1] == ["--self-test"]:
        failures = self_test()
        for failure in failures:
            print("self test failed: " + failure, file=sys.stderr)
        print("SELF TEST " + ("FAILED" if failures else "OK"), flush=True)
        return 1 if failures else 0
    port = 0
    while argv:
        if argv[0] == "--port":
            port = int(argv[1])
        elif argv[0] == "--client":
            cid, secret = argv[1].split(":", 1)
            S["clients"][cid] = {"client_secret": secret, "redirect_uris": []}
        argv = argv[2:]
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 512
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
