#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# run.sh - run every libFuzzer harness of tests/fuzz for a bounded time, under ASan+UBSan.
#
#   tests/fuzz/run.sh [NAME...]        (default: every fuzz_*.c; NAME is e.g. queue_record)
#
# Builds (or updates) the clang fuzz build in $FUZZ_BUILD_DIR (default build-fuzz/, configured
# with -DPOSTPROBE_FUZZ=ON), then runs each harness for $FUZZ_SECONDS seconds (default 60),
# $FUZZ_JOBS at a time (default: the number of CPUs), starting from the seed corpus in
# tests/fuzz/corpus/NAME. New inputs go to a scratch corpus under $FUZZ_OUT (default a
# temporary directory, removed at the end unless something crashed); the seed corpus in the
# repository is never written. A crash, leak, UBSan report or timeout leaves its input as
# $FUZZ_OUT/NAME-crash-* (or -leak-, -timeout-) and makes the script exit 1: fix the parser,
# then add the input as tests/fuzz/corpus/NAME/regress-WHAT, which ctest replays from then on.
# $FUZZ_SEED (default 1) fixes libFuzzer's random choices, so a run explores the same inputs
# each time for as long as it lasts: CI replays what a longer run here already cleared, and a
# new finding comes from a code change, not from luck. FUZZ_SEED=0 lets libFuzzer pick.
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD/tests/fuzz
build=${FUZZ_BUILD_DIR:-$PWD/build-fuzz}
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-$(nproc)}
seed=${FUZZ_SEED:-1}

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in "$src"/fuzz_*.c; do
        f=${f##*/fuzz_}
        names+=("${f%.c}")
    done
fi

if ! command -v clang >/dev/null; then
    echo "fuzz: clang is needed (apt-get install clang)" >&2
    exit 2
fi
# clang does not know some of gcc's -Wno-* options.
CC=clang cmake -S . -B "$build" -DPOSTPROBE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS=-Wno-unknown-warning-option >/dev/null
cmake --build "$build" -j "$jobs" --target "${names[@]/#/fuzz_}" >/dev/null

keep=false
if [ -n "${FUZZ_OUT:-}" ]; then
    out=$FUZZ_OUT
    keep=true
    mkdir -p "$out"
else
    out=$(mktemp -d /tmp/pp-fuzz.XXXXXX)
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

fuzz_one() { # NAME: one bounded run; its log in $out/NAME.log
    local name=$1
    mkdir -p "$out/$name"
    if "$build/tests/fuzz/fuzz_$name" -seed="$seed" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$name-" \
        "$out/$name" "$src/corpus/$name" >"$out/$name.log" 2>&1; then
        printf 'fuzz: %-16s ok   %s\n' "$name" \
            "$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$name.log" | grep -o '[0-9]*$') runs"
    else
        printf 'fuzz: %-16s FAILED (log %s)\n' "$name" "$out/$name.log"
        grep -m3 -E 'ERROR|runtime error|Test unit written' "$out/$name.log" | sed 's/^/    /'
        return 1
    fi
}

failed=0
running=0
pids=()
for name in "${names[@]}"; do
    if [ ! -d "$src/corpus/$name" ]; then
        echo "fuzz: no seed corpus tests/fuzz/corpus/$name" >&2
        failed=1
        continue
    fi
    fuzz_one "$name" &
    pids+=($!)
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || failed=1
        running=$((running - 1))
    fi
done
while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
done

if [ "$failed" -ne 0 ]; then
    echo "fuzz: FAILED; inputs and logs kept in $out"
    exit 1
fi
$keep || rm -rf "$out"
echo "fuzz: ${#names[@]} harnesses, ${seconds} s each, no crash"
