# SPDX-License-Identifier: GPL-3.0-or-later
# expect.bash - small assertions for integration test scripts (sourced, not a test itself).
#
#   run CMD...                 runs CMD, sets $OUT (stdout), $ERR (stderr), $RC, $SECS
#                              (and $USECS, the same in microseconds)
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
OUT= ERR= RC=0 SECS=0 USECS=0

# run forks only the command: the clock is bash's own, the stderr file one per shell in the
# stack's directory (removed with the stack). bad_values alone makes 2000 runs.
run() {
    local t0 e=${PP_STACK_DIR:-/tmp/postprobe-stack}/run-err.$BASHPID
    t0=${EPOCHREALTIME//[.,]/}
    RC=0
    OUT=$("$@" 2>"$e") || RC=$?
    USECS=$((${EPOCHREALTIME//[.,]/} - t0))
    ERR=$(<"$e")
    printf -v SECS '%d.%02d' $((USECS / 1000000)) $((USECS % 1000000 / 10000))
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
# usec VAR SECONDS: VAR = SECONDS (a decimal like 2 or 0.5) in microseconds.
usec() {
    local i=${2%%.*} f=
    [[ $2 != *.* ]] || f=${2#*.}
    f=${f}000000
    printf -v "$1" '%d' $((10#${i:-0} * 1000000 + 10#${f:0:6}))
}
faster_than() {
    local m
    usec m "$1"
    [ "$USECS" -lt "$m" ]
}
# Bounds on a run's time, never its digits. A plugin promises to end within -t plus 1 s (to
# start and to print, also on a loaded machine): within_t T. "At once" means well before the
# time limit it was given, less than a third of it: at_once_of T (give the run a -t of 10).
within_t() {
    local m
    usec m "$1"
    [ "$USECS" -lt $((m + 1000000)) ]
}
at_once_of() {
    local m
    usec m "$1"
    [ "$USECS" -lt $((m / 3)) ]
}
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
