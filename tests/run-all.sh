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

run_suite() { # run_suite BUILD_DIR [cmake args...]
    local dir=$1
    shift
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
    cmake --build "$dir" -j "$jobs"
    ctest --test-dir "$dir" --output-on-failure -j "$jobs" "${labels[@]}"
}

echo "== normal build"
run_suite build
if $asan; then
    echo "== ASan+UBSan build"
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    run_suite build-asan -DPOSTPROBE_SANITIZE=ON
fi
if $fuzz; then
    echo "== fuzzing, ${FUZZ_SECONDS:-60} s per harness (tests/fuzz/run.sh)"
    FUZZ_BUILD_DIR=$PWD/build-fuzz tests/fuzz/run.sh
fi
echo "run-all: all tests passed"
