#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# roundtrip_echo.sh - check_mail_roundtrip --echo against the stack with an auto-responder
# (a Postfix pipe service answering mail for echo.test by SMTP, as the admin notes'
# procmail recipe does): the reply is found by the probe id in its "Re:" subject, timed and
# deleted; an address that never answers is CRITICAL within -t; a copy of the probe itself
# in the mailbox is not taken for the reply, and is deleted.
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/roundtrip.bash"
LEGS=(-H 127.0.0.1 -p "$PP_SUBMISSION_PORT" -S --cafile "$PP_CA_CERT"
    --authfile "$PP_ALICE_AUTHFILE" --imap-ssl --imap-port "$PP_IMAPS_PORT")
box_expunge "$PP_ALICE_USER"
box_expunge "$PP_BOB_USER"
add_exit 'box_expunge "$PP_ALICE_USER"; box_expunge "$PP_BOB_USER"'
echo_setup echo.test

run "$P" "${LEGS[@]}" --from "$ALICE" --echo ping@echo.test -w 5 -c 10 -t 15
check "the echo comes back" all_of "rc_is 0" stderr_empty \
    'line1_re "^ROUNDTRIP OK - echo from ping@echo.test came back in [0-9.]+ s \(sent in [0-9.]+ s\) \| send=[0-9.]+s;;;0 latency=[0-9.]+s;5;10;0$"'
check "the reply is deleted" box_has "$PP_ALICE_MAILDIR" 0
run "$P" "${LEGS[@]}" --from "$ALICE" --echo ping@echo.test -w 0 -t 15
check "its latency judged" all_of "rc_is 1" 'out_has "ROUNDTRIP WARNING - echo came back in "'

run "$P" "${LEGS[@]}" --from "$ALICE" --echo "$PP_BOB_USER" -t 3
check "an address without responder: CRITICAL within -t" all_of "rc_is 2" "within_t 3" \
    'line1_re "^ROUNDTRIP CRITICAL - echo not answered after [0-9.]+ s \| send=[0-9.]+s;;;0 latency=U;;;0$"'
check "the probe did reach that address" wait_for box_has "$PP_BOB_MAILDIR" 1

run "$P" "${LEGS[@]}" --from "$ALICE" --echo "$ALICE" -t 3
check "the probe itself is no echo" all_of "rc_is 2" 'out_has "ROUNDTRIP CRITICAL - echo not answered after "'
check "and it is deleted" box_has "$PP_ALICE_MAILDIR" 0
finish
