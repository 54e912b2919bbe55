#!/usr/bin/env python3
"""Soak driver: two tapd processes on one PostgreSQL behind nginx, mixed traffic, one SIGKILL.

Started by tests/bench/soak.sh, which sets up PostgreSQL, nginx and the fake upstream and passes
their addresses. This program starts both tapd processes itself (so that it can SIGKILL one and
restart it on the same port), signs up a team through nginx, and for --duration seconds runs:

  auto     2 threads: GET forwards the policy auto-approves, each with a unique marker
  park     1 thread:  POST forwards that need approval (202 + txn_id)
  approver 1 thread:  approves (65 %) or denies (30 %) each while pending through the admin API,
                      leaves 5 % undecided (they must expire); retries a decision whose request
                      was lost in flight
  poller   1 thread:  polls GET /agent/approvals/{txn} until final
  admin    1 thread:  create/patch/put/delete credentials, policies, roles and agents
  sampler  1 thread:  VmRSS and open fds of both tapd processes every few seconds

At --kill-at (fraction of the run) tapd "B" gets SIGKILL as soon as it has taken the decision on
an approval whose upstream answers slowly (so an approved request dies with its sender; at most
30 s later otherwise); it is restarted --down seconds later on the same port. Everything goes
through nginx. Afterwards soak_verify.py checks and reports.
Python 3 standard library only.
"""

import argparse
import http.client
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soak_verify  # noqa: E402

FINAL = ("forwarded", "denied", "expired", "failed")


class Tapd:
    """One tapd process; restartable on the same port."""

    def __init__(self, name, binary, port, args, env, workdir):
        self.name, self.binary, self.port = name, binary, port
        self.args, self.env, self.workdir = args, env, workdir
        self.proc = None
        self.pids = []

    def start(self):
        log = open(os.path.join(self.workdir, "tapd-%s.log" % self.name), "ab")
        for attempt in range(20):  # the port may still be held a moment after a kill
            self.proc = subprocess.Popen(
                [self.binary, "--listen", "127.0.0.1:%d" % self.port] + self.args,
                env=self.env, stdout=subprocess.PIPE, stderr=log)
            line = self.proc.stdout.readline().decode(errors="replace")
            if "listening on" in line:
                self.pids.append(self.proc.pid)
                threading.Thread(target=self.proc.stdout.read, daemon=True).start()
                return
            self.proc.wait()
            time.sleep(0.5)
        raise RuntimeError("tapd %s did not start; see %s" % (self.name, log.name))

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        """SIGTERM; the exit code (None if it had to be killed)."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        return self.proc.returncode

    def sample(self):
        """(rss_kib, fds) of the running process, or None."""
        if not self.proc or self.proc.poll() is not None:
            return None
        try:
            with open("/proc/%d/status" % self.proc.pid) as f:
                rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
            return rss, len(os.listdir("/proc/%d/fd" % self.proc.pid))
        except (OSError, StopIteration):
            return None


class Client:
    """HTTP/1.1 to nginx, one connection per request (nginx keeps its own to tapd)."""

    def __init__(self, port):
        self.port = port
        self.token = None

    def call(self, method, path, body=None, headers=None, timeout=60):
        h = dict(headers or {})
        if self.token and "X-TAP-Key" not in h:
            h["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        t0 = time.time()
        r = {"t0": t0, "status": 0, "rid": None, "json": None, "error": None, "via": "tapd"}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=h)
            resp = conn.getresponse()
            raw = resp.read()
            r["status"], r["rid"] = resp.status, resp.getheader("X-TAP-Request-Id")
            r["upstream"] = resp.getheader("X-Soak-Upstream", "")
            if resp.getheader("Server", "").startswith("nginx") and b"<html>" in raw:
                r["via"] = "nginx"  # a gateway error nginx made up: tapd never answered
            try:
                r["json"] = json.loads(raw) if raw else None
            except ValueError:
                pass
        except (OSError, http.client.HTTPException) as e:
            r["error"], r["via"] = repr(e), "transport"
        finally:
            conn.close()
        r["t1"] = time.time()
        return r


class Soak:
    def __init__(self, a):
        self.a = a
        self.run_id = "%06x" % random.getrandbits(24)
        self.client = Client(a.nginx_port)
        self.lock = threading.Lock()
        self.stop_load = threading.Event()
        self.stop_all = threading.Event()
        self.arm_kill = threading.Event()
        self.kill_now = threading.Event()
        self.kill_at = self.restart_at = None
        self.sent = {}  # marker -> record
        self.approvals = {}  # txn -> record
        self.admin_ops = []
        self.samples = []  # (t, name, rss_kib, fds)
        self.decide_q = queue.Queue()
        self.counter = 0
        self.upstream = "http://127.0.0.1:%d" % a.upstream_port
        self.tapds = [self._tapd("A", a.port_a), self._tapd("B", a.port_b)]

    def _tapd(self, name, port):
        env = {k: v for k, v in os.environ.items() if not k.startswith("TAP_")}
        env.update({"TAP_MASTER_KEY": self.a.master_key, "TAP_ALLOW_PRIVATE_TARGETS": "1",
                    "TAP_FORWARD_TIMEOUT_S": str(self.a.forward_timeout),
                    "TAP_APPROVAL_TIMEOUT_S": str(self.a.approval_timeout),
                    "TAP_HOUSEKEEPING_INTERVAL_MS": "5000",
                    "TAP_AUDIT_FILE": os.path.join(self.a.workdir, "audit-%s.jsonl" % name)})
        data = os.path.join(self.a.workdir, "data-" + name)
        args = ["--data-dir", data, "--database", self.a.database, "--workers", "2",
                "--mail-outbox", os.path.join(self.a.workdir, "outbox"),
                "--public-url", "http://127.0.0.1:%d" % self.a.nginx_port]
        return Tapd(name, self.a.tapd, port, args, env, self.a.workdir)

    def now(self):
        return time.time() - self.t_start

    def marker(self, kind):
        with self.lock:
            self.counter += 1
            return "soak-%s-%s-%d" % (self.run_id, kind, self.counter)

    def in_flight(self, r):
        """Was this request outstanding when B was killed? (Sent up to 1 s after: nginx learns
        of its keep-alive connections to B being closed asynchronously, and does not move a
        POST that it wrote to one of them.)"""
        k = self.kill_at
        return k is not None and r["t0"] <= k + 1.0 and r["t1"] >= k

    # ---- set-up ------------------------------------------------------------------------------

    def setup(self):
        c = self.client
        email = "soak-%s@example.com" % self.run_id
        password = "soak-password-%s" % self.run_id
        self.expect(c.call("POST", "/signup", {"team_name": "soak", "email": email,
                                               "password": password}), 201, "signup")
        code = soak_verify.verification_code(os.path.join(self.a.workdir, "outbox"), email)
        self.expect(c.call("POST", "/verify-email", {"email": email, "code": code}), 200, "verify")
        login = self.expect(c.call("POST", "/login", {"email": email, "password": password}),
                            200, "login")
        c.token = login["json"]["session_token"]
        self.expect(c.call("POST", "/admin/credentials", {
            "name": "soak-upstream", "description": "soak fake upstream",
            "value": "sk-soak-secret-value-0123456789", "allowed_hosts": ["127.0.0.1"]}),
            201, "credential")
        self.expect(c.call("PUT", "/admin/policies/soak-upstream",
                           {"auto_approve_methods": ["GET"]}), 200, "policy")
        agent = self.expect(c.call("POST", "/admin/agents", {
            "id": "soak-agent", "credentials": ["soak-upstream"]}), 201, "agent")
        self.key = agent["json"]["api_key"]
        time.sleep(3)  # other process's caches: within 2 s

    @staticmethod
    def expect(r, status, what):
        if r["status"] != status:
            raise RuntimeError("set-up %s: expected %d, got %s %s %s"
                               % (what, status, r["status"], r["json"], r["error"]))
        return r

    def forward(self, marker, method, body=None):
        # A third of the targets answer after 1.5 s, so that the SIGKILL finds requests in
        # flight at every stage (forwarding, sending an approved request).
        slow = random.random() < 1 / 3
        path = "/slow?ms=1500&m=" if slow else "/echo/soak?m="
        h = {"X-TAP-Key": self.key, "X-TAP-Credential": "soak-upstream",
             "X-TAP-Target": self.upstream + path + marker, "X-TAP-Method": method}
        r = self.client.call("POST", "/forward", body, h)
        r["slow"] = slow
        return r

    # ---- load threads ------------------------------------------------------------------------

    def pace(self, rate):
        self.stop_load.wait(random.uniform(0.5, 1.5) / rate)

    def auto_loop(self):
        while not self.stop_load.is_set():
            m = self.marker("auto")
            r = self.forward(m, "GET")
            with self.lock:
                self.sent[m] = {"kind": "auto", "r": r, "in_flight": self.in_flight(r)}
            self.pace(self.a.rate)

    def park_loop(self):
        while not self.stop_load.is_set():
            m = self.marker("appr")
            r = self.forward(m, "POST", {"marker": m, "note": "needs a human"})
            rec = {"kind": "appr", "r": r, "in_flight": self.in_flight(r)}
            with self.lock:
                self.sent[m] = rec
            txn = (r["json"] or {}).get("txn_id") if r["status"] == 202 else None
            if txn:
                roll = random.random()
                intent = "approve" if roll < 0.65 else "deny" if roll < 0.95 else "none"
                a = {"txn": txn, "marker": m, "rid": r["rid"], "intent": intent,
                     "attempts": [], "decision": None, "polls": 0, "final": None,
                     "parked_at": r["t1"], "slow": r["slow"]}
                rec["txn"] = txn
                with self.lock:
                    self.approvals[txn] = a
                self.decide_q.put((time.time() + random.uniform(0.2, 2.0), a))
            self.pace(self.a.rate / 2)

    def approver_loop(self):
        while not (self.stop_load.is_set() and self.decide_q.empty()):
            try:
                due, a = self.decide_q.get(timeout=0.5)
            except queue.Empty:
                continue
            time.sleep(max(0.0, due - time.time()))
            if a["intent"] != "none":
                self.decide(a)

    def decide(self, a):
        for _ in range(15):
            r = self.client.call("POST", "/admin/approvals/%s/%s" % (a["txn"], a["intent"]))
            r["in_flight"] = self.in_flight(r)
            a["attempts"].append(r)
            if r["status"] == 200:
                a["decision"] = "decided"
                # Kill timing: B just took an approval whose upstream answers in 1.5 s, so the
                # SIGKILL finds an approved request being sent by the process that dies.
                if (self.arm_kill.is_set() and a["intent"] == "approve" and a["slow"]
                        and r["upstream"].endswith(":%d" % self.a.port_b)):
                    self.kill_now.set()
                return
            if r["status"] == 409:
                lost = any(p["via"] != "tapd" for p in a["attempts"][:-1])
                a["decision"] = "decided_in_flight" if lost else "conflict"
                return
            if r["via"] == "tapd":
                a["decision"] = "error %d" % r["status"]
                return
            time.sleep(1)
        a["decision"] = "gave_up"

    def poller_loop(self):
        while not self.stop_all.is_set():
            with self.lock:
                open_ = [a for a in self.approvals.values() if a["final"] is None]
            for a in open_:
                if self.stop_all.is_set():
                    break
                r = self.client.call("GET", "/agent/approvals/" + a["txn"],
                                     headers={"X-TAP-Key": self.key})
                a["polls"] += 1
                body = r["json"] or {}
                a["last_poll"] = {"status": r["status"], "state": body.get("status"),
                                  "decision": body.get("decision")}
                if r["status"] == 200 and body.get("status") in FINAL:
                    a["final"] = body["status"]
                    a["response_status"] = (body.get("response") or {}).get("status")
            self.stop_all.wait(1.0)

    def admin_loop(self):
        n = 0
        while not self.stop_load.is_set():
            n += 1
            for op in soak_verify.admin_cycle(self.run_id, n):
                if self.stop_load.is_set():
                    break
                method, path, body, ok_status, action, target = op
                r = self.client.call(method, path, body)
                self.admin_ops.append({"method": method, "path": path, "ok": ok_status,
                                       "action": action, "target": target, "status": r["status"],
                                       "via": r["via"], "in_flight": self.in_flight(r),
                                       "t0": r["t0"], "t1": r["t1"]})
                self.pace(self.a.rate)

    def sampler_loop(self):
        while not self.stop_all.is_set():
            t = self.now()
            for tapd in self.tapds:
                s = tapd.sample()
                if s:
                    self.samples.append((round(t, 1), tapd.name, s[0], s[1]))
            self.stop_all.wait(self.a.sample_every)

    # ---- the run -----------------------------------------------------------------------------

    def run(self):
        for t in self.tapds:
            t.start()
        self.setup()
        self.t_start = time.time()
        loops = [self.auto_loop, self.auto_loop, self.park_loop, self.admin_loop]
        load = [threading.Thread(target=f, daemon=True) for f in loops]
        approver = threading.Thread(target=self.approver_loop, daemon=True)
        rest = [threading.Thread(target=f, daemon=True)
                for f in (self.poller_loop, self.sampler_loop)]
        for t in load + [approver] + rest:
            t.start()
        d = self.a.duration
        time.sleep(d * self.a.kill_at)
        self.arm_kill.set()  # at the next slow approval B sends, or after 30 s
        self.kill_timed = self.kill_now.wait(30)
        self.kill_at = time.time()
        self.tapds[1].kill()
        self.arm_kill.clear()
        print("soak: t=%.0fs SIGKILL tapd B (pid %d)" % (self.now(), self.tapds[1].pids[-1]),
              flush=True)
        time.sleep(self.a.down)
        self.tapds[1].start()
        self.restart_at = time.time()
        print("soak: t=%.0fs tapd B restarted (pid %d)" % (self.now(), self.tapds[1].pids[-1]),
              flush=True)
        time.sleep(max(0.0, self.t_start + d - time.time()))
        self.stop_load.set()
        self.t_load_end = time.time()
        for t in load + [approver]:
            t.join()
        self.drain()
        self.stop_all.set()
        for t in rest:
            t.join()

    def drain(self):
        """Wait until every known approval is final, except those whose sender was killed."""
        deadline = time.time() + self.a.approval_timeout + 30
        while time.time() < deadline:
            with self.lock:
                open_ = [a for a in self.approvals.values() if a["final"] is None]
            waiting = [a for a in open_ if (a.get("last_poll") or {}).get("decision") != "approved"]
            # The poll says "expired" once the time is up; the row changes (and the expiry is
            # audited) at the next housekeeping, every 5 s.
            rows = soak_verify.db_approvals(self.a.database)
            if not waiting and all(r["status"] != "pending" for r in rows.values()):
                time.sleep(1)
                return
            time.sleep(1)

    def shutdown(self):
        """Stop both tapds; problems of a clean stop (exit code, sanitizer reports) as text."""
        problems = []
        for t in self.tapds:
            code = t.stop()
            if code != 0:
                problems.append("tapd %s exited with %s on SIGTERM" % (t.name, code))
            log = open(os.path.join(self.a.workdir, "tapd-%s.log" % t.name), "rb").read()
            for needle in (b"ERROR: AddressSanitizer", b"ERROR: LeakSanitizer",
                           b"runtime error:", b"WARNING: ThreadSanitizer"):
                at = log.find(needle)
                if at >= 0:
                    problems.append("tapd %s log: %s" % (t.name, log[at:at + 3000].decode(
                        errors="replace")))
        return problems


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tapd", required=True)
    p.add_argument("--database", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--nginx-port", type=int, required=True)
    p.add_argument("--upstream-port", type=int, required=True)
    p.add_argument("--port-a", type=int, required=True)
    p.add_argument("--port-b", type=int, required=True)
    p.add_argument("--duration", type=float, default=600)
    p.add_argument("--kill-at", type=float, default=0.4)
    p.add_argument("--down", type=float, default=5)
    p.add_argument("--rate", type=float, default=2.0, help="requests/s per load thread")
    p.add_argument("--sample-every", type=float, default=5)
    p.add_argument("--forward-timeout", type=int, default=10)
    p.add_argument("--approval-timeout", type=int, default=30)
    p.add_argument("--no-rss", action="store_true", help="report RSS, do not assert it")
    p.add_argument("--nginx-log", default="")
    p.add_argument("--json-out", default="")
    p.add_argument("--inject", default="",
                   help="check the checks: comma-separated faults made before verifying: "
                        "duplicate (a marker sent to the upstream again), stray (a request with "
                        "no marker), audit (an answered forward's audit record deleted), "
                        "pending (an approval row set back to pending)")
    a = p.parse_args()
    a.master_key = os.urandom(32).hex()
    soak = Soak(a)
    verdict = False
    try:
        soak.run()
        soak_verify.inject(soak, [f for f in a.inject.split(",") if f])
        verdict = soak_verify.Verifier(soak).run()
    finally:
        problems = soak.shutdown()
    for p in problems:
        print("SOAK FAILED at shutdown: " + p)
    return 0 if verdict and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
