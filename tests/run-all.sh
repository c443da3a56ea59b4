#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# run-all.sh - the one command that runs every postprobe test, as CI does (.ci/run).
#
# Installs what is missing (build dependencies and the loopback stack's daemons), builds the
# tree twice - normally in build/ and with ASan+UBSan in build-asan/ - and runs ctest in each:
# the cmocka unit tests (label unit) and the integration tests against the loopback stack
# (label integration; ctest's stack_up/stack_down fixture brings it up and down), valgrind
# included (valgrind_plugins, in the normal build); then runs every libFuzzer harness for
# FUZZ_SECONDS (default 60) each under ASan+UBSan (tests/fuzz/run.sh, clang, build-fuzz/).
#
# The two ctest runs go side by side, each against a stack of its own (the ASan one in
# /tmp/postprobe-stack-asan, ports from 30000): integration tests mostly wait on daemons and
# timeouts, so running them together roughly halves the wall time, and it keeps both cores
# busy the way a loaded monitoring server would (the timing tests are written for that:
# tests/README.md, "On a loaded machine"). Each run's lines are prefixed [build] / [asan].
#
# Usage: tests/run-all.sh [--unit-only] [--no-asan] [--no-fuzz]
set -euo pipefail
cd "$(dirname "$0")/.."

unit_only=false
asan=true
fuzz=true
for a in "$@"; do
    case $a in
    --unit-only) unit_only=true ;;
    --no-asan) asan=false ;;
    --no-fuzz) fuzz=false ;;
    *) echo "usage: $0 [--unit-only] [--no-asan] [--no-fuzz]" >&2; exit 2 ;;
    esac
done

jobs=$(nproc)
labels=()
$unit_only && labels=(-L unit)

bash tests/env/install-deps.sh

build_tree() { # build_tree BUILD_DIR [cmake args...]
    local dir=$1
    shift
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
    cmake --build "$dir" -j "$jobs"
}

test_tree() { # test_tree BUILD_DIR: ctest, every line prefixed with [BUILD_DIR]
    local dir=$1
    ctest --test-dir "$dir" --output-on-failure -j "$jobs" "${labels[@]}" 2>&1 |
        sed -u "s/^/[$dir] /"
}

echo "== normal build"
build_tree build
if $asan; then
    echo "== ASan+UBSan build"
    build_tree build-asan -DPOSTPROBE_SANITIZE=ON
    echo "== tests: build/ and build-asan/ side by side"
    (
        export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
        export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
        export PP_STACK_DIR=/tmp/postprobe-stack-asan PP_PORT_BASE=30000
        test_tree build-asan
    ) &
    asan_pid=$!
    rc=0
    test_tree build || rc=$?
    wait "$asan_pid" || rc=1
    [ "$rc" -eq 0 ] || { echo "run-all: tests failed"; exit 1; }
else
    test_tree build
fi
if $fuzz; then
    echo "== fuzzing, ${FUZZ_SECONDS:-60} s per harness (tests/fuzz/run.sh)"
    FUZZ_BUILD_DIR=$PWD/build-fuzz tests/fuzz/run.sh
fi
echo "run-all: all tests passed"
