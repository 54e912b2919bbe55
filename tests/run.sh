#!/usr/bin/env bash
# The test command: installs what the tests need (PostgreSQL 15 included), builds, starts a
# private PostgreSQL server and runs the whole suite on both database backends.
#   tests/run.sh              normal build (build-tests/)
#   tests/run.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/)
# The normal run also runs every libFuzzer target of tests/fuzz (a reproducible slice each,
# tests/fuzz/run.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

mode="${1:-}"
"$root/packaging/install-deps.sh" --test

# Test builds keep line tables only (-g1): stack traces and sanitizer reports still name file and
# line, and every compile and link of the suite is about a quarter faster than with full debug
# information. The optimisation level stays the release one (-O2), so the warnings (errors here)
# are exactly those of the Quick start build.
# The sanitizer build compiles at -O1, as the sanitizers' documentation advises: a third less
# compile time than -O2, and reports as precise; the warnings of -O2 are the normal build's.
# The test programs themselves compile at -Og in both (tests/CMakeLists.txt).
flags=("-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG")
if [[ "$mode" == "--sanitize" ]]; then
  build="$root/build-asan"
  "$root/packaging/build.sh" "$build" -DTAP_SANITIZE=ON "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
  export LSAN_OPTIONS="suppressions=$root/tests/support/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
else
  build="$root/build-tests"
  "$root/packaging/build.sh" "$build" "${flags[@]}"
fi

# playwright-core for the Chromium tests, exactly as locked.
(cd "$root/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)

# shellcheck source=support/pg.sh
source "$root/tests/support/pg.sh"
tap_pg_start
export TAP_REQUIRE_PG=1

# Two tests at a time in both builds. The sanitizer build too: its tests keep their timing margins
# at -j2 on a 2-core machine (the whole sanitizer suite passed so, in about 60 % of its -j1 time).
jobs=2
status=0
summary="ctest ($build): passed"
if ! ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 900; then
  status=1
  summary="ctest ($build): FAILED: $(tr '\n' ' ' < "$build/Testing/Temporary/LastTestsFailed.log" 2>/dev/null)"
fi

# The fuzz targets (their own clang build with ASan + UBSan): a reproducible bounded slice each.
if [[ "$mode" != "--sanitize" ]]; then
  if "$root/tests/fuzz/run.sh"; then
    summary+=$'\n'"fuzz: passed"
  else
    status=1
    summary+=$'\n'"fuzz: FAILED (see '== fuzz_<target> FAILED' above)"
  fi
fi
echo "== tests/run.sh $mode summary"
echo "$summary"
exit "$status"
