#!/usr/bin/env bash
# Endurance run: two tapd processes on one PostgreSQL behind nginx, mixed traffic, one SIGKILL.
#   tests/bench/soak.sh [--duration SECONDS] [--tapd PATH] [--json-out FILE] [--keep]
# Defaults: 600 s, $TAPD_BINARY or build-tests/service/tapd. ctest runs a 120 s version
# (soak_2min). Exit 0 when every check holds, 1 on a violation, 77 when nginx or PostgreSQL is
# not installed (ctest: skipped).
#
# Set-up (all on loopback, in a temporary directory):
#   - PostgreSQL: a fresh database on $TAP_TEST_PG_URL's server when set (dropped afterwards),
#     else a private server (tests/support/pg.sh);
#   - the fake upstream (tests/support/fake_upstream.py), which logs every request;
#   - nginx in front of both tapd processes (round robin, upstream keep-alive);
#   - tests/bench/soak.py starts the two tapds (same database, same TAP_MASTER_KEY, shared mail
#     outbox), drives the load, kills and restarts one, and checks (tests/bench/soak_verify.py).
#
# No request is sent twice by nginx: `proxy_next_upstream error` moves a request to the other
# tapd only on an error, and nginx never does that for a non-idempotent request (POST, PATCH)
# once it has been sent to a server (that needs `non_idempotent`, which is not set). So a
# POST /forward or approval decision goes to the other tapd only when the connection to the
# killed one could not be made; one in flight at the SIGKILL fails with 502 ("failed in
# flight"). Idempotent admin requests (GET, PUT, DELETE) may be retried after being sent.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
duration=600
tapd="${TAPD_BINARY:-$root/build-tests/service/tapd}"
json_out=""
inject=""
keep=0
while (($#)); do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --tapd) tapd="$2"; shift 2 ;;
    --json-out) json_out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --inject) inject="$2"; shift 2 ;; # check the checks (see soak.py --help)
    *) echo "soak.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -x "$tapd" ]] || { echo "soak.sh: no tapd binary at $tapd (TAPD_BINARY or --tapd)" >&2; exit 2; }
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x "$nginx_bin" ]] || { echo "soak.sh: nginx is not installed: skipped" >&2; exit 77; }
command -v psql >/dev/null || { echo "soak.sh: psql is not installed: skipped" >&2; exit 77; }

work="$(mktemp -d /tmp/tap-soak.XXXXXX)"
chmod 755 "$work" # nginx workers drop privileges when started as root
pids=()
db_url=""
drop_db=""
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -n "$drop_db" ]] && psql "$TAP_TEST_PG_URL" -X -q -c "DROP DATABASE IF EXISTS $drop_db WITH (FORCE)" >/dev/null 2>&1
  declare -F tap_pg_stop >/dev/null && tap_pg_stop
  if ((rc != 0 || keep)); then echo "soak.sh: logs kept in $work" >&2; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# PostgreSQL: a fresh database on the given server, or a private server.
if [[ -z "${TAP_TEST_PG_URL:-}" ]]; then
  # shellcheck source=../support/pg.sh
  source "$root/tests/support/pg.sh"
  tap_pg_start || { echo "soak.sh: no PostgreSQL server: skipped" >&2; exit 77; }
  trap cleanup EXIT # tap_pg_start set its own
  db_url="$TAP_TEST_PG_URL"
else
  drop_db="soak_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  psql "$TAP_TEST_PG_URL" -X -q -c "CREATE DATABASE $drop_db" >/dev/null
  base="${TAP_TEST_PG_URL%%\?*}"
  query=""
  [[ "$TAP_TEST_PG_URL" == *\?* ]] && query="?${TAP_TEST_PG_URL#*\?}"
  db_url="${base%/*}/$drop_db$query"
fi

# The fake upstream: logs every request (method, path, query, headers).
python3 "$root/tests/support/fake_upstream.py" --port 0 >"$work/upstream.out" 2>"$work/upstream.err" &
pids+=($!)
for _ in $(seq 100); do grep -q '^PORT ' "$work/upstream.out" 2>/dev/null && break; sleep 0.1; done
upstream_port=$(awk '/^PORT/ {print $2}' "$work/upstream.out")
[[ -n "$upstream_port" ]] || { echo "soak.sh: the fake upstream did not start" >&2; exit 1; }

port_a=$(freeport); port_b=$(freeport); nginx_port=$(freeport)
mkdir -p "$work/nginx" "$work/outbox"
cat >"$work/nginx/nginx.conf" <<NGX
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  log_format soak '\$msec \$request_method \$uri \$status up=\$upstream_addr ups=\$upstream_status rt=\$request_time';
  access_log $work/nginx/access.log soak;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  client_max_body_size 1m;
  upstream tapd {
    server 127.0.0.1:$port_a max_fails=1 fail_timeout=3s;
    server 127.0.0.1:$port_b max_fails=1 fail_timeout=3s;
    keepalive 8;
  }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://tapd;
      add_header X-Soak-Upstream \$upstream_addr always; # which tapd answered (the driver's kill timing)
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Only connection errors move a request to the other tapd, never a timeout, and never a
      # POST/PATCH that was already sent (no non_idempotent): see the comment in soak.sh.
      proxy_next_upstream error;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 5s;
      proxy_read_timeout 120s;
      proxy_send_timeout 120s;
    }
  }
}
NGX
"$nginx_bin" -t -q -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>"$work/nginx/test.err" \
  || { cat "$work/nginx/test.err" >&2; exit 1; }
"$nginx_bin" -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$nginx_port),1)" 2>/dev/null && break; sleep 0.1; done

args=(--tapd "$tapd" --database "$db_url" --workdir "$work" --nginx-port "$nginx_port"
      --upstream-port "$upstream_port" --port-a "$port_a" --port-b "$port_b" --duration "$duration"
      --nginx-log "$work/nginx/access.log")
[[ -n "$json_out" ]] && args+=(--json-out "$json_out")
[[ -n "$inject" ]] && args+=(--inject "$inject")
if [[ "${SOAK_NO_RSS:-0}" == 1 ]] || ldd "$tapd" 2>/dev/null | grep -q libasan; then
  args+=(--no-rss)
fi
echo "soak.sh: ${duration}s, tapd A :$port_a, B :$port_b behind nginx :$nginx_port, upstream :$upstream_port, work $work"
python3 "$root/tests/bench/soak.py" "${args[@]}"
