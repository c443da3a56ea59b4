#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# load_queue.sh - check_postfix_queue (direct reading and --source showq) run over and over
# while 5000 messages are injected and go through incoming, active and deferred
# (tests/env/fill-queue.sh): no crash, nothing on stderr, and figures that can be true: no
# negative count, size or age, the total the sum of the queues, no queue with fewer
# recipients than messages (deferred, hold), never more messages than were ever queued.
# The messages are deleted afterwards.
set -euo pipefail
. "$(dirname "$0")/lib/common.bash"

P=$PP_BUILD_DIR/plugins/check_postfix_queue
CONF=$PP_POSTFIX_CONFIG_DIR
N=5000
fill_pid=

# The messages fill-queue.sh made (senders senderK@senderK.example), wherever they are.
delete_fill() {
    postqueue -c "$CONF" -j 2>/dev/null |
        grep -E '"sender": *"sender[0-9]+@sender[0-9]+\.example"' |
        sed -E 's/.*"queue_id": *"([0-9A-Za-z]+)".*/\1/' |
        postsuper -c "$CONF" -d - >/dev/null 2>&1 || true
}
cleanup() {
    [ -z "$fill_pid" ] || wait "$fill_pid" 2>/dev/null || true
    delete_fill
}
trap cleanup EXIT

before=$(find "$PP_POSTFIX_QUEUE_DIR"/{incoming,active,deferred,hold,maildrop} -type f | wc -l)
limit=$((before + N))

# sane: the figures of the last run can all be true at once.
sane() {
    local perf=${OUT%%$'\n'*}
    perf=${perf#*| }
    awk -v limit="$limit" '
        { for (i = 1; i <= NF; i++) { split($i, kv, "="); split(kv[2], f, ";");
              v = f[1]; sub(/[a-zA-Z]+$/, "", v); val[kv[1]] = v + 0;
              if (v + 0 < 0) { print "negative " $i; bad = 1 } } }
        END {
            sum = val["incoming"] + val["active"] + val["deferred"] + val["hold"] + val["maildrop"]
            if (val["total"] != sum) { print "total " val["total"] " != " sum; bad = 1 }
            if (val["total"] > limit) { print "total " val["total"] " > " limit; bad = 1 }
            if (val["deferred_recipients"] < val["deferred"]) { print "deferred recipients"; bad = 1 }
            if (val["hold_recipients"] < val["hold"]) { print "hold recipients"; bad = 1 }
            exit bad }' <<<"$perf"
}

PP_STACK_DIR=$PP_STACK_DIR bash "$PP_SOURCE_DIR/tests/env/fill-queue.sh" $N >/dev/null &
fill_pid=$!
runs=0 bad=0 first= seen_max=0 end=$((SECONDS + 60))
while [ $SECONDS -lt $end ]; do
    for src in "" "--source showq"; do
        # shellcheck disable=SC2086
        run "$P" -C "$CONF" -t 20 $src
        runs=$((runs + 1))
        why=$(sane 2>&1) || true
        if [ "$RC" -gt 2 ] || [ -n "$ERR" ] || [ -n "$why" ] ||
            ! [[ $OUT =~ ^POSTFIX_QUEUE\ (OK|WARNING|CRITICAL)\ -\ . ]]; then
            bad=$((bad + 1))
            [ -n "$first" ] || first="run $runs ($src): $why rc=$RC ${OUT%%$'\n'*} $ERR"
        fi
        t=$(grep -m1 -oE 'total=[0-9]+' <<<"$OUT" | cut -d= -f2)
        [ "${t:-0}" -le "$seen_max" ] || seen_max=$t
    done
    # Go on until the filling is over and its messages have been deferred.
    if ! kill -0 "$fill_pid" 2>/dev/null && [ -z "$(find "$PP_POSTFIX_QUEUE_DIR"/{incoming,active} -type f)" ]; then
        break
    fi
done
fill_rc=0
wait "$fill_pid" || fill_rc=$?
fill_pid=
echo "load_queue: $runs runs while $N messages were queued; largest total seen $seen_max"
check "fill-queue.sh queued $N messages" [ "$fill_rc" -eq 0 ]
check "the queue was seen filling" [ "$seen_max" -gt 0 ]
OUT=$first RC=$bad
check "$runs runs, all with a state and figures that can be true" [ "$bad" -eq 0 ]
finish
