#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# queue_fallback.sh - check_postfix_queue reading the queue files and asking showq
# (postqueue -j) give the same figures on the same queue; the choice between them, and what
# a user who may read neither is told.
#
# Queues 100 deferred and 50 held messages, two copies of a held one arrived 25 min and
# 2 days ago, and, with the stack's pickup service switched off for the length of the test
# (master.cf restored and reloaded at the end), three messages left in maildrop by sendmail.
set -euo pipefail
# shellcheck source=lib/queue.bash
. "$(dirname "$0")/lib/queue.bash"
MASTER_SAVED=$(mktemp)
cp -p "$CONF/master.cf" "$MASTER_SAVED"
restore() {
    postsuper -c "$CONF" -d ALL maildrop >/dev/null 2>&1 || true
    cp -p "$MASTER_SAVED" "$CONF/master.cf" && rm -f "$MASTER_SAVED"
    postfix -c "$CONF" reload >/dev/null 2>&1 || true
    cleanup_queue
}
trap restore EXIT

"$PP_SOURCE_DIR/tests/env/fill-queue.sh" 100 deferred >/dev/null
"$PP_SOURCE_DIR/tests/env/fill-queue.sh" 50 hold >/dev/null
T=$(template user0@hold.test)
craft "$T" hold 1500 >/dev/null
craft "$T" deferred 172800 >/dev/null
postconf -c "$CONF" -M# pickup/unix
postfix -c "$CONF" reload >/dev/null 2>&1
for i in 1 2 3; do
    printf 'Subject: maildrop %s\n\nbody\n' "$i" |
        sendmail -C "$CONF" -f "drop$i@sender$i.example" "r$i@d$i.unreachable.test" "x@hold.test"
done
deadline=$((SECONDS + 10))
while [ "$(count maildrop)" -lt 3 ] && [ $SECONDS -lt $deadline ]; do sleep 0.2; done

# Figures that do not depend on the second the plugin ran: ages go, the rest must be equal.
steady() {
    printf '%s\n' "$1" | sed -e 's/ [a-z]*_oldest=[0-9]*s;[^ ]*//g' -e 's/, oldest [^,;]*//g' \
        -e 's/oldest message [^(]*(/oldest message (/' -e '/^ *source: /d' \
        -e 's/ corrupt=[^ ]*//' -e '/^\[[A-Z]*\] corrupt: /d'
}
run "$PLUGIN" -C "$CONF" --source=direct -v
DIRECT=$OUT DIRECT_RC=$RC
check "direct: -v names the source" out_has "source: the queue files under $QDIR (2 threads;"
run "$PLUGIN" -C "$CONF" --source=showq -v
check "showq: -v names the source" out_has "source: showq through postqueue -j"
check "showq: corrupt files are not visible" out_has "[OK] corrupt: not visible through postqueue -j"
check "showq: same state as direct" rc_is "$DIRECT_RC"
check "showq: same figures as direct (messages, recipients, bytes per queue, domains)" \
    test "$(steady "$OUT")" = "$(steady "$DIRECT")"
check "maildrop is seen, with the file size as its size" all_of \
    'test "$(perf maildrop)" = 3' \
    'test "$(perf maildrop_size)" = "$(count maildrop "map(.message_size) | add")"'

for flags in "-p -m 2" "-s -l -b 5"; do
    # shellcheck disable=SC2086
    run "$PLUGIN" -C "$CONF" --qshape $flags --source=direct
    want=$(sorted_lines "$OUT")
    # shellcheck disable=SC2086
    run "$PLUGIN" -C "$CONF" --qshape $flags --source=showq
    check "--qshape $flags: the same table from showq" \
        all_of 'test "$(sorted_lines "$OUT")" = "$want"' 'out_has TOTAL'
done
check "qshape does not parse maildrop files (T first), the plugin does" \
    test "$(qshape -c "$CONF" maildrop 2>/dev/null | awk '$1 == "TOTAL" { print $2 }')" = 0

run "$PLUGIN" -C "$CONF" --threads 1 -v
check "one thread: the same figures" test "$(steady "$OUT")" = "$(steady "$DIRECT")"

# ---- a user who may not read the queue directories ----
run su nobody -s /bin/sh -c "$PLUGIN -C $CONF --source=direct"
check "unprivileged, --source=direct: UNKNOWN, the directory and the way out" all_of "rc_is 3" \
    'out_is "POSTFIX_QUEUE UNKNOWN - cannot open $QDIR/incoming: Permission denied (run as root or the postfix user, or use --source=showq)"'
# This postqueue accepts -c only for directories the default main.cf lists (there is none
# here), so the fallback itself fails too: both reasons are given.
run su nobody -s /bin/sh -c "$PLUGIN -C $CONF"
check "unprivileged, auto: falls back to postqueue -j and says why both failed" all_of \
    "rc_is 3" 'out_has "POSTFIX_QUEUE UNKNOWN - postqueue "' \
    'out_has "; and directly: cannot open $QDIR/incoming: Permission denied"'
run su postfix -s /bin/sh -c "$PLUGIN -C $CONF -v"
check "the postfix user reads the files" all_of 'test "$RC" = "$DIRECT_RC"' \
    'out_has "source: the queue files under"' 'test "$(steady "$OUT")" = "$(steady "$DIRECT")"'
finish
