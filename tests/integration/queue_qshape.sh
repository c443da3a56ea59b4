#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# queue_qshape.sh - check_postfix_queue on the stack's real queue: the same table as qshape
# (recipient and sender domains, parent domains, geometric and linear buckets), the same
# counts as postqueue -j, and every threshold.
#
# Queues 200 deferred and 100 held messages (fill-queue.sh: 10 sender and 10 recipient
# domains, sender0 -> user0@hold.test or @unreachable.test, senderK -> dK.*), and six copies
# of a held one (sender0.example -> hold.test) arrived 7 min to 4 days ago (their T record
# rewritten) into hold and six into deferred (with a retry time a day ahead, so that qmgr
# leaves them alone). Removes all it queued at the end.
set -euo pipefail
# shellcheck source=lib/queue.bash
. "$(dirname "$0")/lib/queue.bash"

"$PP_SOURCE_DIR/tests/env/fill-queue.sh" 200 deferred >/dev/null
"$PP_SOURCE_DIR/tests/env/fill-queue.sh" 100 hold >/dev/null
T=$(template user0@hold.test)
# Ages in the middle of qshape's buckets: 7, 25, 50 min, 3 h, 30 h, 4 d.
for age in 420 1500 3000 10800 108000 345600; do
    craft "$T" hold "$age" >/dev/null
    craft "$T" deferred "$age" >/dev/null
done
DEF=$(count deferred) HOLD=$(count hold) ALL=$(postqueue -c "$CONF" -j | wc -l)

# ---- the table, as qshape prints it ----
for flags in "" "-s" "-p -m 2" "-l -b 6 -t 10" "-b 4 -t 30" "-w 100"; do
    # shellcheck disable=SC2086
    want=$(sorted_lines "$(qshape -c "$CONF" $flags hold deferred)")
    pflags=${flags/-t/-T}
    pflags=${pflags/-w/--width}
    # shellcheck disable=SC2086
    run "$PLUGIN" -C "$CONF" --qshape $pflags hold deferred
    check "--qshape $pflags: qshape's table" \
        all_of 'test "$(sorted_lines "$OUT")" = "$want"' stderr_empty 'out_has "TOTAL"'
done
check "--qshape: exit status of the check (held mail: WARNING)" rc_is 1
# No queue named: qshape shows incoming and active; so does --qshape (not the held and
# deferred mail above).
want=$(sorted_lines "$(qshape -c "$CONF")")
run "$PLUGIN" -C "$CONF" --qshape
check "--qshape without QUEUE: qshape's queues (incoming, active)" \
    all_of 'test "$(sorted_lines "$OUT")" = "$want"' stderr_empty 'out_has "TOTAL"'

# ---- counts against postqueue -j ----
run "$PLUGIN" -C "$CONF"
check "held mail: WARNING by default, named first" all_of "rc_is 1" \
    'out_has "POSTFIX_QUEUE WARNING - hold: $HOLD messages, $HOLD recipients, "'
for q in deferred hold; do
    check "$q: messages as postqueue -j" test "$(perf "$q")" = "$(count $q)"
    check "$q: recipients as postqueue -j" \
        test "$(perf "${q}_recipients")" = "$(count $q 'map(.recipients | length) | add')"
    check "$q: bytes as postqueue -j" \
        test "$(perf "${q}_size")" = "$(count $q 'map(.message_size) | add')"
done
check "total: all queues" test "$(perf total)" = "$ALL"
check "summary line" out_has "$ALL messages (deferred $DEF, hold $HOLD) |"
check "oldest from the T record, not the file time" out_has "[OK] oldest message 4.0 d (deferred)"
check "top domains in the long output" out_has "[OK] deferred top recipient domains: \
unreachable.test 20, d1.unreachable.test 20, d2.unreachable.test 20, d3.unreachable.test 20, \
d4.unreachable.test 20"
check "no perfdata per domain" test "$(grep -c unreachable <<<"${OUT%%$'\n'*}")" = 0

# ---- thresholds ----
run "$PLUGIN" -C "$CONF" -w 100 -c 300
check "-w/-c judge the total" all_of "rc_is 2" \
    'out_has "POSTFIX_QUEUE CRITICAL - $ALL messages in the queue, "' \
    'out_has "total=$ALL;100;300;0"'
run "$PLUGIN" -C "$CONF" --hold=, --deferred=100,1000
check "--hold=, turns the default off; --deferred" all_of "rc_is 1" \
    'out_has "POSTFIX_QUEUE WARNING - deferred: $DEF messages"' 'out_has "hold=$HOLD;;;0"'
run "$PLUGIN" -C "$CONF" --hold=200,300 --oldest=3600,86400
check "--oldest: 4 days in deferred (hold is left out of it)" all_of "rc_is 2" \
    'out_has "POSTFIX_QUEUE CRITICAL - oldest message 4.0 d (deferred)"' \
    'out_has " deferred_oldest=3456"' 'out_has " hold_oldest=3456"'
run "$PLUGIN" -C "$CONF" --hold=200,300 --older-than=1800 --older=3,10
check "--older: the four deferred copies older than 30 min" all_of "rc_is 1" \
    'out_has "WARNING - 4 messages older than 30 min"' 'out_has "older=4;3;10;0"'
run "$PLUGIN" -C "$CONF" --hold=200,300 --domain=10,20
check "--domain: the busiest recipient domain over all queues" all_of "rc_is 2" \
    'out_has "CRITICAL - busiest recipient domain hold.test: 22 recipients"'
run "$PLUGIN" -C "$CONF" -s --domain=1000,2000 deferred
check "-s: sender domains" all_of "rc_is 0" \
    'out_has "[OK] deferred top sender domains: sender0.example 26, sender1.example 20"'
run "$PLUGIN" -C "$CONF" --perf-buckets hold
check "--perf-buckets: one item per bucket of each queue asked for" all_of "rc_is 1" \
    'out_has " hold_age_5=100;;;0 hold_age_10=1;;;0 hold_age_20=0;;;0 hold_age_40=1;;;0 "' \
    'out_has " hold_age_1280+=2;;;0 "' '! out_has deferred'

# ---- machine formats ----
run "$PLUGIN" -C "$CONF" --format json
check "json: valid, with the queue figures" all_of "rc_is 1" \
    "printf '%s' \"\$OUT\" | jq -e '.perfdata[] | select(.label == \"deferred\") | .value == $DEF' >/dev/null"
run "$PLUGIN" -C "$CONF" --format openmetrics
# -C names the instance: every sample carries it as postfix_instance (core/metrics.h).
I="postfix_instance=\"$CONF\""
check "openmetrics: metrics with queue and instance labels" all_of "rc_is 1" \
    'out_has "postfix_queue_messages{queue=\"deferred\",$I} $DEF"' \
    'out_has "postfix_queue_size_bytes{queue=\"hold\",$I} "' 'out_has "# EOF"'

# ---- options ----
run "$PLUGIN" -C "$CONF" nosuchqueue
check "unknown queue: UNKNOWN" all_of "rc_is 3" 'out_is "POSTFIX_QUEUE UNKNOWN - unknown queue '"'"'nosuchqueue'"'"' (incoming, active, deferred, hold, maildrop, corrupt)"'
run "$PLUGIN" -C /nonexistent
check "bad config directory: UNKNOWN naming it" all_of "rc_is 3" 'out_has "/nonexistent"'
finish
