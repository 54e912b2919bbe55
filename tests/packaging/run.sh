#!/usr/bin/env bash
# The packaging test (ctest "packaging"): builds the .debs with cpack from a build directory,
# runs lintian (no errors), installs them with dpkg -i, checks the system user, modes and
# ownership, runs the installed tapd as the service user (--check-config, then a first start
# that creates master.key), reinstalls (the key and an edited conffile survive), runs
# systemd-analyze verify and security (exposure 2.0 or below), then removes (data kept) and
# purges (data deleted) the packages. The machine is left as it was found.
#   tests/packaging/run.sh BUILD_DIR
# Needs root (dpkg -i): otherwise it exits 77 (ctest: skipped). Machine-wide lock: one run at a
# time. A run interrupted half-way is cleaned up by the next one.
set -euo pipefail
build="$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)"

if [[ $(id -u) -ne 0 ]]; then
  echo "SKIPPED: the packaging test installs packages with dpkg -i and needs root (CI runs it as root)."
  exit 77
fi
for tool in cpack lintian dpkg-deb dpkg-statoverride systemd-analyze runuser adduser python3; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing: run packaging/install-deps.sh --test"; exit 1; }
done

exec 9>/run/lock/tap-packaging-test.lock
flock -w 600 9 || { echo "FAIL: another packaging test holds /run/lock/tap-packaging-test.lock"; exit 1; }

marker=/var/lib/tap-packaging-test   # exists while this test owns the installed packages
packages=(tapd tap-console tap-cli)   # tap-cli: only once a `tap` target exists
work="$(mktemp -d /tmp/tap-packaging.XXXXXX)"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
installed() { dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qv '^not-installed$'; }

cleanup() {
  set +e
  [[ -n "${tapd_pid:-}" ]] && kill "$tapd_pid" 2>/dev/null
  if [[ -e "$marker" ]]; then
    for p in "${packages[@]}"; do installed "$p" && dpkg -P "$p" >/dev/null 2>&1; done
    if grep -qx created-user "$marker"; then
      deluser --system --quiet tap >/dev/null 2>&1
      getent group tap >/dev/null && delgroup --system --quiet tap >/dev/null 2>&1
    fi
    rm -f "$marker"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
cleanup_previous() {
  if [[ -e "$marker" ]]; then
    echo "note: cleaning up after an interrupted run"
    cleanup
    set -e
    work="$(mktemp -d /tmp/tap-packaging.XXXXXX)"
  fi
}
cleanup_previous
for p in "${packages[@]}"; do
  if installed "$p"; then
    echo "FAIL: $p is installed on this machine and not by this test: it would replace it (dpkg -P $p first)"
    exit 1
  fi
done
if [[ -e /var/lib/tap || -e /etc/tap ]]; then
  echo "FAIL: /var/lib/tap or /etc/tap exists: this test would delete a tapd's data on purge"
  exit 1
fi
{ getent passwd tap >/dev/null && echo existing-user || echo created-user; } > "$marker"

# --- Build --------------------------------------------------------------------------------------
out="$work/packages"
start=$SECONDS
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out" > "$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; echo "FAIL: cpack"; exit 1; }
debs=("$out"/tapd_*.deb "$out"/tap-console_*.deb)
for d in "${debs[@]}"; do [[ -f "$d" ]] || { echo "FAIL: cpack made no $d"; exit 1; }; done
for d in "$out"/tap-cli_*.deb; do [[ -f "$d" ]] && debs+=("$d"); done
names=()
for d in "${debs[@]}"; do names+=("$(dpkg-deb -f "$d" Package)"); done
ok "cpack: $(cd "$out" && ls -1 ./*.deb | tr '\n' ' ')($((SECONDS - start)) s)"

# --- lintian ------------------------------------------------------------------------------------
echo "== lintian"
if lintian --fail-on error "${debs[@]}" 2>&1 | { grep -v 'running with root privileges' || true; } |
  tee "$work/lintian.log"; then
  ok "lintian: no errors ($(grep -c '^W:' "$work/lintian.log" || true) warnings, listed above)"
else
  fail "lintian reports errors"
fi

# --- Dependencies -------------------------------------------------------------------------------
tapd_depends="$(dpkg-deb -f "$out"/tapd_*.deb Depends)"
console_depends="$(dpkg-deb -f "$out"/tap-console_*.deb Depends)"
echo "tapd Depends: $tapd_depends"
echo "tap-console Depends: $console_depends"
grep -Eq 'libqt6(gui|widgets|svg)|libx|libgl|libqt6keychain' <<<"$tapd_depends" &&
  fail "tapd depends on a GUI library"
for dep in libqt6sql6-sqlite libqt6sql6-psql ca-certificates adduser; do
  grep -q "\b$dep\b" <<<"$tapd_depends" || fail "tapd does not depend on $dep"
done
for dep in libqt6svg6 qt6-translations-l10n libqt6keychain1 libqt6widgets6; do
  grep -q "\b$dep\b" <<<"$console_depends" || fail "tap-console does not depend on $dep"
done
# tap-cli: the tool, both completions and the man page; Qt Core, Network and the keychain only.
cli_depends=""
for d in "$out"/tap-cli_*.deb; do
  [[ -f "$d" ]] || continue
  cli_files="$(dpkg-deb -c "$d")"
  for f in ./usr/bin/tap ./usr/share/bash-completion/completions/tap \
           ./usr/share/zsh/vendor-completions/_tap ./usr/share/man/man1/tap.1.gz; do
    grep -q " $f\$" <<<"$cli_files" && ok "tap-cli ships ${f#.}" || fail "tap-cli does not ship ${f#.}"
  done
  cli_depends="$(dpkg-deb -f "$d" Depends)"
  echo "tap-cli Depends: $cli_depends"
  grep -q '\blibqt6keychain1\b' <<<"$cli_depends" || fail "tap-cli does not depend on libqt6keychain1"
  grep -Eq 'libqt6(gui|widgets|svg)|libx|libgl' <<<"$cli_depends" && fail "tap-cli depends on a GUI library"
done
missing=()
for dep in $(sed 's/([^)]*)//g; s/|[^,]*//g; s/,/ /g' <<<"$tapd_depends, $console_depends${cli_depends:+, $cli_depends}"); do
  dpkg-query -W -f='${db:Status-Status}' "$dep" 2>/dev/null | grep -q '^installed$' || missing+=("$dep")
done
if ((${#missing[@]})); then
  echo "FAIL: not installed, so dpkg -i cannot configure the packages: ${missing[*]} (run packaging/install-deps.sh --test)"
  exit 1
fi

# --- Install ------------------------------------------------------------------------------------
echo "== dpkg -i"
dpkg -i "${debs[@]}" > "$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg -i"; exit 1; }
ok "installed"
ldd /usr/bin/tapd | grep -Eq 'libQt6(Gui|Widgets)' && fail "tapd links a Qt GUI library"
expect_stat() { # PATH "owner:group mode"
  local got
  got="$(stat -c '%U:%G %a' "$1" 2>/dev/null || echo missing)"
  [[ "$got" == "$2" ]] && ok "$1 $got" || fail "$1 is $got, expected $2"
}
expect_stat /usr/bin/tapd "root:root 755"
expect_stat /usr/bin/tap-console "root:root 755"
if [[ -n "$cli_depends" ]]; then
  expect_stat /usr/bin/tap "root:root 755"
  /usr/bin/tap --version | grep -q '^tap ' && ok "tap --version" || fail "tap --version"
  bash -n /usr/share/bash-completion/completions/tap && ok "bash completion parses" ||
    fail "bash completion does not parse"
  if command -v zsh >/dev/null; then
    zsh -n /usr/share/zsh/vendor-completions/_tap && ok "zsh completion parses" ||
      fail "zsh completion does not parse"
  fi
  zcat /usr/share/man/man1/tap.1.gz | grep -q '^\.TH TAP 1' && ok "tap(1) is installed" ||
    fail "tap(1) is not a man page"
fi
expect_stat /usr/lib/systemd/system/tapd.service "root:root 644"
expect_stat /etc/tap/tapd.env "root:tap 640"
expect_stat /var/lib/tap "tap:tap 700"
IFS=: read -r _ _ uid _ _ home shell < <(getent passwd tap)
[[ $uid -lt 1000 && "$home" == /var/lib/tap && "$shell" == /usr/sbin/nologin ]] &&
  ok "system user tap (uid $uid, home $home, shell $shell)" || fail "user tap: uid $uid home $home shell $shell"
dpkg-query -W -f='${Conffiles}\n' tapd | grep -q '/etc/tap/tapd.env' && ok "tapd.env is a conffile" ||
  fail "/etc/tap/tapd.env is not a conffile"
grep -q '\.desktop$' < <(dpkg -L tap-console) && ok "tap-console ships its .desktop entry" ||
  fail "no .desktop entry"

# Every setting tapd --help names is in the commented conffile.
for var in $(/usr/bin/tapd --help | grep -o '^  TAP_[A-Z0-9_]*' | sort -u); do
  grep -q "^#$var=" /etc/tap/tapd.env || fail "/etc/tap/tapd.env does not list $var"
done
ok "tapd.env lists every setting of tapd --help"

# tapd as the service sees it: the unit's Environment= lines, then /etc/tap/tapd.env.
service_env=()
while IFS= read -r line; do service_env+=("$line"); done < <(
  sed -n 's/^Environment=//p' /usr/lib/systemd/system/tapd.service
  grep -Ev '^[[:space:]]*(#|$)' /etc/tap/tapd.env || true)
as_tap() { (cd / && runuser -u tap -- env -i PATH=/usr/bin:/bin "${service_env[@]}" "$@"); }
if as_tap tapd --check-config > "$work/check.log" 2>&1; then
  ok "runuser -u tap tapd --check-config: $(cat "$work/check.log")"
else
  cat "$work/check.log"; fail "tapd --check-config as tap"
fi

# First start as tap: opens the SQLite database through the packaged Qt driver and creates
# master.key 0600. setpriv execs tapd itself, so $! is tapd's pid.
(cd / && exec setpriv --reuid=tap --regid=tap --init-groups -- env -i PATH=/usr/bin:/bin \
  "${service_env[@]}" tapd --listen 127.0.0.1:0) > "$work/tapd.out" 2> "$work/tapd.err" &
tapd_pid=$!
for _ in $(seq 1 300); do
  grep -q 'listening on' "$work/tapd.out" 2>/dev/null && break
  kill -0 "$tapd_pid" 2>/dev/null || break
  sleep 0.1
done
if grep -q 'listening on' "$work/tapd.out"; then ok "tapd started as tap: $(cat "$work/tapd.out")"
else cat "$work/tapd.err"; fail "tapd did not start as tap"; fi
kill "$tapd_pid" 2>/dev/null; wait "$tapd_pid" 2>/dev/null || true; tapd_pid=
expect_stat /var/lib/tap/master.key "tap:tap 600"
expect_stat /var/lib/tap/tap.db "tap:tap 600"

# Reinstall (as an upgrade runs the scripts): master.key and an edited conffile stay.
key_sum="$(sha256sum /var/lib/tap/master.key)"
echo "TAP_WORKERS=2" >> /etc/tap/tapd.env
dpkg -i "${debs[@]}" > "$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log"; fail "dpkg -i (again)"; }
[[ "$(sha256sum /var/lib/tap/master.key)" == "$key_sum" ]] && ok "reinstall keeps master.key" ||
  fail "reinstall changed master.key"
expect_stat /var/lib/tap/master.key "tap:tap 600"
grep -qx 'TAP_WORKERS=2' /etc/tap/tapd.env && ok "reinstall keeps the edited tapd.env" ||
  fail "reinstall replaced the edited tapd.env"
expect_stat /etc/tap/tapd.env "root:tap 640"

# --- systemd ------------------------------------------------------------------------------------
echo "== systemd-analyze"
if systemd-analyze verify /usr/lib/systemd/system/tapd.service > "$work/verify.log" 2>&1; then
  ok "systemd-analyze verify tapd.service"
else
  cat "$work/verify.log"; fail "systemd-analyze verify"
fi
systemd-analyze security --offline=true --no-pager /usr/lib/systemd/system/tapd.service \
  > "$work/security.log" 2>&1 || true
grep -v '^✓' "$work/security.log"
score="$(sed -n 's/.*Overall exposure level for tapd.service: \([0-9.]*\).*/\1/p' "$work/security.log")"
if [[ -n "$score" ]] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
  ok "systemd-analyze security: $score (2.0 or below)"
else
  fail "systemd-analyze security: '${score:-no score}', expected 2.0 or below"
fi

# --- Remove and purge ---------------------------------------------------------------------------
echo "== dpkg -r / dpkg -P"
dpkg -r "${names[@]}" > "$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "dpkg -r"; }
[[ ! -e /usr/bin/tapd && ! -e /usr/bin/tap-console && ! -e /usr/bin/tap ]] && ok "remove: programs gone" || fail "remove left programs"
[[ -f /var/lib/tap/master.key && -f /etc/tap/tapd.env ]] && ok "remove keeps /var/lib/tap and /etc/tap/tapd.env" ||
  fail "remove deleted data or configuration"
dpkg -P "${names[@]}" > "$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg -P"; }
grep 'tapd: purge' "$work/purge.log" || fail "purge does not say what it deletes"
[[ ! -e /var/lib/tap && ! -e /etc/tap ]] && ok "purge deleted /var/lib/tap and /etc/tap" || fail "purge left files"
dpkg-statoverride --list /etc/tap/tapd.env >/dev/null && fail "purge left the statoverride"

echo "== packaging test: $failures failure(s), $((SECONDS - start)) s"
((failures == 0))
