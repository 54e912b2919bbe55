#!/usr/bin/env bash
# Installs what TAP needs on Debian 12, idempotently and without prompts.
#   packaging/install-deps.sh          build + run dependencies
#   packaging/install-deps.sh --test   also what the test suite needs (PostgreSQL 15, Xvfb, ...)
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build ccache pkg-config clang-format
  qt6-base-dev qt6-httpserver-dev qt6-websockets-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libqt6sql6-sqlite libqt6sql6-psql qtkeychain-qt6-dev libsecret-1-0 libqt6svg6
  libssl-dev libsodium-dev libcurl4-openssl-dev libsqlite3-dev libyaml-dev curl ca-certificates
  zlib1g-dev libbrotli-dev libzstd-dev
)
test_pkgs=(
  postgresql postgresql-client python3 python3-aiosmtpd python3-brotli nginx
  xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools
  trayer  # tests/console: an XEmbed system tray under Xvfb (tst_console_tray_server)
  zsh  # tests/cli: the generated zsh completion is parsed and exercised
  chromium fonts-dejavu-core
  clang libclang-rt-14-dev  # tests/fuzz: libFuzzer, ASan and UBSan runtimes of Debian's clang 14
  # tests/packaging: cpack's dpkg-shlibdeps, lintian, systemd-analyze, and what the packages
  # depend on beyond the build packages (dpkg -i does not fetch dependencies)
  dpkg-dev lintian systemd adduser qt6-translations-l10n
)

pkgs=("${build_pkgs[@]}")
if [[ "${1:-}" == "--test" ]]; then
  pkgs+=("${test_pkgs[@]}")
  # Node.js drives the browser tests; a machine that has it (e.g. from NodeSource) keeps it.
  command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "Installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
