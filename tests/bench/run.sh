#!/usr/bin/env bash
# The /forward benchmark, one command: tests/bench/run.sh [--duration SECONDS]
#
# On this machine (loopback only) it starts:
#   - nginx as the origin, serving a 1 KiB JSON document (and a 1 GiB file for the stream test)
#   - nginx as a reference reverse proxy (proxy_pass with upstream keep-alive)
#   - tapd on SQLite, one agent, one direct credential whose policy auto-approves GET
#     (sanitization and audit on, as always)
# then runs wrk at c=1 (latency) and c=64 (throughput) against direct, nginx proxy and tapd,
# and streams 1 GiB through /forward to measure tapd's peak RSS.
# Prints a table and writes tests/bench/results.json. Figures are ratios against nginx measured
# in the same run; absolute numbers on a shared 2-core VM are noisy.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
duration=10
[[ "${1:-}" == "--duration" ]] && duration="$2"

"$root/packaging/install-deps.sh"
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nginx-light wrk >/dev/null
fi
build="$root/build"
"$root/packaging/build.sh" "$build" -DTAP_BUILD_TESTS=OFF -DTAP_BUILD_CONSOLE=OFF >/dev/null

work="$(mktemp -d /tmp/tap-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.3; rm -rf "$work"; }
trap cleanup EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

origin_port=$(freeport); proxy_port=$(freeport); tapd_port=$(freeport)
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
  server { listen 127.0.0.1:$origin_port; root $work/www; }
  server { listen 127.0.0.1:$proxy_port;
           location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; } }
}
NGX
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' &
pids+=($!)

export TAP_ALLOW_PRIVATE_TARGETS=1
"$build/service/tapd" --data-dir "$work/tap" --listen "127.0.0.1:$tapd_port" --workers 2 >"$work/tapd.out" 2>"$work/tapd.log" &
tapd_pid=$!
pids+=($tapd_pid)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$tapd_port/healthz" >/dev/null && break; sleep 0.1; done

api() { curl -sf -X "$1" "http://127.0.0.1:$tapd_port$2" -H "Authorization: Bearer ${token:-}" -d "${3:-}"; }
api POST /signup '{"team_name":"bench","email":"bench@example.com","password":"bench-password"}' >/dev/null
code=$(grep -rho 'code is [0-9]*' "$work/tap/outbox" | grep -o '[0-9]*' | head -1)
api POST /verify-email "{\"email\":\"bench@example.com\",\"code\":\"$code\"}" >/dev/null
token=$(api POST /login '{"email":"bench@example.com","password":"bench-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["session_token"])')
api POST /admin/credentials "{\"name\":\"origin\",\"description\":\"bench origin\",\"value\":\"sk-bench-secret-value-0123456789\",\"allowed_hosts\":[\"127.0.0.1\"]}" >/dev/null
api PUT /admin/policies/origin '{"auto_approve_methods":["GET"]}' >/dev/null
key=$(api POST /admin/agents '{"id":"bench-agent","credentials":["origin"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')

cat > "$work/forward.lua" <<LUA
wrk.method = "POST"
wrk.headers["X-TAP-Key"] = "$key"
wrk.headers["X-TAP-Credential"] = "origin"
wrk.headers["X-TAP-Target"] = "http://127.0.0.1:$origin_port/small.json"
wrk.headers["X-TAP-Method"] = "GET"
LUA
check=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$tapd_port/forward" -H "X-TAP-Key: $key" \
  -H "X-TAP-Credential: origin" -H "X-TAP-Target: http://127.0.0.1:$origin_port/small.json")
[[ "$check" == 200 ]] || { echo "tapd /forward answered $check:" >&2; curl -s -X POST "http://127.0.0.1:$tapd_port/forward" -H "X-TAP-Key: $key" -H "X-TAP-Credential: origin" -H "X-TAP-Target: http://127.0.0.1:$origin_port/small.json" >&2; exit 1; }

run_wrk() { # name conns url [script]
  local out
  if [[ -n "${4:-}" ]]; then out=$(wrk -t1 -c"$2" -d"${duration}s" --latency -s "$4" "$3"); else out=$(wrk -t1 -c"$2" -d"${duration}s" --latency "$3"); fi
  python3 - "$1" "$2" <<PY
import re, sys, json
out = """$out"""
def ms(v):
    n = float(re.match(r"[\d.]+", v).group()); u = v[len(re.match(r"[\d.]+", v).group()):]
    return n * {"us": 0.001, "ms": 1.0, "s": 1000.0}[u]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1)); p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
print(json.dumps({"name": sys.argv[1], "conns": int(sys.argv[2]), "rps": rps, "p50_ms": p50, "p99_ms": p99,
                  "non_2xx": int(non2xx.group(1)) if non2xx else 0}))
PY
}

results=()
for c in 1 64; do
  results+=("$(run_wrk direct $c "http://127.0.0.1:$origin_port/small.json")")
  results+=("$(run_wrk nginx-proxy $c "http://127.0.0.1:$proxy_port/small.json")")
  results+=("$(run_wrk tapd $c "http://127.0.0.1:$tapd_port/forward" "$work/forward.lua")")
done

# 1 GiB streamed through /forward (scanned all the way); peak RSS from the kernel, reset first
# ("5" > clear_refs) so the figure is the stream's, not the c=64 run's.
echo 5 > "/proc/$tapd_pid/clear_refs" 2>/dev/null || true
rss_before_kib=$(awk '/VmRSS/ {print $2}' "/proc/$tapd_pid/status")
start=$(date +%s.%N)
bytes=$(curl -s -o /dev/null -w '%{size_download}' -X POST "http://127.0.0.1:$tapd_port/forward" -H "X-TAP-Key: $key" \
  -H "X-TAP-Credential: origin" -H "X-TAP-Target: http://127.0.0.1:$origin_port/big.bin")
end=$(date +%s.%N)
hwm_kib=$(awk '/VmHWM/ {print $2}' "/proc/$tapd_pid/status")

printf '%s\n' "${results[@]}" > "$work/runs.jsonl"
python3 - "$bytes" "$hwm_kib" "$start" "$end" "$root/tests/bench/results.json" "$work/runs.jsonl" "$rss_before_kib" <<'PY'
import json, sys
rss_before = int(sys.argv[7])
rows = [json.loads(l) for l in open(sys.argv[6]) if l.strip()]
bytes_, hwm, start, end, path = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
by = {(r["name"], r["conns"]): r for r in rows}
print(f"{'target':<12} {'conns':>5} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
for r in rows:
    print(f"{r['name']:<12} {r['conns']:>5} {r['rps']:>10.0f} {r['p50_ms']:>8.3f} {r['p99_ms']:>8.3f} {r['non_2xx']:>8}")
ratio = by[("tapd", 64)]["rps"] / by[("nginx-proxy", 64)]["rps"]
added_p50 = by[("tapd", 1)]["p50_ms"] - by[("direct", 1)]["p50_ms"]
summary = {
    "tapd_vs_nginx_proxy_rps_c64": round(ratio, 3),
    "tapd_vs_direct_rps_c64": round(by[("tapd", 64)]["rps"] / by[("direct", 64)]["rps"], 3),
    "tapd_added_p50_ms_c1": round(added_p50, 3),
    "nginx_proxy_added_p50_ms_c1": round(by[("nginx-proxy", 1)]["p50_ms"] - by[("direct", 1)]["p50_ms"], 3),
    "stream_bytes": bytes_, "stream_seconds": round(end - start, 2),
    "stream_mib_per_s": round(bytes_ / 1048576 / max(end - start, 1e-9), 1),
    "tapd_peak_rss_mib": round(hwm / 1024, 1),
    "tapd_rss_before_stream_mib": round(rss_before / 1024, 1),
}
print()
print(f"tapd / nginx proxy, c=64 throughput: {summary['tapd_vs_nginx_proxy_rps_c64']:.3f}  (target >= 0.25)")
print(f"tapd added p50 over direct, c=1:     {summary['tapd_added_p50_ms_c1']:.3f} ms  (target <= 0.5 ms; nginx proxy adds {summary['nginx_proxy_added_p50_ms_c1']:.3f} ms)")
print(f"1 GiB through /forward:              {bytes_} bytes in {summary['stream_seconds']} s ({summary['stream_mib_per_s']} MiB/s), tapd peak RSS {summary['tapd_peak_rss_mib']} MiB during it (target <= 64; {summary['tapd_rss_before_stream_mib']} MiB before)")
json.dump({"runs": rows, "summary": summary}, open(path, "w"), indent=2)
print(f"\nwritten: {path}")
PY
