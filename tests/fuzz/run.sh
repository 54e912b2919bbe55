#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz in their own build directory and runs each one for
# a bounded slice on its seed corpus. Runs every target and exits non-zero if any found a crash,
# sanitizer report, leak, timeout or out-of-memory (the input is kept in
# $BUILD/artifacts/<target>/).
#
# By default a slice is reproducible: seed FUZZ_SEED (default 1), at most FUZZ_RUNS inputs
# (default 200000), stopped early after FUZZ_SECONDS (default 60). A gate that fails only when
# the code changed keeps CI meaningful; exploring is a separate, longer run with other seeds:
#
#   tests/fuzz/run.sh                                     every target, the reproducible slice
#   FUZZ_SEED=random FUZZ_RUNS=0 FUZZ_SECONDS=600 tests/fuzz/run.sh scrubber    explore
#
# Environment: FUZZ_SEED (a number, or "random"), FUZZ_RUNS (0: no limit), FUZZ_SECONDS,
# FUZZ_BUILD_DIR (default build-fuzz), FUZZ_JOBS (build parallelism, default 2), CXX (default
# clang++). Needs Debian's clang and libclang-rt-14-dev.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-60}
SEED=${FUZZ_SEED:-1}
RUNS=${FUZZ_RUNS:-200000}
slice=(-max_total_time="$SECONDS_EACH")
[[ $SEED != random ]] && slice+=(-seed="$SEED")
((RUNS > 0)) && slice+=(-runs="$RUNS")
CXX=${CXX:-clang++}

if (($# > 0)); then
  targets=("$@")
else
  targets=()
  for dir in "$ROOT"/tests/fuzz/corpus/*/; do
    targets+=("$(basename "$dir")")
  done
fi

if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_BUILD_TYPE=Debug \
    "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DTAP_FUZZ=ON -DTAP_BUILD_TESTS=OFF -DTAP_BUILD_CONSOLE=OFF
fi
cmake --build "$BUILD" -j"${FUZZ_JOBS:-2}" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/support/lsan.supp:print_suppressions=0}

status=0
passed=0
failed=()
for target in "${targets[@]}"; do
  seeds="$ROOT/tests/fuzz/corpus/$target"
  work="$BUILD/corpus/$target" # what the run learns; the committed seeds stay as they are
  artifacts="$BUILD/artifacts/$target/"
  [[ $SEED != random ]] && rm -rf "$work" # a reproducible slice starts from the seeds alone
  mkdir -p "$work" "$artifacts"
  echo "== fuzz_$target: ${slice[*]}" >&2
  if ! "$BUILD/tests/fuzz/fuzz_$target" "${slice[@]}" -timeout=10 \
      -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts" \
      "$work" "$seeds"; then
    echo "== fuzz_$target FAILED; reproduce with:" >&2
    echo "   $BUILD/tests/fuzz/fuzz_$target $artifacts<crash-file>" >&2
    status=1
    failed+=("$target")
    continue
  fi
  passed=$((passed + 1))
done
echo "fuzz: $passed passed, ${#failed[@]} failed${failed[*]:+ (${failed[*]})}; ${slice[*]}"
exit $status
