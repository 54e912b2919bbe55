# Starts a private PostgreSQL 15 server for the tests. Source it:
#   source tests/support/pg.sh && tap_pg_start
# It exports TAP_TEST_PG_URL and stops the server (and removes its files) on exit.
# initdb into a temporary directory, a free loopback port, no fsync (tests only).

tap_pg_bin() {
  local d
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" ]] && { echo "$d"; return; }
  done
  command -v initdb >/dev/null && dirname "$(command -v initdb)"
}

tap_pg_stop() {
  [[ -n "${TAP_PG_DIR:-}" && -d "$TAP_PG_DIR" ]] || return 0
  $TAP_PG_AS "$TAP_PG_BIN/pg_ctl" -D "$TAP_PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$TAP_PG_DIR"
  unset TAP_PG_DIR
}

tap_pg_start() {
  TAP_PG_BIN="$(tap_pg_bin)"
  if [[ -z "$TAP_PG_BIN" ]]; then
    echo "pg.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
    return 1
  fi
  TAP_PG_DIR="$(mktemp -d /tmp/tap-pg.XXXXXX)"
  TAP_PG_AS=""
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$TAP_PG_DIR"
    TAP_PG_AS="runuser -u postgres --"
  fi
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  $TAP_PG_AS "$TAP_PG_BIN/initdb" -D "$TAP_PG_DIR/data" -A trust -U postgres --no-sync -E UTF8 >"$TAP_PG_DIR/initdb.log" 2>&1 \
    || { cat "$TAP_PG_DIR/initdb.log" >&2; return 1; }
  $TAP_PG_AS "$TAP_PG_BIN/pg_ctl" -D "$TAP_PG_DIR/data" -l "$TAP_PG_DIR/server.log" -w -t 60 \
    -o "-p $port -k $TAP_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$TAP_PG_DIR/server.log" >&2; return 1; }
  export TAP_PG_DIR TAP_PG_BIN TAP_PG_AS
  export TAP_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
  trap tap_pg_stop EXIT
  echo "PostgreSQL test server on 127.0.0.1:$port" >&2
}
