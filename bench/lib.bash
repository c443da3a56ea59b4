# SPDX-License-Identifier: GPL-3.0-or-later
# bench/lib.bash - what the benchmarks share (sourced):
#   median            the median of the numbers on stdin (the mean of the middle two for an
#                     even count)
#   col_median N F    the median of column N (space-separated) of file F
#   stack_and_plugins BUILD PLUGIN...
#                     loads the stack's settings ($PP_STACK_DIR/stack.env) and sets PL to
#                     BUILD/plugins, where every PLUGIN must be built; stops otherwise
#   all_pass TOOL...  runs each TOOL's command line (cmd_of TOOL, defined by the script) once
#                     and stops the benchmark when one fails: a failing check would time its
#                     error path
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col_median() { cut -d' ' -f"$1" "$2" | median; }
stack_and_plugins() {
    local env=${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env p
    [ -r "$env" ] || { echo "no $env: start the stack (tests/env/stack.sh up)" >&2; exit 1; }
    # shellcheck disable=SC1090
    . "$env"
    PL=$1/plugins
    shift
    for p in "$@"; do
        [ -x "$PL/$p" ] || { echo "no $PL/$p (build first, or give the build dir)" >&2; exit 1; }
    done
}
all_pass() {
    local t out
    for t in "$@"; do
        # shellcheck disable=SC2046
        if ! out=$($(cmd_of "$t") 2>&1); then
            echo "$t does not pass against the stack: $out" >&2
            exit 1
        fi
    done
}
