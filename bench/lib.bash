# SPDX-License-Identifier: GPL-3.0-or-later
# bench/lib.bash - what the benchmarks share (sourced):
#   median            the median of the numbers on stdin (the mean of the middle two for an
#                     even count)
#   col_median N F    the median of column N (space-separated) of file F
#   all_pass TOOL...  runs each TOOL's command line (cmd_of TOOL, defined by the script) once
#                     and stops the benchmark when one fails: a failing check would time its
#                     error path
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col_median() { cut -d' ' -f"$1" "$2" | median; }
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
