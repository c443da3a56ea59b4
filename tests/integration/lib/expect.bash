# SPDX-License-Identifier: GPL-3.0-or-later
# expect.bash - small assertions for integration test scripts (sourced, not a test itself).
#
#   run CMD...                 runs CMD, sets $OUT (stdout), $ERR (stderr), $RC, $SECS
#   check NAME COND...         records a PASS if the command COND succeeds, else a FAIL
#                              showing $OUT/$ERR/$RC of the last run
#   same_as_direct NAME SCRIPT CMD...
#                              runs SCRIPT directly and CMD; both must give the same output
#                              and exit code
#   within_t T, at_once_of T   conditions: bounds on $SECS (see below)
#   finish                     prints "NAME: N passed, N failed", exits 1 on any failure
#   closed_udp_port            a loopback UDP port where nothing listens
PASSED=0
FAILED=0
OUT= ERR= RC=0 SECS=0

run() {
    local t0 t1 e
    e=$(mktemp)
    t0=$(date +%s.%N)
    RC=0
    OUT=$("$@" 2>"$e") || RC=$?
    t1=$(date +%s.%N)
    ERR=$(cat "$e")
    rm -f "$e"
    SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}

check() {
    local name=$1
    shift
    if "$@"; then
        PASSED=$((PASSED + 1))
        printf 'PASS %s\n' "$name"
    else
        FAILED=$((FAILED + 1))
        printf 'FAIL %s\n    rc=%s time=%ss\n' "$name" "$RC" "$SECS"
        printf '%s\n' "$OUT" | sed 's/^/    out: /'
        [ -z "$ERR" ] || printf '%s\n' "$ERR" | sed 's/^/    err: /'
    fi
}

# Conditions for check.
rc_is() { [ "$RC" -eq "$1" ]; }
out_is() { [ "$OUT" = "$1" ]; }
out_has() { [[ $OUT == *"$1"* ]]; }
stderr_empty() { [ -z "$ERR" ]; }
faster_than() { awk -v s="$SECS" -v m="$1" 'BEGIN { exit !(s < m) }'; }
# Bounds on a run's time, never its digits. A plugin promises to end within -t plus 1 s (to
# start and to print, also on a loaded machine): within_t T. "At once" means well before the
# time limit it was given, less than a third of it: at_once_of T (give the run a -t of 10).
within_t() { faster_than "$(awk -v t="$1" 'BEGIN { print t + 1 }')"; }
at_once_of() { faster_than "$(awk -v t="$1" 'BEGIN { print t / 3 }')"; }
all_of() {
    local c
    for c in "$@"; do eval "$c" || return 1; done
}

same_as_direct() {
    local name=$1 script=$2 want want_rc=0
    shift 2
    want=$("$script") || want_rc=$?
    run "$@"
    check "$name" all_of "rc_is $want_rc" 'out_is "$want"' stderr_empty
}

finish() {
    printf '%s: %d passed, %d failed\n' "$(basename "$0" .sh)" "$PASSED" "$FAILED"
    [ "$FAILED" -eq 0 ]
}

# closed_udp_port: a loopback UDP port near the stack's SNMP port where nothing listens.
closed_udp_port() {
    local p=$((PP_SNMP_PORT + 1000))
    while [ -n "$(ss -Hlnu "sport = :$p" 2>/dev/null)" ]; do p=$((p + 1)); done
    echo "$p"
}
