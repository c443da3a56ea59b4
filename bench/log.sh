#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# log.sh - check_postfix_log --whole against pflogsumm and the grep floor on a large log of
# real-shaped lines (run on demand; not a ctest).
#
#   PP_BUILD_DIR=/path/to/release-build bench/log.sh [LINES...]     (default: 1000000)
#
# Makes a log of LINES lines by repeating the test stack's own log ($PP_POSTFIX_MAILLOG, run
# tests/integration/log_counts.sh first so that it holds every kind of line), each copy with
# its queue ids made unique (a 4-hex-digit round number appended), so that "deferred" per
# message and the reason tables see as many messages as a real log of that size. Then, RUNS
# times (default 3), each in turn, warm cache: check_postfix_log --whole --file, pflogsumm
# (--syslog-name=postfix-pp) and grep -c 'status=sent' (the floor: one pass that only looks
# for a string). Prints per tool the median wall time, CPU time and peak RSS (bench/pp_rusage.c),
# lines per second, and the ratios the issue sets targets for (check_postfix_log within 2x
# of the floor; peak RSS under 10 MB, flat in the log size). Build without sanitizers.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck disable=SC1091
. "${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env"
BUILD=${PP_BUILD_DIR:-$SRC/build}
PLUGIN=$BUILD/plugins/check_postfix_log
RUNS=${RUNS:-3}
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(1000000); fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
[ -x "$PLUGIN" ] || { echo "no $PLUGIN (set PP_BUILD_DIR)" >&2; exit 2; }
cc -O2 -o "$W/pp_rusage" "$SRC/bench/pp_rusage.c"

make_log() { # make_log LINES OUT
    perl -e '
        my ($want, @base) = ($ARGV[0]);
        open(my $in, "<", $ARGV[1]) or die; @base = <$in>; close $in;
        my ($n, $r) = (0, 0);
        while ($n < $want) {
            for my $l (@base) {
                last if $n++ >= $want;
                (my $x = $l) =~ s/\b([0-9A-F]{8,12})(: |\)|$)/sprintf("%s%04X%s", $1, $r, $2)/ge;
                $x =~ s/(queued as [0-9A-F]{8,12})/sprintf("%s%04X", $1, $r)/ge;
                print $x;
            }
            $r++;
        }' "$1" "$PP_POSTFIX_MAILLOG" >"$2"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

measure() { # measure NAME CMD...: RUNS runs, medians into $W/NAME.{wall,cpu,rss}
    local name=$1 i
    shift
    : >"$W/$name.times"
    for i in $(seq "$RUNS"); do "$W/pp_rusage" "$@" 2>>"$W/$name.times"; done
    awk '{ print $1 }' "$W/$name.times" | median >"$W/$name.wall"
    awk '{ print $2 }' "$W/$name.times" | median >"$W/$name.cpu"
    awk '{ print $3 }' "$W/$name.times" | sort -n | tail -1 >"$W/$name.rss"
}

for n in "${SIZES[@]}"; do
    make_log "$n" "$W/mail.log"
    cat "$W/mail.log" >/dev/null
    echo "== $n lines ($(du -h "$W/mail.log" | cut -f1)), median of $RUNS runs"
    "$PLUGIN" -C "$PP_POSTFIX_CONFIG_DIR" --whole --file "$W/mail.log" | head -1 | cut -c1-120
    measure ours "$PLUGIN" -C "$PP_POSTFIX_CONFIG_DIR" --whole --file "$W/mail.log"
    measure pflogsumm pflogsumm --syslog-name=postfix-pp "$W/mail.log"
    measure grep grep -c 'status=sent' "$W/mail.log"
    printf '%-20s %9s %9s %10s %12s\n' tool wall_s cpu_s rss_kb lines/s
    for t in ours pflogsumm grep; do
        printf '%-20s %9s %9s %10s %12.0f\n' "$t" "$(cat "$W/$t.wall")" "$(cat "$W/$t.cpu")" \
            "$(cat "$W/$t.rss")" "$(awk -v n="$n" -v w="$(cat "$W/$t.wall")" 'BEGIN { print n / w }')"
    done
    awk -v o="$(cat "$W/ours.wall")" -v p="$(cat "$W/pflogsumm.wall")" -v g="$(cat "$W/grep.wall")" \
        'BEGIN { printf "pflogsumm / ours: %.1fx   ours / grep floor: %.2fx (target under 2)\n", p / o, o / g }'
done
