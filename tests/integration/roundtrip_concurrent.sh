#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# roundtrip_concurrent.sh - runs of check_mail_roundtrip at the same time with the same tag
# (a check re-run while the last run still waits, two monitoring servers) leave each
# other's probes alone: five runs at once all find their own probe, OK, and none counts
# another's as late; a probe of another run younger than -t stays in the mailbox, one
# older counts as late and is deleted.
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/roundtrip.bash"
PLAIN=(-H 127.0.0.1 -p "$PP_SMTP_PORT" --imap-port "$PP_IMAP_PORT" --cafile "$PP_CA_CERT"
    --imap-authfile "$PP_ALICE_AUTHFILE" --from "$ALICE" --to "$ALICE" --tag together)
TMP=$(mktemp -d)
maildir_clear "$BOX"
add_exit 'maildir_clear "$BOX"; rm -rf "$TMP"'

# --- five runs at once ----------------------------------------------------------------------
for i in 1 2 3 4 5; do
    rc=0
    { "$P" "${PLAIN[@]}" -w 5 -c 8 -t 10 >"$TMP/out.$i" 2>"$TMP/err.$i" || rc=$?; echo "$rc" >"$TMP/rc.$i"; } &
done
wait
for i in 1 2 3 4 5; do
    OUT=$(cat "$TMP/out.$i") ERR=$(cat "$TMP/err.$i") RC=$(cat "$TMP/rc.$i")
    check "run $i of 5 at once: OK, its own probe found" all_of "rc_is 0" stderr_empty \
        'line1_re "^ROUNDTRIP OK - probe delivered in [0-9.]+ s \(sent in [0-9.]+ s\) \| "'
    check "run $i of 5 at once: no probe of the others counted late" \
        all_of '! out_has "arrived late"' '! out_has "deleted "'
done
check "all five probes deleted, by their own runs" test "$(maildir_count "$BOX")" -eq 0

# --- another run's probe: awaited while younger than -t, late after ------------------------
inject() { # MS
    swaks --silent 2 --server "127.0.0.1:$PP_SMTP_PORT" --from "$ALICE" --to "$ALICE" \
        --header "Subject: postprobe together:$1-0000abcd" \
        --add-header "X-Postprobe-Id: together:$1-0000abcd" >/dev/null
}
inject $(($(date +%s%3N) - 2500))
wait_for box_has "$BOX" 1
run "$P" "${PLAIN[@]}" -w 5 -c 8 -t 10
check "a probe of another run younger than -t is left alone" all_of "rc_is 0" \
    'out_has "ROUNDTRIP OK - probe delivered in "' \
    'out_has "[OK] left alone 1 probe younger than 10 s that other runs may still be waiting for"' \
    '! out_has "arrived late"' 'line1_re "latency=0\.[0-9]+s;5;8;0$"'
check "... and stays in the mailbox" test "$(maildir_count "$BOX")" -eq 1
run "$P" "${PLAIN[@]}" -w 5 -c 8 -t 2
check "once older than -t, it arrived late: counted and deleted" all_of "rc_is 0" \
    'out_has "[OK] probe together:"' 'out_has "-0000abcd of an earlier run arrived late, "' \
    '! out_has "left alone"' 'line1_re "latency=[2-5](\.[0-9]+)?s;5;8;0$"'
check "... and is gone" test "$(maildir_count "$BOX")" -eq 0
finish
