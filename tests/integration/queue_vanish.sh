#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# queue_vanish.sh - messages removed while check_postfix_queue scans (delivered, deleted) are
# skipped without a word: no read error, no corrupt file, never more messages than were there.
#
# Queues 3000 held messages, then deletes them with postsuper in the background while the
# plugin scans again and again (one thread and two), until they are gone.
set -euo pipefail
# shellcheck source=lib/queue.bash
. "$(dirname "$0")/lib/queue.bash"

N=3000
"$PP_SOURCE_DIR/tests/env/fill-queue.sh" $N hold >/dev/null
BEFORE=$(count hold)
all_ids | comm -13 "$BEFORE_IDS" - >"$BEFORE_IDS.mine"
run "$PLUGIN" -C "$CONF" --hold=, hold
check "all $BEFORE held messages seen before the deletion" out_has "hold=$BEFORE;;;0 "

postsuper -c "$CONF" -d - hold <"$BEFORE_IDS.mine" >/dev/null 2>&1 &
DELETER=$!
runs=0 bad=0 vanished=0 partial=0
while kill -0 "$DELETER" 2>/dev/null || [ $runs -lt 2 ]; do
    run "$PLUGIN" -C "$CONF" --hold=, --threads $((1 + runs % 2)) -v hold
    runs=$((runs + 1))
    n=$(perf hold)
    if [ "$RC" -ne 0 ] || [ -n "$ERR" ] || ! out_has "[OK] corrupt: 0 files" ||
        out_has "could not be read" || [ "$n" -gt "$BEFORE" ]; then
        bad=$((bad + 1))
        sed -n '1,3s/^/    run: /p' <<<"$OUT"
        [ -z "$ERR" ] || sed -n '1,10s/^/    stderr: /p' <<<"$ERR"
    fi
    [ "$n" -lt "$BEFORE" ] && [ "$n" -gt 0 ] && partial=$((partial + 1))
    [[ $OUT =~ ,\ ([1-9][0-9]*)\ gone\ while\ scanning ]] && vanished=$((vanished + 1))
done
wait "$DELETER" || true
rm -f "$BEFORE_IDS.mine"
echo "    $runs scans during the deletion, $partial saw part of the queue, $vanished met vanished files"
check "every scan during the deletion: OK, no read error, nothing corrupt" test "$bad" -eq 0
check "scans ran while the queue was being emptied" test "$partial" -ge 1
run "$PLUGIN" -C "$CONF" --hold=, hold
check "afterwards: none of them left" out_has "hold=$((BEFORE - N));;;0 "
finish
