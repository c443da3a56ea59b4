#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# log.sh - check_postfix_log --whole against pflogsumm and the grep floor on a large log of
# real-shaped lines, and the cost of an incremental run at the end of a large file (run on
# demand; not a ctest).
#
#   PP_BUILD_DIR=/path/to/release-build bench/log.sh [LINES...]     (default: 1000000)
#
# Makes a log of LINES lines by repeating the test stack's own log ($PP_POSTFIX_MAILLOG, run
# tests/integration/log_counts.sh first so that it holds every kind of line), each copy with
# its queue ids made unique (a 4-hex-digit round number appended), so that "deferred" per
# message and the reason tables see as many messages as a real log of that size. With
# PP_LOG_FIXTURES=DIR the logs are kept there as mail-LINES.log and reused by the next run
# (from the stack's log as it was then); else they go to a temporary directory.
# Then, RUNS times (default 3), each in turn, warm cache: check_postfix_log --whole --file,
# pflogsumm (--syslog-name=postfix-pp, skipped with NO_PFLOGSUMM=1: it takes minutes at 10M)
# and grep -c 'status=sent' (the floor: one pass that only looks for a string). Prints per
# tool the median wall time and CPU time (user + system, children included), peak RSS (of
# the command itself, and of it and its children: the plugin's postconf runs count there)
# (bench/pp_rusage.c), lines per second, and the ratios the issue sets targets for
# (check_postfix_log within 2x of the floor; peak RSS under 10 MB, flat in the log size).
# Then the tail: a state file positioned 10,000 lines before the end of the log against one
# at the start of a file of those 10,000 lines (each run copies the state file first: the
# plugin moves it on), which must cost the same. Build without sanitizers.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
. "$SRC/bench/lib.bash"
# shellcheck disable=SC1091
. "${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env"
BUILD=${PP_BUILD_DIR:-$SRC/build}
PLUGIN=$BUILD/plugins/check_postfix_log
RUNS=${RUNS:-3}
TAIL=10000
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(1000000); fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
FIX=${PP_LOG_FIXTURES:-$W}
mkdir -p "$FIX"
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
        }' "$1" "$PP_POSTFIX_MAILLOG" >"$2.tmp"
    mv "$2.tmp" "$2"
}


measure() { # measure NAME CMD...: RUNS runs, into $W/NAME.{wall,cpu,rss,own}
    local name=$1 i
    shift
    : >"$W/$name.times"
    for i in $(seq "$RUNS"); do "$W/pp_rusage" "$@" 2>>"$W/$name.times"; done
    awk '{ print $1 }' "$W/$name.times" | median >"$W/$name.wall"
    awk '{ print $2 }' "$W/$name.times" | median >"$W/$name.cpu"
    awk '{ print $3 }' "$W/$name.times" | sort -n | tail -1 >"$W/$name.rss"
    awk '{ print $5 }' "$W/$name.times" | sort -n | tail -1 >"$W/$name.own"
}

ratio() { awk -v a="$(cat "$W/$1.$3")" -v b="$(cat "$W/$2.$3")" 'BEGIN { printf "%.2f", a / b }'; }

table() { # table LINES TOOL...
    local n=$1 t
    shift
    printf '%-12s %9s %9s %12s %12s %12s\n' tool wall_s cpu_s own_rss_kb all_rss_kb lines/s
    for t in "$@"; do
        printf '%-12s %9.3f %9.3f %12s %12s %12.0f\n' "$t" "$(cat "$W/$t.wall")" \
            "$(cat "$W/$t.cpu")" "$(cat "$W/$t.own")" "$(cat "$W/$t.rss")" \
            "$(awk -v n="$n" -v w="$(cat "$W/$t.wall")" 'BEGIN { print n / w }')"
    done
}

# A state file for LOG at OFFSET, made by a first run and then moved back.
state_at() { # state_at LOG OFFSET STATE
    rm -f "$3"
    "$PLUGIN" -C "$PP_POSTFIX_CONFIG_DIR" --state-file "$3" --file "$1" >/dev/null
    sed -i "s/ offset [0-9]* / offset $2 /" "$3"
}

tail_read() { # tail_read LOG: the last $TAIL lines by a state file against a file of them
    local log=$1 small=$W/tail.log off
    tail -n "$TAIL" "$log" >"$small"
    off=$(($(stat -c %s "$log") - $(stat -c %s "$small")))
    state_at "$log" "$off" "$W/big.state0"
    state_at "$small" 0 "$W/small.state0"
    measure tail_big sh -c "cp '$W/big.state0' '$W/big.state' && exec '$PLUGIN' \
        -C '$PP_POSTFIX_CONFIG_DIR' --state-file '$W/big.state' --file '$log'"
    measure tail_small sh -c "cp '$W/small.state0' '$W/small.state' && exec '$PLUGIN' \
        -C '$PP_POSTFIX_CONFIG_DIR' --state-file '$W/small.state' --file '$small'"
    cp "$W/big.state0" "$W/big.state"
    "$PLUGIN" -C "$PP_POSTFIX_CONFIG_DIR" --state-file "$W/big.state" --file "$log" -v |
        grep -o "[0-9]* lines read" | sed "s/^/tail run: /" || true
    table "$TAIL" tail_big tail_small
    echo "last $TAIL lines of the large file / a file of $TAIL lines: wall $(ratio tail_big \
tail_small wall)x, cpu $(ratio tail_big tail_small cpu)x (target about 1)"
}

for n in "${SIZES[@]}"; do
    log=$FIX/mail-$n.log
    [ -s "$log" ] || make_log "$n" "$log"
    cat "$log" >/dev/null
    echo "== $n lines ($(du -h "$log" | cut -f1)), median of $RUNS runs"
    "$PLUGIN" -C "$PP_POSTFIX_CONFIG_DIR" --whole --file "$log" | head -1 | cut -c1-120
    measure ours "$PLUGIN" -C "$PP_POSTFIX_CONFIG_DIR" --whole --file "$log"
    tools=(ours grep)
    if [ -z "${NO_PFLOGSUMM:-}" ]; then
        measure pflogsumm pflogsumm --syslog-name=postfix-pp "$log"
        tools+=(pflogsumm)
    fi
    measure grep grep -c 'status=sent' "$log"
    table "$n" "${tools[@]}"
    echo "ours / grep floor: wall $(ratio ours grep wall)x, cpu $(ratio ours grep cpu)x" \
        "(target under 2)"
    [ -z "${NO_PFLOGSUMM:-}" ] &&
        echo "pflogsumm / ours: wall $(ratio pflogsumm ours wall)x, cpu $(ratio pflogsumm \
ours cpu)x"
    tail_read "$log"
done
