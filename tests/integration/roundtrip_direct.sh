#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# roundtrip_direct.sh - check_mail_roundtrip against the stack: a probe sent by submission
# (STARTTLS + AUTH) and read over IMAPS, its latency measured and the probe deleted; latency
# thresholds; a probe to a domain the stack defers is CRITICAL within -t; a probe held in
# the queue counts, once released, as a late delivery in the next run; old probes are swept
# and other messages left alone; a stuck or refusing SMTP leg and a stuck or refusing IMAP
# leg are told apart; bad options are UNKNOWN.
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/roundtrip.bash"
SUBMIT=(-H 127.0.0.1 -p "$PP_SUBMISSION_PORT" -S --cafile "$PP_CA_CERT"
    --authfile "$PP_ALICE_AUTHFILE")
IMAPS=(--imap-ssl --imap-port "$PP_IMAPS_PORT")
PLAIN=(-H 127.0.0.1 -p "$PP_SMTP_PORT" --imap-port "$PP_IMAP_PORT" --cafile "$PP_CA_CERT"
    --imap-authfile "$PP_ALICE_AUTHFILE")
maildir_clear "$BOX"
add_exit 'maildir_clear "$BOX"; queue_purge unreachable.test; postsuper -c "$PF_DIR" -d ALL hold >/dev/null 2>&1'

# --- delivered: latency measured, probe deleted ---------------------------------------------
run "$P" "${SUBMIT[@]}" "${IMAPS[@]}" --from "$ALICE" --to "$ALICE" -w 5 -c 10 -t 15
check "delivered through submission and IMAPS" all_of "rc_is 0" stderr_empty \
    'out_has "ROUNDTRIP OK - probe delivered in "' \
    'line1_re "\| send=[0-9.]+s;;;0 latency=0\.[0-9]+s;5;10;0$"'
check "the probe is deleted" test "$(maildir_count "$BOX")" -eq 0
run "$P" "${SUBMIT[@]}" "${IMAPS[@]}" --from "$ALICE" --to "$ALICE" -w 0 -c 10 -t 15
check "latency above -w is WARNING" all_of "rc_is 1" 'out_has "ROUNDTRIP WARNING - probe delivered in "'

# --- never delivered: CRITICAL in time, not the generic timeout line --------------------
run "$P" "${PLAIN[@]}" --from "$ALICE" --to probe@unreachable.test -t 3
check "deferred probe: CRITICAL before -t" all_of "rc_is 2" "within_t 3" \
    'line1_re "^ROUNDTRIP CRITICAL - probe not delivered after 2(\.[0-9])? s \| send=[0-9.]+s;;;0 latency=U;;;0$"'
queue_purge unreachable.test

# --- late delivery: held in the queue, released, counted in the next run -----------------
pf_change "header_checks = regexp:$PP_STACK_DIR/hold_late.regexp"
add_exit 'rm -f "$PP_STACK_DIR/hold_late.regexp"'
printf '/^X-Postprobe-Id: late:/ HOLD roundtrip test\n' >"$PP_STACK_DIR/hold_late.regexp"
pf_reload
held_at=$(date +%s%3N)
run "$P" "${PLAIN[@]}" --from "$ALICE" --to "$ALICE" --tag late -t 2
check "held probe: not delivered" all_of "rc_is 2" 'line1_re "probe not delivered after [0-9.]+ s"'
pf_change "header_checks ="
postsuper -c "$PF_DIR" -H ALL >/dev/null 2>&1
postqueue -c "$PF_DIR" -f
check "released probe arrives" wait_for box_has "$BOX" 1
# The next run (same -t) takes it for late once it is older than -t: no run can wait longer.
while [ "$(date +%s%3N)" -lt $((held_at + 2500)) ]; do sleep 0.1; done
run "$P" "${PLAIN[@]}" --from "$ALICE" --to "$ALICE" --tag late -w 1.5 -c 60 -t 2
check "the late probe counts towards the latency" all_of "rc_is 1" \
    'out_has "ROUNDTRIP WARNING - probe late:"' 'out_has " of an earlier run arrived late, "' \
    'line1_re "latency=[2-9](\.[0-9]+)?s;1\.5;60;0$"' \
    'out_has "[OK] probe delivered in 0."'
check "both probes deleted" test "$(maildir_count "$BOX")" -eq 0

# --- sweeping: old probes of the tag go, other mail stays --------------------------------
old_ms=$(($(date +%s) * 1000 - 7200000))
inject() { # SUBJECT [HEADER]
    swaks --silent 2 --server "127.0.0.1:$PP_SMTP_PORT" --from "$ALICE" --to "$ALICE" \
        --header "Subject: $1" ${2:+--add-header "$2"} >/dev/null
}
inject "postprobe mail_roundtrip:$old_ms-0000abcd" "X-Postprobe-Id: mail_roundtrip:$old_ms-0000abcd"
inject "postprobe other:$old_ms-0000abcd" "X-Postprobe-Id: other:$old_ms-0000abcd"
inject "a letter about mail_roundtrip:$old_ms-0000abcd"
inject "no id here" "X-Postprobe-Id: mail_roundtrip:garbage"
wait_for box_has "$BOX" 4
run "$P" "${PLAIN[@]}" --from "$ALICE" --to "$ALICE" -t 10
check "an old probe is swept silently" all_of "rc_is 0" \
    'out_has "[OK] deleted 1 probe older than 3600 s"' 'out_has "ROUNDTRIP OK - probe delivered"'
check "other tags, plain letters and messages without an id stay" \
    test "$(maildir_count "$BOX")" -eq 3
maildir_clear "$BOX"

# --- the SMTP leg and the IMAP leg fail differently ---------------------------------------
closed=$(free_port)
run "$P" -H 127.0.0.1 -p "$closed" --imap-port "$PP_IMAP_PORT" --cafile "$PP_CA_CERT" \
    --imap-authfile "$PP_ALICE_AUTHFILE" --from "$ALICE" --to "$ALICE" -t 5
check "SMTP leg refused" all_of "rc_is 2" \
    'out_has "ROUNDTRIP CRITICAL - SMTP leg: connection to 127.0.0.1 port '"$closed"' refused"'
silent=$(free_port)
silent_server "$silent"
run "$P" -H 127.0.0.1 -p "$silent" --imap-port "$PP_IMAP_PORT" --cafile "$PP_CA_CERT" \
    --imap-authfile "$PP_ALICE_AUTHFILE" --from "$ALICE" --to "$ALICE" -t 2
check "SMTP leg stuck: its own words, before -t" all_of "rc_is 2" "within_t 2" \
    'out_has "ROUNDTRIP CRITICAL - SMTP leg: timed out after 1."' 'out_has "waiting for the banner"'
run "$P" -H 127.0.0.1 -p "$PP_SMTP_PORT" --imap-port "$silent" \
    --imap-authfile "$PP_ALICE_AUTHFILE" --from "$ALICE" --to "$ALICE" -t 2
check "IMAP leg stuck: its own words, before -t" all_of "rc_is 2" "within_t 2" \
    'out_has "ROUNDTRIP CRITICAL - IMAP leg: timed out after 1."' 'out_has "waiting for the greeting"'
check "nothing is sent while the IMAP leg is down" test "$(maildir_count "$BOX")" -eq 0
fake=$(free_port)
fake_imap "$fake" NOOP
# a plaintext fake offering only PLAIN: both flags and the explicit mechanism are needed
run "$P" -H 127.0.0.1 -p "$PP_SMTP_PORT" --imap-port "$fake" --imap-plaintext --allow-plaintext \
    --imap-authtype PLAIN --imap-authfile "$PP_ALICE_AUTHFILE" --from "$ALICE" --to "$ALICE" -t 5
check "IMAP leg lost while waiting: that, not a lost probe" all_of "rc_is 2" \
    'out_is "ROUNDTRIP CRITICAL - IMAP leg: connection closed by the server after NOOP | send=$(sed -n "s/.*send=\([0-9.]*s\).*/\1/p" <<<"$OUT");;;0 latency=U;;;0"'
wait_for box_has "$BOX" 1
maildir_clear "$BOX"
AUTH=$PP_STACK_DIR/roundtrip-bad.auth
printf 'user = %s\npassword = wrong\n' "$ALICE" >"$AUTH"
chmod 600 "$AUTH"
add_exit 'rm -f "$AUTH"'
run "$P" -H 127.0.0.1 -p "$PP_SMTP_PORT" --imap-port "$PP_IMAP_PORT" --cafile "$PP_CA_CERT" \
    --imap-authfile "$AUTH" \
    --from "$ALICE" --to "$ALICE" -t 5
check "IMAP leg refuses the login" all_of "rc_is 2" \
    'out_has "ROUNDTRIP CRITICAL - IMAP leg: AUTH SCRAM-SHA-256 rejected for '"$ALICE"'"'
run "$P" "${PLAIN[@]}" --imap-mailbox NoSuchBox --from "$ALICE" --to "$ALICE" -t 5
check "IMAP leg: no such mailbox" all_of "rc_is 2" \
    'out_has "ROUNDTRIP CRITICAL - IMAP leg: SELECT \"NoSuchBox\" failed: NO "'
run "$P" "${PLAIN[@]}" --from "$ALICE" --to nobody@postprobe.test -t 5
check "SMTP leg refuses the recipient" all_of "rc_is 2" \
    'out_has "ROUNDTRIP CRITICAL - SMTP leg: RCPT TO refused: 550 5.1.1 <nobody@postprobe.test>"'

# --- bad options ---------------------------------------------------------------------------
run "$P" "${PLAIN[@]}" --to "$ALICE"
check "--from is required" all_of "rc_is 3" 'out_has "ROUNDTRIP UNKNOWN - --from ADDRESS is required"'
run "$P" "${PLAIN[@]}" --from "$ALICE" --to "$ALICE" --echo x@echo.test
check "--to and --echo exclude each other" all_of "rc_is 3" 'out_has "give either --to ADDRESS or --echo ADDRESS"'
run "$P" "${PLAIN[@]}" --from "$ALICE" --to "$ALICE" --tag "a:b"
check "a bad tag" all_of "rc_is 3" 'out_has "--tag: 1 to 32 letters"'
run "$P" -H 127.0.0.1 --from "$ALICE" --to "$ALICE"
check "the IMAP leg needs a login" all_of "rc_is 3" 'out_has "ROUNDTRIP UNKNOWN - IMAP leg: no login"'
run "$P" "${PLAIN[@]}" -S -s --from "$ALICE" --to "$ALICE"
check "-S and -s" all_of "rc_is 3" 'out_has "SMTP leg: STARTTLS and implicit TLS exclude each other"'
check "nothing left in the mailbox" test "$(maildir_count "$BOX")" -eq 0
finish
