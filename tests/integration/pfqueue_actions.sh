#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# pfqueue_actions.sh - pfqueue's --hold, --release, --requeue and --delete against the stack's
# Postfix: they act through postsuper on exactly the selected messages, never on another one.
#
# Queues two messages to select and two to keep (one deferred, one held), all of its own.
# Each step compares this run's postqueue -j lines before and after: a dry run or a refused
# command changes nothing; --yes changes the selected messages and leaves the kept ones
# byte for byte as they were (same id, queue, arrival, reason). Deletes its messages at the end.
set -euo pipefail
# shellcheck source=lib/pfqueue.bash
. "$(dirname "$0")/lib/pfqueue.bash"

T=$TOKEN
inject "m1@sel.$T.example" "r1-$T@unreachable.test" "$T select 1"
inject "m2@sel.$T.example" "r2-$T@unreachable.test" "$T select 2"
inject "k1@keep.$T.example" "r3-$T@unreachable.test" "$T keep deferred"
inject "k2@keep.$T.example" "r4-$T@hold.test" "$T keep held"
settle deferred 3
settle hold 1

SEL="sel\.$T\."
selected() { ids_where '.sender | contains("@sel.")' | paste -sd' '; }
in_queue() { ids_where ".queue_name == \"$1\"" | paste -sd' '; }
kept() { mine | grep -F "@keep.$T."; }
M=$(selected)
KEPT=$(kept)
BEFORE=$(mine)
unchanged() { [ "$(mine)" = "$BEFORE" ]; }
kept_unchanged() { [ "$(kept)" = "$KEPT" ]; }
listed() { [ "$(printf '%s\n' "$OUT" | grep -v '^#' | cut -f1 | sort | paste -sd' ')" = "$M" ]; }
# postsuper_said SUMMARY [VERB]: postsuper's summary on stderr; with VERB (pfqueue -v) also
# its line for each message, naming exactly the selected ids.
postsuper_said() {
    [ "$(printf '%s\n' "$ERR" | tail -1)" = "postsuper: $1" ] &&
        [ "$(printf '%s\n' "$ERR" | grep -v -e "postsuper: $1" -e '^pfqueue: source: ' | sort)" = \
            "$(for id in ${2:+$M}; do echo "postsuper: $id: $2"; done)" ]
}

check "setup: two selected, two kept" test "$(wc -w <<<"$M") $(wc -l <<<"$KEPT")" = "2 2"

# ---- dry runs and refusals change nothing ----
run "$PFQ" -C "$CONF" --from "$SEL" --hold
check "dry run --hold: lists the selected ids, says so, changes nothing" all_of "rc_is 0" listed \
    '[ "$ERR" = "pfqueue: dry run: 2 messages would be put on hold; add --yes to do it" ]' unchanged
run "$PFQ" -C "$CONF" --from "$SEL" --delete --format json
check "dry run --delete: changes nothing" all_of "rc_is 0" \
    '[ "$(printf "%s\n" "$OUT" | jq -r .queue_id | sort | paste -sd" ")" = "$M" ]' \
    '[[ $ERR == *"2 messages would be deleted"* ]]' unchanged
run "$PFQ" -C "$CONF" --delete --yes
check "--delete --yes without a filter: refused" all_of "rc_is 3" \
    'out_is "PFQUEUE UNKNOWN - an action needs a filter (--from, --to, --from-or-to, --relay, --subject, --queue, --older-than or --expired); refusing to act on every message"' \
    unchanged
run "$PFQ" -C "$CONF" --from "$SEL" --hold --delete --yes
check "two actions: refused" all_of "rc_is 3" \
    'out_is "PFQUEUE UNKNOWN - give one action: --hold, --release, --requeue or --delete"' unchanged
run "$PFQ" -C "$CONF" --from "$SEL" --stat --delete
check "--stat with an action: refused" all_of "rc_is 3" unchanged
run "$PFQ" -C "$CONF" --from "$SEL" --yes
check "--yes without an action: refused" all_of "rc_is 3" unchanged
run "$PFQ" -C "$CONF" --from "nothing-$T" --delete --yes
check "--yes with nothing selected: says so, changes nothing" all_of "rc_is 0" 'out_is ""' \
    '[ "$ERR" = "pfqueue: no message selected, nothing deleted" ]' unchanged

# ---- --yes acts on exactly the selected messages ----
run "$PFQ" -C "$CONF" --from "$SEL" --hold --yes -v
check "--hold --yes: postsuper holds the two" all_of "rc_is 0" listed \
    'postsuper_said "Placed on hold: 2 messages" "placed on hold"'
check "--hold --yes: the selected are held, the kept untouched" \
    all_of '[ "$(in_queue hold)" = "$(printf "%s\n" $M $(ids_where ".sender | startswith(\"k2@\")") | sort | paste -sd" ")" ]' \
    kept_unchanged

run "$PFQ" -C "$CONF" --from "$SEL" --release --yes
check "--release --yes: postsuper releases the two" all_of "rc_is 0" listed \
    'postsuper_said "Released from hold: 2 messages"'
settle hold 1
check "--release --yes: out of hold, the held kept message still held" \
    all_of '[ -z "$(ids_where ".queue_name == \"hold\" and (.sender | contains(\"@sel.\"))")" ]' \
    kept_unchanged

settle deferred 3
M=$(selected)
run "$PFQ" -C "$CONF" --from "$SEL" --queue deferred --requeue --yes
check "--requeue --yes: postsuper requeues the two" all_of "rc_is 0" listed \
    'postsuper_said "Requeued: 2 messages"'
# requeued mail waits in maildrop for pickup's next wakeup (60 s); wake it now
postkick -c "$CONF" public pickup W
settle deferred 3
check "--requeue --yes: both back in the queue, the kept untouched" \
    all_of '[ "$(selected | wc -w)" -eq 2 ]' kept_unchanged

M=$(selected)
run "$PFQ" -C "$CONF" --from "$SEL" --delete --yes -v
check "--delete --yes: postsuper deletes the two" all_of "rc_is 0" listed \
    'postsuper_said "Deleted: 2 messages" "removed"'
check "--delete --yes: the selected are gone, the kept untouched" \
    all_of '[ -z "$(selected)" ]' kept_unchanged

finish
