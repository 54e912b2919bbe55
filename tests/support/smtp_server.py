#!/usr/bin/python3
"""A real SMTP server for tapd's mail tests, built on aiosmtpd (Debian: python3-aiosmtpd).

Prints "PORT <n>" as its first line on stdout once it listens, then serves until SIGTERM or
SIGINT. Each accepted message is written to --maildir as NNNN.eml (the message as received,
after dot-unstuffing) and then NNNN.json (envelope sender and recipients, MAIL options,
whether TLS was in use, the authenticated user). The .json file appears last and atomically,
so a test that sees it can read both.

Examples:
  smtp_server.py --port 0 --maildir /tmp/mail
  smtp_server.py --port 0 --maildir /tmp/mail --tls-cert c.pem --tls-key k.pem \
      --require-starttls --auth-user alice --auth-pass secret
  smtp_server.py --port 0 --maildir /tmp/mail --tls-cert c.pem --tls-key k.pem --implicit-tls
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Recorder:
    def __init__(self, maildir, tempfail):
        self.maildir = maildir
        self.count = 0
        self.tempfail = tempfail

    async def handle_DATA(self, server, session, envelope):
        # Lets tests exercise the client's retry of transient (4xx) failures.
        if self.tempfail > 0:
            self.tempfail -= 1
            return "451 4.3.0 Temporary failure, try again later"
        self.count += 1
        base = os.path.join(self.maildir, f"{self.count:04d}")
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "auth_user": session.auth_data if session.authenticated else None,
        }
        with open(base + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(meta, f)
        os.replace(base + ".json.tmp", base + ".json")
        return "250 2.0.0 Message accepted for delivery"


def make_authenticator(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = (auth_data.login.decode("utf-8") == user
              and auth_data.password.decode("utf-8") == password)
        return AuthResult(success=ok, handled=False,
                          auth_data=auth_data.login.decode("utf-8") if ok else None)
    return authenticate


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--maildir", required=True)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--require-starttls", action="store_true",
                   help="refuse commands other than EHLO/STARTTLS/QUIT before TLS")
    p.add_argument("--implicit-tls", action="store_true", help="smtps: TLS from the first byte")
    p.add_argument("--auth-user")
    p.add_argument("--auth-pass")
    p.add_argument("--auth-allow-cleartext", action="store_true",
                   help="offer AUTH without TLS (tests the client's loopback exception)")
    p.add_argument("--auth-exclude", action="append", default=[], metavar="MECHANISM",
                   help="do not offer this AUTH mechanism (e.g. PLAIN, to test LOGIN)")
    p.add_argument("--tempfail", type=int, default=0,
                   help="answer 451 to the first N messages")
    p.add_argument("--verbose", action="store_true",
                   help="show aiosmtpd's log (session errors, deprecation notes)")
    args = p.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if args.implicit_tls and not args.tls_cert:
        p.error("--implicit-tls needs --tls-cert and --tls-key")
    if bool(args.auth_user) != (args.auth_pass is not None):
        p.error("--auth-user and --auth-pass go together")
    return args


async def serve(args):
    loop = asyncio.get_running_loop()
    os.makedirs(args.maildir, exist_ok=True)
    handler = Recorder(args.maildir, args.tempfail)

    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)

    auth_kwargs = {}
    if args.auth_user:
        auth_kwargs = {
            "authenticator": make_authenticator(args.auth_user, args.auth_pass),
            "auth_required": True,
            # With implicit TLS the whole connection is encrypted, but aiosmtpd only counts
            # STARTTLS as TLS, so its check is turned off there.
            "auth_require_tls": not (args.implicit_tls or args.auth_allow_cleartext),
            "auth_exclude_mechanism": args.auth_exclude,
        }

    def factory():
        return SMTP(handler,
                    # A fixed name: the default calls getfqdn(), which may wait for DNS.
                    hostname="tap-test-smtp",
                    tls_context=None if args.implicit_tls else tls,
                    require_starttls=bool(tls) and args.require_starttls
                    and not args.implicit_tls,
                    loop=loop,
                    **auth_kwargs)

    server = await loop.create_server(factory, host=args.host, port=args.port,
                                      ssl=tls if args.implicit_tls else None)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)

    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    await stop
    server.close()
    await server.wait_closed()


def main():
    args = parse_args()
    if not args.verbose:
        # Tests provoke failures on purpose (bad certificates, wrong passwords); aiosmtpd
        # logs each with a traceback, which would bury the test's own output.
        logging.getLogger("mail.log").setLevel(logging.CRITICAL)
        warnings.simplefilter("ignore")
    try:
        asyncio.run(serve(args))
    except OSError as e:
        print(f"smtp_server.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
