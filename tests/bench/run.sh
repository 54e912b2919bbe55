#!/usr/bin/env bash
# The /forward benchmark, one command: tests/bench/run.sh [--duration SECONDS]
#
# On this machine (loopback only) it starts:
#   - nginx as the origin, serving a 1 KiB JSON document (and a 1 GiB file for the stream test)
#   - nginx as a reference reverse proxy (proxy_pass with upstream keep-alive)
#   - tapd on SQLite, one agent, one direct credential whose policy auto-approves GET
#     (sanitization and audit on, as always), and an oauth2 credential on a local fake OAuth 2.0
#     provider (tests/support/fake_oauth2_server.py) for the cached-token runs (tapd-oauth2)
#   - a private PostgreSQL server (tests/support/pg.sh, fsync off) and two more tapd processes
#     on it, sharing one database and master key, plus nginx balancing /forward over them
# then runs wrk at c=1 (latency) and c=64 (throughput) against direct, nginx proxy, tapd on
# SQLite and tapd on PostgreSQL; at c=64 through nginx to one and to both PostgreSQL processes;
# and streams 1 GiB through nginx and through /forward (tapd's peak RSS and MiB/s).
# Prints a table and writes tests/bench/results.json. Figures are ratios against nginx measured
# in the same run; absolute numbers on a shared 2-core VM are noisy.
#
# Environment:
#   TAP_BENCH_BUILD=DIR   use DIR/service/tapd as it is (default: build into build/ first)
#   TAP_BENCH_PERF=DIR    also `perf record -g` tapd (SQLite) during its c=1 and c=64 runs and
#                         write DIR/perf-c1.txt, DIR/perf-c64.txt (top 30 symbols, by library),
#                         and DIR/perf-oauth2-c1.txt, -c64.txt for the tapd-oauth2 runs
#   TAP_BENCH_NO_PG=1     skip the PostgreSQL part
#   TAP_BENCH_AB_ROUNDS=N also N interleaved c=1 rounds (2 s each) of direct, tapd and tapd-oauth2
#                         (the two in turns first) and the median of the per-round oauth2/static
#                         ratios (added p50, CPU per request): on a loaded machine far steadier
#                         than the one pair of the main runs
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
duration=10
[[ "${1:-}" == "--duration" ]] && duration="$2"

if [[ -n "${TAP_BENCH_BUILD:-}" ]]; then
  build="$TAP_BENCH_BUILD"
else
  "$root/packaging/install-deps.sh"
  if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nginx-light wrk >/dev/null
  fi
  build="$root/build"
  "$root/packaging/build.sh" "$build" -DTAP_BUILD_TESTS=OFF -DTAP_BUILD_CONSOLE=OFF >/dev/null
fi
with_pg=1
[[ -n "${TAP_BENCH_NO_PG:-}" ]] && with_pg=0

work="$(mktemp -d /tmp/tap-bench.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  [[ $with_pg == 1 ]] && tap_pg_stop
  rm -rf "$work"
}
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
if [[ $with_pg == 1 ]]; then
  # shellcheck source=../support/pg.sh
  source "$root/tests/support/pg.sh"
  tap_pg_start
fi
trap cleanup EXIT

origin_port=$(freeport); proxy_port=$(freeport); tapd_port=$(freeport)
pg1_port=$(freeport); pg2_port=$(freeport); lb1_port=$(freeport); lb2_port=$(freeport)
mkdir -p "$work/www" "$work/nginx"
chmod 755 "$work" "$work/www" # nginx workers drop privileges when started as root
python3 - "$work/www/small.json" <<'PY'
import json, sys
doc = {"ok": True, "items": [{"id": i, "name": "item-%04d" % i, "tags": ["a", "b"]} for i in range(30)]}
s = json.dumps(doc)
s = s[:1020] + ' ' * max(0, 1024 - len(s[:1020]))
open(sys.argv[1], "w").write(s[:1024])
PY
truncate -s 1G "$work/www/big.bin"
cat > "$work/nginx/nginx.conf" <<NGX
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/json;
  keepalive_requests 1000000;
  upstream origin { server 127.0.0.1:$origin_port; keepalive 64; }
  upstream tapd1 { server 127.0.0.1:$pg1_port; keepalive 64; }
  upstream tapd2 { server 127.0.0.1:$pg1_port; server 127.0.0.1:$pg2_port; keepalive 64; }
  server { listen 127.0.0.1:$origin_port; root $work/www; }
  server { listen 127.0.0.1:$proxy_port;
           location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }
           # streamed through, as tapd does (buffered, nginx would spool the GiB to a temp file)
           location = /big.bin { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
                                 proxy_buffering off; proxy_buffer_size 64k; proxy_buffers 4 64k; } }
  server { listen 127.0.0.1:$lb1_port;
           location / { proxy_pass http://tapd1; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:$lb2_port;
           location / { proxy_pass http://tapd2; proxy_http_version 1.1; proxy_set_header Connection ""; } }
}
NGX
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' &
pids+=($!)

export TAP_ALLOW_PRIVATE_TARGETS=1
TAP_MASTER_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
export TAP_MASTER_KEY

# The OAuth 2.0 provider of the oauth2 credential (tests/support/fake_oauth2_server.py): tapd
# refreshes once, then every request of the tapd-oauth2 runs uses the cached access token.
python3 "$root/tests/support/fake_oauth2_server.py" --port 0 --client bench-client:bench-client-secret >"$work/oauth.out" 2>"$work/oauth.log" &
pids+=($!)
for _ in $(seq 100); do grep -q '^PORT ' "$work/oauth.out" 2>/dev/null && break; sleep 0.1; done
oauth_port=$(awk '/^PORT / {print $2; exit}' "$work/oauth.out")
start_tapd() { # port data-dir [database-url]; echoes the pid
  local db=()
  [[ -n "${3:-}" ]] && db=(--database "$3")
  "$build/service/tapd" --data-dir "$2" --listen "127.0.0.1:$1" --workers 2 "${db[@]}" >"$2.out" 2>"$2.log" &
  echo $!
}
wait_tapd() {
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "tapd on port $1 did not start" >&2; return 1
}
api() { curl -sf -X "$2" "http://127.0.0.1:$1$3" -H "Authorization: Bearer ${token:-}" -d "${4:-}"; }
provision() { # port data-dir; echoes the agent's key
  local port=$1 code token=
  api "$port" POST /signup '{"team_name":"bench","email":"bench@example.com","password":"bench-password"}' >/dev/null
  code=$(grep -rho 'code is [0-9]*' "$2/outbox" | grep -o '[0-9]*' | head -1)
  api "$port" POST /verify-email "{\"email\":\"bench@example.com\",\"code\":\"$code\"}" >/dev/null
  token=$(api "$port" POST /login '{"email":"bench@example.com","password":"bench-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["session_token"])')
  api "$port" POST /admin/credentials "{\"name\":\"origin\",\"description\":\"bench origin\",\"value\":\"sk-bench-secret-value-0123456789\",\"allowed_hosts\":[\"127.0.0.1\"]}" >/dev/null
  api "$port" PUT /admin/policies/origin '{"auto_approve_methods":["GET"]}' >/dev/null
  local refresh
  refresh=$(curl -sf -X POST "http://127.0.0.1:$oauth_port/_control" -d '{"issue_refresh_token":{"client_id":"bench-client","scope":"read"}}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["refresh_token"])')
  api "$port" POST /admin/credentials "{\"name\":\"origin-oauth2\",\"description\":\"bench origin, OAuth 2.0\",\"kind\":\"oauth2\",\"token_url\":\"http://127.0.0.1:$oauth_port/token\",\"value\":{\"client_id\":\"bench-client\",\"client_secret\":\"bench-client-secret\",\"refresh_token\":\"$refresh\"},\"allowed_hosts\":[\"127.0.0.1\"]}" >/dev/null
  api "$port" PUT /admin/policies/origin-oauth2 '{"auto_approve_methods":["GET"]}' >/dev/null
  api "$port" POST /admin/agents '{"id":"bench-agent","credentials":["origin","origin-oauth2"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])'
}
check_forward() { # port key [credential]
  local check
  check=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$1/forward" -H "X-TAP-Key: $2" \
    -H "X-TAP-Credential: ${3:-origin}" -H "X-TAP-Target: http://127.0.0.1:$origin_port/small.json")
  [[ "$check" == 200 ]] || { echo "tapd /forward on port $1 (${3:-origin}) answered $check" >&2; exit 1; }
}
wrk_script() { # file key [credential]
  cat > "$1" <<LUA
wrk.method = "POST"
wrk.headers["X-TAP-Key"] = "$2"
wrk.headers["X-TAP-Credential"] = "${3:-origin}"
wrk.headers["X-TAP-Target"] = "http://127.0.0.1:$origin_port/small.json"
wrk.headers["X-TAP-Method"] = "GET"
LUA
}

tapd_pid=$(start_tapd "$tapd_port" "$work/tap")
pids+=("$tapd_pid")
wait_tapd "$tapd_port"
key=$(provision "$tapd_port" "$work/tap")
check_forward "$tapd_port" "$key"
check_forward "$tapd_port" "$key" origin-oauth2 # the one refresh; then the token is cached
wrk_script "$work/forward.lua" "$key"
wrk_script "$work/forward-oauth2.lua" "$key" origin-oauth2
if [[ $with_pg == 1 ]]; then
  pg1_pid=$(start_tapd "$pg1_port" "$work/pg1" "$TAP_TEST_PG_URL")
  pids+=("$pg1_pid")
  wait_tapd "$pg1_port"
  pg_key=$(provision "$pg1_port" "$work/pg1")
  pg2_pid=$(start_tapd "$pg2_port" "$work/pg2" "$TAP_TEST_PG_URL")
  pids+=("$pg2_pid")
  wait_tapd "$pg2_port"
  check_forward "$pg1_port" "$pg_key"
  check_forward "$pg2_port" "$pg_key"
  wrk_script "$work/forward-pg.lua" "$pg_key"
fi

perf_start() { # label pid
  [[ -n "${TAP_BENCH_PERF:-}" ]] || return 0
  mkdir -p "$TAP_BENCH_PERF"
  perf record -F 999 -g -p "$2" -o "$work/perf-$1.data" -- sleep "$duration" >/dev/null 2>&1 &
  perf_pid=$!
}
perf_end() { # label
  [[ -n "${TAP_BENCH_PERF:-}" ]] || return 0
  wait "$perf_pid" || true
  set +o pipefail # head closes the pipes early
  local out="$TAP_BENCH_PERF/perf-$1.txt"
  {
    echo "# perf record -F 999 -g -p <tapd> during wrk $1 (tapd on SQLite, 2 workers); $(uptime)"
    echo "## by thread"
    perf report -i "$work/perf-$1.data" --stdio --no-children -g none --sort comm 2>/dev/null | grep -v '^#' | grep -v '^$' | head -8
    echo "## by library"
    perf report -i "$work/perf-$1.data" --stdio --no-children -g none --sort dso 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
    echo "## top 30 symbols (self)"
    perf report -i "$work/perf-$1.data" --stdio --no-children -g none --sort dso,sym 2>/dev/null | grep -v '^#' | grep -v '^$' | head -30
    echo "## top 30 symbols (with children)"
    perf report -i "$work/perf-$1.data" --stdio --children -g none --sort sym 2>/dev/null | grep -v '^#' | grep -v '^$' | head -30
  } > "$out"
  set -o pipefail
}

# CPU time (clock ticks) and context switches of a process so far: "ticks switches". Less
# sensitive to the machine's other load than latency, so a fair before/after per request.
proc_cost() {
  [[ -n "${1:-}" && -d "/proc/$1" ]] || { echo "0 0"; return; }
  local ticks switches
  ticks=$(awk '{print $14 + $15}' "/proc/$1/stat")
  switches=$(cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {n += $2} END {print n + 0}')
  echo "$ticks $switches"
}
run_wrk() { # name conns url [script [tapd-pid]]
  local out cost0 cost1
  cost0=$(proc_cost "${5:-}")
  if [[ -n "${4:-}" ]]; then out=$(wrk -t1 -c"$2" -d"${duration}s" --latency -s "$4" "$3"); else out=$(wrk -t1 -c"$2" -d"${duration}s" --latency "$3"); fi
  cost1=$(proc_cost "${5:-}")
  python3 - "$1" "$2" $cost0 $cost1 "$(getconf CLK_TCK)" <<PY
import re, sys, json
out = """$out"""
def ms(v):
    n = float(re.match(r"[\d.]+", v).group()); u = v[len(re.match(r"[\d.]+", v).group()):]
    return n * {"us": 0.001, "ms": 1.0, "s": 1000.0}[u]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1)); p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
errors = re.search(r"Socket errors: (.*)", out)
row = {"name": sys.argv[1], "conns": int(sys.argv[2]), "rps": rps, "p50_ms": p50, "p99_ms": p99,
       "non_2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(1) if errors else ""}
requests = int(re.search(r"(\d+) requests in", out).group(1))
t0, s0, t1, s1, hz = (int(v) for v in sys.argv[3:8])
if t1 > 0 and requests > 0:
    row["tapd_cpu_us_per_req"] = round((t1 - t0) * 1e6 / hz / requests, 1)
    row["tapd_switches_per_req"] = round((s1 - s0) / requests, 2)
print(json.dumps(row))
PY
}

load_before=$(uptime)
results=()
for c in 1 64; do
  results+=("$(run_wrk direct $c "http://127.0.0.1:$origin_port/small.json")")
  results+=("$(run_wrk nginx-proxy $c "http://127.0.0.1:$proxy_port/small.json")")
  perf_start "c$c" "$tapd_pid"
  results+=("$(run_wrk tapd $c "http://127.0.0.1:$tapd_port/forward" "$work/forward.lua" "$tapd_pid")")
  perf_end "c$c"
  perf_start "oauth2-c$c" "$tapd_pid"
  results+=("$(run_wrk tapd-oauth2 $c "http://127.0.0.1:$tapd_port/forward" "$work/forward-oauth2.lua" "$tapd_pid")")
  perf_end "oauth2-c$c"
  if [[ $with_pg == 1 ]]; then
    results+=("$(run_wrk tapd-pg $c "http://127.0.0.1:$pg1_port/forward" "$work/forward-pg.lua" "$pg1_pid")")
  fi
done
ab=()
for round in $(seq "${TAP_BENCH_AB_ROUNDS:-0}"); do
  order=(direct tapd tapd-oauth2)
  (( round % 2 == 0 )) && order=(direct tapd-oauth2 tapd) # neither always runs first
  for name in "${order[@]}"; do
    lua="$work/forward.lua"; [[ $name == tapd-oauth2 ]] && lua="$work/forward-oauth2.lua"
    if [[ $name == direct ]]; then
      ab+=("$(duration=2 run_wrk direct 1 "http://127.0.0.1:$origin_port/small.json")")
    else
      ab+=("$(duration=2 run_wrk "$name" 1 "http://127.0.0.1:$tapd_port/forward" "$lua" "$tapd_pid")")
    fi
  done
done
if [[ $with_pg == 1 ]]; then
  results+=("$(run_wrk nginx-1xtapd-pg 64 "http://127.0.0.1:$lb1_port/forward" "$work/forward-pg.lua")")
  results+=("$(run_wrk nginx-2xtapd-pg 64 "http://127.0.0.1:$lb2_port/forward" "$work/forward-pg.lua")")
fi

# 1 GiB through nginx proxy_pass (the reference), then through /forward (scanned all the way);
# tapd's peak RSS from the kernel, reset first ("5" > clear_refs) so the figure is the stream's.
stream() { # url [curl args...]; echoes "bytes seconds"
  local url=$1 start end bytes
  shift
  start=$(date +%s.%N)
  bytes=$(curl -s -o /dev/null -w '%{size_download}' "$@" "$url")
  end=$(date +%s.%N)
  echo "$bytes $(python3 -c "print($end - $start)")"
}
read -r nginx_bytes nginx_secs < <(stream "http://127.0.0.1:$proxy_port/big.bin")
echo 5 > "/proc/$tapd_pid/clear_refs" 2>/dev/null || true
rss_before_kib=$(awk '/VmRSS/ {print $2}' "/proc/$tapd_pid/status")
read -r bytes secs < <(stream "http://127.0.0.1:$tapd_port/forward" -X POST -H "X-TAP-Key: $key" \
  -H "X-TAP-Credential: origin" -H "X-TAP-Target: http://127.0.0.1:$origin_port/big.bin")
hwm_kib=$(awk '/VmHWM/ {print $2}' "/proc/$tapd_pid/status")
load_after=$(uptime)

printf '%s\n' "${results[@]}" > "$work/runs.jsonl"
printf '%s\n' "${ab[@]}" > "$work/ab.jsonl"
python3 - "$root/tests/bench/results.json" "$work/runs.jsonl" "$work/ab.jsonl" <<PY
import json, statistics, sys, urllib.request
path = sys.argv[1]
rows = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
ab = [json.loads(l) for l in open(sys.argv[3]) if l.strip()]
by = {(r["name"], r["conns"]): r for r in rows}
print(f"{'target':<16} {'conns':>5} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'tapd cpu us/req':>16} {'switches/req':>13}")
for r in rows:
    cost = f"{r['tapd_cpu_us_per_req']:>16.1f} {r['tapd_switches_per_req']:>13.2f}" if "tapd_cpu_us_per_req" in r else ""
    print(f"{r['name']:<16} {r['conns']:>5} {r['rps']:>10.0f} {r['p50_ms']:>8.3f} {r['p99_ms']:>8.3f} {r['non_2xx']:>8} {cost}")
def added(name, q):
    return round((by[(name, 1)][q] - by[("direct", 1)][q]) * 1000)
def ratio(a, b):
    return round(by[(a, 64)]["rps"] / by[(b, 64)]["rps"], 3)
stream_s, nginx_s = max($secs, 1e-9), max($nginx_secs, 1e-9)
s = {
    "load_before": "$load_before".strip(), "load_after": "$load_after".strip(), "cores": $(nproc),
    "duration_s": $duration,
    "tapd_vs_nginx_proxy_rps_c64": ratio("tapd", "nginx-proxy"),
    "tapd_vs_direct_rps_c64": ratio("tapd", "direct"),
    "tapd_added_p50_us_c1": added("tapd", "p50_ms"),
    "tapd_added_p99_us_c1": added("tapd", "p99_ms"),
    "nginx_proxy_added_p50_us_c1": added("nginx-proxy", "p50_ms"),
    "nginx_proxy_added_p99_us_c1": added("nginx-proxy", "p99_ms"),
    "stream_bytes": $bytes, "stream_seconds": round(stream_s, 2),
    "stream_mib_per_s": round($bytes / 1048576 / stream_s, 1),
    "nginx_stream_bytes": $nginx_bytes,
    "nginx_stream_mib_per_s": round($nginx_bytes / 1048576 / nginx_s, 1),
    "tapd_peak_rss_mib": round($hwm_kib / 1024, 1),
    "tapd_rss_before_stream_mib": round($rss_before_kib / 1024, 1),
}
# A cached OAuth 2.0 access token against a static key, same tapd and run (target: within 10 %).
s["oauth2_added_p50_us_c1"] = added("tapd-oauth2", "p50_ms")
s["oauth2_vs_static_added_p50_c1"] = round(s["oauth2_added_p50_us_c1"] / max(s["tapd_added_p50_us_c1"], 1), 3)
s["oauth2_vs_static_cpu_per_req_c1"] = round(by[("tapd-oauth2", 1)].get("tapd_cpu_us_per_req", 0) / max(by[("tapd", 1)].get("tapd_cpu_us_per_req", 0), 1e-9), 3)
s["oauth2_vs_static_rps_c64"] = round(by[("tapd-oauth2", 64)]["rps"] / by[("tapd", 64)]["rps"], 3)
if ab: # rounds of (direct, tapd, tapd-oauth2)
    rounds = [sorted(ab[i:i + 3], key=lambda r: ["direct", "tapd", "tapd-oauth2"].index(r["name"]))
              for i in range(0, len(ab) - 2, 3)]
    lat = [(o["p50_ms"] - d["p50_ms"]) / max(t["p50_ms"] - d["p50_ms"], 1e-6) for d, t, o in rounds]
    cpu = [o["tapd_cpu_us_per_req"] / max(t["tapd_cpu_us_per_req"], 1e-9) for d, t, o in rounds]
    s["oauth2_ab_rounds"] = len(rounds)
    s["oauth2_vs_static_added_p50_c1_ab_median"] = round(statistics.median(lat), 3)
    s["oauth2_vs_static_cpu_per_req_c1_ab_median"] = round(statistics.median(cpu), 3)
    s["oauth2_ab_rounds_added_p50_ratios"] = [round(v, 3) for v in lat]
oauth_stats = json.load(urllib.request.urlopen("http://127.0.0.1:$oauth_port/_stats"))
s["oauth2_refreshes"] = sum(oauth_stats.get("refreshes", {}).values())
s["stream_vs_nginx"] = round(s["stream_mib_per_s"] / max(s["nginx_stream_mib_per_s"], 1e-9), 3)
if ("tapd-pg", 64) in by:
    s["tapd_pg_vs_nginx_proxy_rps_c64"] = ratio("tapd-pg", "nginx-proxy")
    s["tapd_pg_added_p50_us_c1"] = added("tapd-pg", "p50_ms")
    s["tapd_pg_added_p99_us_c1"] = added("tapd-pg", "p99_ms")
    s["two_vs_one_tapd_pg_rps_c64"] = ratio("nginx-2xtapd-pg", "nginx-1xtapd-pg")
print()
print(f"load: {s['load_before']} (before) / {s['load_after']} (after); {s['cores']} cores")
print(f"tapd / nginx proxy, c=64 throughput:     {s['tapd_vs_nginx_proxy_rps_c64']:.3f}  (target >= 0.6)")
print(f"tapd added over direct, c=1:             p50 {s['tapd_added_p50_us_c1']} us (target <= 100), p99 {s['tapd_added_p99_us_c1']} us (target <= 1000); nginx proxy adds p50 {s['nginx_proxy_added_p50_us_c1']} us, p99 {s['nginx_proxy_added_p99_us_c1']} us")
if "tapd_pg_vs_nginx_proxy_rps_c64" in s:
    print(f"tapd on PostgreSQL / nginx proxy, c=64:  {s['tapd_pg_vs_nginx_proxy_rps_c64']:.3f}  (target >= 0.5)")
    print(f"tapd on PostgreSQL added, c=1:           p50 {s['tapd_pg_added_p50_us_c1']} us (target <= 150), p99 {s['tapd_pg_added_p99_us_c1']} us")
    print(f"two tapd / one tapd (PostgreSQL, nginx): {s['two_vs_one_tapd_pg_rps_c64']:.3f}  (target >= 1.6 when cores allow; {s['cores']} cores here, shared with wrk, nginx and PostgreSQL)")
print(f"oauth2 (cached token) / static key, c=1: added p50 {s['oauth2_added_p50_us_c1']} us = {s['oauth2_vs_static_added_p50_c1']:.3f} x static's (target <= 1.1), tapd CPU per request {s['oauth2_vs_static_cpu_per_req_c1']:.3f} x; c=64 throughput {s['oauth2_vs_static_rps_c64']:.3f} x; refreshes at the provider: {s['oauth2_refreshes']}")
if "oauth2_ab_rounds" in s:
    print(f"oauth2 / static, {s['oauth2_ab_rounds']} interleaved c=1 rounds: median added p50 {s['oauth2_vs_static_added_p50_c1_ab_median']:.3f} x (target <= 1.1), median CPU per request {s['oauth2_vs_static_cpu_per_req_c1_ab_median']:.3f} x; per round {s['oauth2_ab_rounds_added_p50_ratios']}")
print(f"1 GiB through /forward:                  {s['stream_mib_per_s']} MiB/s = {s['stream_vs_nginx']:.3f} x nginx ({s['nginx_stream_mib_per_s']} MiB/s; target >= 0.8), tapd peak RSS {s['tapd_peak_rss_mib']} MiB (target <= 64; {s['tapd_rss_before_stream_mib']} MiB before)")
if s["stream_bytes"] != 1 << 30 or s["nginx_stream_bytes"] != 1 << 30:
    print(f"WARNING: streamed {s['stream_bytes']} bytes through tapd, {s['nginx_stream_bytes']} through nginx (expected {1 << 30})")
json.dump({"runs": rows, "summary": s}, open(path, "w"), indent=2)
print(f"\nwritten: {path}")
PY
