"""Checks and report of the soak run (tests/bench/soak.py). Python 3 standard library only.

What is asserted (each violation is printed, and the run fails):
  - every request the fake upstream received carries a marker the driver sent, none twice;
  - auto-approved forwards: every one tapd answered (X-TAP-Request-Id) has exactly one audit
    record with that request id; answered 200 means its marker arrived exactly once;
  - approvals: no phase (park, decision, send, expiry, sender lost) is recorded twice for one
    request id and none that the final state implies is missing; "forwarded" arrived exactly
    once, denied and expired never, failed at most once; the decision the approver made is the
    outcome; a request parked but unanswered (lost in flight) never arrives; at the end nothing
    is pending, and only the killed process's claims may still be "approved";
  - admin writes: every one answered 2xx has its audit record (action, target);
  - no request failed except those in flight at the SIGKILL;
  - tapd A (never killed): open fds and VmRSS after warm-up within bounds (see rss_bounds);
  - (soak.py) both tapds stop with exit code 0 on SIGTERM, no sanitizer report in their logs.
"""

import collections
import glob
import json
import os
import quopri
import re
import statistics
import subprocess
import time
import urllib.parse
import urllib.request

MIB = 1024


def verification_code(outbox, email):
    """The code of the verification mail sent to `email` (a .eml in the shared outbox)."""
    for _ in range(100):
        for path in sorted(glob.glob(os.path.join(outbox, "*.eml"))):
            raw = open(path, "rb").read()
            head, _, body = raw.partition(b"\r\n\r\n")
            if email.encode() not in head.lower():
                continue
            if b"quoted-printable" in head.lower():
                body = quopri.decodestring(body)
            m = re.search(rb"verification code is (\d{6})", body)
            if m:
                return m.group(1).decode()
        time.sleep(0.1)
    raise RuntimeError("no verification code mailed to " + email)


def admin_cycle(run_id, n):
    """One round of admin writes: (method, path, body, ok status, audit action, audit target)."""
    c, r, a = ("soak-%s-%s-%d" % (k, run_id, n) for k in "cra")
    credential = {"name": c, "description": "soak", "value": "sk-tmp-%d-0123456789" % n,
                  "allowed_hosts": ["127.0.0.1"]}
    return [
        ("POST", "/admin/credentials", credential, 201, "credential.create", c),
        ("PUT", "/admin/policies/" + c, {"auto_approve_methods": ["GET"]}, 200, "policy.put", c),
        ("POST", "/admin/roles", {"name": r, "credentials": [c]}, 201, "role.create", r),
        ("POST", "/admin/agents", {"id": a, "credentials": [c], "roles": [r]}, 201,
         "agent.create", a),
        ("PATCH", "/admin/agents/" + a, {"description": "patched %d" % n}, 200, "agent.update", a),
        ("PATCH", "/admin/credentials/" + c, {"description": "patched"}, 200,
         "credential.update", c),
        ("PUT", "/admin/roles/" + r, {"credentials": [], "description": "emptied"}, 200,
         "role.replace", r),
        ("DELETE", "/admin/agents/" + a, None, 200, "agent.delete", a),
        ("DELETE", "/admin/roles/" + r, None, 200, "role.delete", r),
        ("DELETE", "/admin/policies/" + c, None, 200, "policy.delete", c),
        ("DELETE", "/admin/credentials/" + c, None, 200, "credential.delete", c),
    ]


def db_approvals(database):
    """Every approval row: txn -> status, the pid of the claiming process, decided_at (ms)."""
    sql = "SELECT id, status, coalesce(claimed_by, ''), coalesce(decided_at, 0) FROM approvals"
    out = subprocess.run(["psql", database, "-X", "-At", "-F", "|", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        txn, status, claimed, decided = line.split("|")
        pid = claimed.split("/")[1] if claimed.count("/") == 2 else ""
        rows[txn] = {"status": status, "claimed_pid": pid, "decided_at": int(decided)}
    return rows


def inject(soak, faults):
    """Faults that the checks must catch (--inject; the soak's own test)."""
    answered = [m for m, r in soak.sent.items()
                if r["kind"] == "auto" and r["r"]["status"] == 200 and r["r"]["rid"]]
    psql = ["psql", soak.a.database, "-X", "-q", "-c"]
    for f in faults:
        print("soak: injecting fault: " + f)
        if f == "duplicate":
            urllib.request.urlopen(soak.upstream + "/echo/soak?m=" + answered[0], timeout=30).read()
        elif f == "stray":
            urllib.request.urlopen(soak.upstream + "/echo/soak?m=stranger", timeout=30).read()
        elif f == "audit":
            rid = soak.sent[answered[1]]["r"]["rid"]
            subprocess.run(psql + ["DELETE FROM audit_log WHERE request_id = '%s'" % rid],
                           check=True)
        elif f == "pending":
            txn = next(t for t, a in soak.approvals.items() if a["intent"] == "deny")
            subprocess.run(psql + ["UPDATE approvals SET status = 'pending' WHERE id = '%s'" % txn],
                           check=True)
        else:
            raise ValueError("unknown fault " + f)


def phase(rec):
    """Which step of a request's life an audit record of kind forward stands for."""
    reason = rec.get("reason") or ""
    if rec.get("status") == 202:
        return "park"
    if reason in ("approved_by_human", "denied_by_human"):
        return "decide"
    if reason == "approval_timeout":
        return "expired"
    if reason == "sender_lost":
        return "lost"
    return "send"


REQUIRED = {"forwarded": {"park", "decide", "send"}, "denied": {"park", "decide"},
            "expired": {"park", "expired"}, "approved": {"park", "decide"},
            "failed": {"park", "decide"}}


def rss_bounds(base_kib):
    """Allowed VmRSS growth after warm-up: 20 % or 24 MiB, whichever is larger. glibc keeps one
    malloc arena per thread that touched it and returns little to the kernel, and tapd A takes
    the whole load (about twice its share) while B is down, so a one-off step of a few MiB is
    expected; a leak of 10 KiB per request reaches 24 MiB in a 10-minute run."""
    return base_kib + max(base_kib * 0.2, 24 * MIB)


FD_SLACK = 16  # nginx keep-alive (8 per upstream), PostgreSQL connections, libcurl's pools


class Verifier:
    def __init__(self, soak):
        self.s = soak
        self.violations = []
        self.notes = []
        self.table = []

    def fail(self, msg):
        self.violations.append(msg)

    def run(self):
        s = self.s
        log = json.load(urllib.request.urlopen(s.upstream + "/__log", timeout=60))["requests"]
        self.arrived = collections.Counter()
        for req in log:
            marker = urllib.parse.parse_qs(req["query"]).get("m", [None])[0]
            if marker not in s.sent:
                self.fail("upstream got a request with no marker of ours: %s %s?%s"
                          % (req["method"], req["path"], req["query"]))
            self.arrived[marker] += 1
        for marker, n in self.arrived.items():
            if n > 1:
                self.fail("marker %s arrived %d times at the upstream" % (marker, n))
        self.audit = self.audit_items("forward")
        self.by_rid = collections.defaultdict(list)
        for rec in self.audit:
            self.by_rid[rec.get("request_id")].append(rec)
        self.rows = db_approvals(self.s.a.database)
        self.check_auto()
        self.check_approvals()
        self.check_admin()
        self.check_resources()
        self.report()
        return not self.violations

    # ---- data --------------------------------------------------------------------------------

    def audit_items(self, kind):
        items, cursor = [], None
        for _ in range(1000):
            q = "/admin/audit?kind=%s&limit=1000" % kind + ("&cursor=" + cursor if cursor else "")
            r = self.s.client.call("GET", q)
            if r["status"] != 200:
                raise RuntimeError("GET %s: %s %s" % (q, r["status"], r["error"]))
            items += r["json"]["items"]
            cursor = r["json"].get("next_cursor")
            if not cursor:
                return items
        raise RuntimeError("audit paging did not end")

    # ---- checks ------------------------------------------------------------------------------

    def unexpected(self, what, r):
        if r["via"] != "tapd" and not r.get("in_flight"):
            self.fail("%s failed outside the kill window (t=%.1f..%.1f s): %s %s"
                      % (what, r["t0"] - self.s.t_start, r["t1"] - self.s.t_start,
                         r["status"], r["error"] or ""))

    def check_auto(self):
        c = collections.Counter()
        for marker, rec in self.s.sent.items():
            if rec["kind"] != "auto":
                continue
            r, n = rec["r"], self.arrived[marker]
            c["sent"] += 1
            if r["via"] != "tapd" or not r["rid"]:
                c["failed in flight" if rec["in_flight"] else "failed"] += 1
                c["failed in flight, reached upstream anyway"] += n
                self.unexpected("auto forward " + marker, dict(r, in_flight=rec["in_flight"]))
                continue
            c["answered %d" % r["status"]] += 1
            records = len(self.by_rid.get(r["rid"], []))
            c["audit records of answered"] += records
            if records != 1:
                self.fail("auto forward %s (request %s) has %d audit records"
                          % (marker, r["rid"], records))
            if r["status"] == 200 and n != 1:
                self.fail("auto forward %s answered 200 but arrived %d times" % (marker, n))
        self.table.append(("auto-approved forwards (GET)", c))

    def check_approvals(self):
        s, c = self.s, collections.Counter()
        killed = str(s.tapds[1].pids[0])
        for marker, rec in s.sent.items():
            if rec["kind"] != "appr":
                continue
            c["parking requests sent"] += 1
            if "txn" not in rec:
                r = rec["r"]
                lost = "park answer lost in flight"
                c[lost if rec["in_flight"] else "park not answered 202"] += 1
                self.unexpected("parking forward " + marker, dict(r, in_flight=rec["in_flight"]))
                if r["via"] == "tapd":
                    self.fail("parking forward %s answered %s" % (marker, r["status"]))
                if self.arrived[marker]:
                    self.fail("%s was never decided (answer lost) but reached the upstream"
                              % marker)
        for txn, a in s.approvals.items():
            row = self.rows.get(txn, {"status": "missing", "claimed_pid": ""})
            state = row["status"]
            n = self.arrived[a["marker"]]
            c["intent %s -> %s" % (a["intent"], state)] += 1
            for r in a["attempts"]:
                self.unexpected("decision on " + txn, r)
            if a["decision"] not in (None, "decided", "decided_in_flight"):
                self.fail("decision on %s: %s" % (txn, a["decision"]))
            if a["decision"] == "decided_in_flight":
                c["decision answer lost in flight, then 409"] += 1
            by_killed = row["claimed_pid"] == killed
            if by_killed:
                c["claimed by the killed process (%s)" % state] += 1
            self.check_phases(txn, a, state)
            ok = {"forwarded": n == 1, "denied": n == 0, "expired": n == 0, "failed": n <= 1,
                  "approved": n <= 1 and by_killed}.get(state, False)
            if not ok:
                self.fail("approval %s (%s, intent %s, claimed by pid %s) arrived %d times"
                          % (txn, state, a["intent"], row["claimed_pid"] or "-", n))
            want = {"approve": ("forwarded", "failed", "approved"), "deny": ("denied",),
                    "none": ("expired",)}[a["intent"]]
            if state not in want:
                self.fail("approval %s: intent %s but it ended %s" % (txn, a["intent"], state))
            if state in ("approved", "failed") and not by_killed:
                self.fail("approval %s is %s but its sender (pid %s) was not killed"
                          % (txn, state, row["claimed_pid"] or "-"))
            if state == "approved":
                due = row["decided_at"] / 1000.0 + s.a.forward_timeout + 300
                self.notes.append("approval %s: approved, its sender killed (upstream got it %d "
                                  "time(s)); fails (sender_lost) at t=%.0f s, after the run"
                                  % (txn, n, due - s.t_start))
            if a["final"] and a["final"] != state:
                self.fail("approval %s: the agent's poll said %s, the database %s"
                          % (txn, a["final"], state))
        for txn, row in self.rows.items():
            if txn not in s.approvals:
                c["parked, answer lost -> %s" % row["status"]] += 1
                if row["status"] not in ("expired",):
                    self.fail("approval %s unknown to the agent ended %s" % (txn, row["status"]))
            if row["status"] == "pending":
                self.fail("approval %s still pending after the run" % txn)
        self.table.append(("approvals (POST, need a human)", c))

    def check_phases(self, txn, a, state):
        records = [r for r in self.by_rid.get(a["rid"], [])]
        phases = collections.Counter(phase(r) for r in records)
        for p, n in phases.items():
            if n > 1:
                self.fail("approval %s: audit phase %s recorded %d times" % (txn, p, n))
        need = set(REQUIRED.get(state, ()))
        if state == "failed":
            need.add("send" if phases["send"] else "lost")
        missing = need - set(phases)
        if missing:
            self.fail("approval %s (%s): audit record(s) missing: %s"
                      % (txn, state, ", ".join(sorted(missing))))

    def check_admin(self):
        records = collections.Counter((r.get("action"), r.get("target"))
                                      for r in self.audit_items("admin"))
        c = collections.Counter()
        for op in self.s.admin_ops:
            c["sent"] += 1
            key = (op["action"], op["target"])
            if op["status"] == op["ok"] and op["via"] == "tapd":
                c["answered as expected"] += 1
                if records[key] < 1 or (records[key] > 1 and not op["in_flight"]):
                    self.fail("admin %s %s answered %d but has %d audit records"
                              % (op["method"], op["path"], op["status"], records[key]))
            elif op["in_flight"]:
                c["failed in flight"] += 1
            else:
                c["unexpected %s" % (op["status"] or "transport error")] += 1
                self.fail("admin %s %s answered %s (expected %d) outside the kill window"
                          % (op["method"], op["path"], op["status"], op["ok"]))
        c["admin audit records"] = sum(records.values())
        self.table.append(("admin writes", c))

    def check_resources(self):
        s = self.s
        d = s.a.duration
        load_end = s.t_load_end - s.t_start
        a = [x for x in s.samples if x[1] == "A"]
        warm = [x for x in a if 0.2 * d <= x[0] <= 0.3 * d]
        warm = warm or [x for x in a if x[0] >= 0.25 * d][:1]
        tail = [x for x in a if x[0] <= load_end][-3:]
        if not warm or not tail:
            self.fail("too few resource samples of tapd A")
            return
        base_rss = statistics.median(x[2] for x in warm)
        base_fd = statistics.median(x[3] for x in warm)
        end_rss = statistics.median(x[2] for x in tail)
        end_fd = statistics.median(x[3] for x in tail)
        post = [x for x in a if 0.25 * d <= x[0] <= load_end]
        slope = 0.0
        if len(post) >= 3:
            tm = statistics.mean(x[0] for x in post)
            rm = statistics.mean(x[2] for x in post)
            den = sum((x[0] - tm) ** 2 for x in post) or 1
            slope = sum((x[0] - tm) * (x[2] - rm) for x in post) / den * 60
        self.resources = {"base_rss_kib": base_rss, "end_rss_kib": end_rss, "base_fds": base_fd,
                          "end_fds": end_fd, "rss_slope_kib_per_min": round(slope, 1),
                          "rss_limit_kib": rss_bounds(base_rss), "fd_limit": base_fd + FD_SLACK}
        if end_fd > base_fd + FD_SLACK:
            self.fail("tapd A open fds grew from %d to %d (limit +%d)"
                      % (base_fd, end_fd, FD_SLACK))
        if end_rss > rss_bounds(base_rss):
            msg = "tapd A VmRSS grew from %.1f to %.1f MiB (limit %.1f MiB)" % (
                base_rss / MIB, end_rss / MIB, rss_bounds(base_rss) / MIB)
            if s.a.no_rss:
                self.notes.append("not asserted (sanitizer build): " + msg)
            else:
                self.fail(msg)

    # ---- report ------------------------------------------------------------------------------

    def report_nginx(self):
        """Requests nginx moved to the other tapd (connection refused), and its own 5xx."""
        moved, made_up = collections.Counter(), collections.Counter()
        try:
            lines = open(self.s.a.nginx_log).read().splitlines()
        except OSError:
            return
        for line in lines:
            f = line.split(" ")
            if len(f) < 6:
                continue
            if "," in line.split("up=")[1].split(" ups=")[0]:
                path = f[2].rsplit("/", 1)[0] if f[2].count("/") > 2 else f[2]
                moved["%s %s" % (f[1], path)] += 1
            if f[3] in ("502", "503", "504"):
                made_up[f[3]] += 1
        print("nginx: %d requests, moved to the other tapd after a connect error: %s; "
              "gateway errors: %s" % (len(lines), dict(moved) or 0, dict(made_up) or 0))

    def report(self):
        s = self.s
        how = ("just after B took a slow approval" if s.kill_timed
               else "no slow approval on B in 30 s")
        print("\n== soak report: %.0f s of load, tapd B killed at t=%.1f s (%s), "
              "back at t=%.1f s =="
              % (s.a.duration, s.kill_at - s.t_start, how, s.restart_at - s.t_start))
        for title, c in self.table:
            print("\n%s" % title)
            for k in sorted(c):
                print("  %-52s %8d" % (k, c[k]))
        print("\nupstream: %d requests, %d distinct markers" % (sum(self.arrived.values()),
                                                              len(self.arrived)))
        print("audit (kind=forward): %d records" % len(self.audit))
        self.report_nginx()
        print("\nresources (t s, process, VmRSS MiB, open fds):")
        for t, name, rss, fds in s.samples:
            print("  %7.1f  %s  %7.1f  %4d" % (t, name, rss / MIB, fds))
        r = getattr(self, "resources", None)
        if r:
            print("tapd A after warm-up: VmRSS %.1f -> %.1f MiB (limit %.1f, slope %+.0f KiB/min),"
                  " fds %d -> %d (limit %d)%s"
                  % (r["base_rss_kib"] / MIB, r["end_rss_kib"] / MIB, r["rss_limit_kib"] / MIB,
                     r["rss_slope_kib_per_min"], r["base_fds"], r["end_fds"], r["fd_limit"],
                     "  [RSS not asserted]" if s.a.no_rss else ""))
        for n in self.notes:
            print("note: " + n)
        if s.a.json_out:
            json.dump({"tables": {t: dict(c) for t, c in self.table}, "resources": r,
                       "samples": s.samples, "notes": self.notes, "violations": self.violations,
                       "kill_at": s.kill_at - s.t_start, "restart_at": s.restart_at - s.t_start},
                      open(s.a.json_out, "w"), indent=1)
        if self.violations:
            print("\nSOAK FAILED: %d violation(s)" % len(self.violations))
            for v in self.violations[:50]:
                print("  - " + v)
        else:
            print("\nSOAK PASSED")
