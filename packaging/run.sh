#!/usr/bin/env bash
# Quick start: install dependencies, build, and start tapd on its embedded SQLite default.
# Extra arguments go to tapd (e.g. --listen 0.0.0.0:8080).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh" "$root/build" -DTAP_BUILD_TESTS=OFF
exec "$root/build/service/tapd" "$@"
