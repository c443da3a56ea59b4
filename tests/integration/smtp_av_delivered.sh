#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# smtp_av_delivered.sh - check_smtp_av against the stack's Postfix without any virus filter:
# with IMAP settings the test virus is found in the mailbox, CRITICAL "virus delivered", and
# deleted; without them an accepted virus is WARNING (or the --accepted state), and the copies
# left in the mailbox count as late deliveries in the next run with IMAP; every MX of a
# domain; a server that cannot be reached is CRITICAL, a refused recipient UNKNOWN; DNS
# failures and bad options are UNKNOWN.
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/smtp_av.bash"
SMTP=(-H 127.0.0.1 -p "$PP_SMTP_PORT")
DOMAIN=(--dns-server "127.0.0.1:$PP_DNS_PORT" -p "$PP_SMTP_PORT")
maildir_clear "$BOX"
add_exit 'maildir_clear "$BOX"'

run "$P" "${SMTP[@]}" "${ADDRS[@]}" "${IMAP[@]}" -t 10
check "virus delivered: CRITICAL at once" all_of "rc_is 2" stderr_empty "at_once_of 10" \
    'line1_re "^ANTIVIRUS CRITICAL - virus delivered: 127.0.0.1 accepted it \(250 2.0.0 Ok: queued as [0-9A-F]+\) and it reached INBOX in [0-9.]+ s \| refused=0;;;0 accepted=1;;;0 delivered=1;;;0$"'
check "and deleted" box_has "$BOX" 0

sent_at=$(date +%s%3N)
run "$P" "${SMTP[@]}" "${ADDRS[@]}"
check "accepted, no mailbox to look into: WARNING" all_of "rc_is 1" \
    'line1_re "^ANTIVIRUS WARNING - 127.0.0.1 accepted the test virus: 250 2.0.0 Ok: queued as [0-9A-F]+ \| refused=0;;;0 accepted=1;;;0 delivered=0;;;0$"'
run "$P" "${SMTP[@]}" "${ADDRS[@]}" --accepted critical
check "--accepted critical" all_of "rc_is 2" 'out_has "ANTIVIRUS CRITICAL - 127.0.0.1 accepted the test virus: 250 "'
run "$P" "${SMTP[@]}" "${ADDRS[@]}" --accepted ok
check "--accepted ok" all_of "rc_is 0" 'out_has "ANTIVIRUS OK - 127.0.0.1 accepted the test virus: 250 "'
wait_for box_has "$BOX" 3
# Test messages of other runs younger than -t are left alone (those runs may be waiting).
while [ "$(date +%s%3N)" -lt $((sent_at + 2500)) ]; do sleep 0.1; done
run "$P" "${SMTP[@]}" "${ADDRS[@]}" "${IMAP[@]}" -t 2
check "the viruses of earlier runs found: delivered late" all_of "rc_is 2" \
    '[ "$(grep -c "^\[CRITICAL\] virus delivered late: smtp_av:[0-9]*-[0-9a-f]* of an earlier run reached INBOX [0-9]* s after it was sent$" <<<"$OUT")" -eq 3 ]' \
    'out_has "delivered=4;;;0"'
check "all deleted" box_has "$BOX" 0

run "$P" --domain good.postprobe.test "${DOMAIN[@]}" "${ADDRS[@]}" --imap-host 127.0.0.1 \
    "${IMAP[@]}" -t 10
check "every MX of a domain delivers" all_of "rc_is 2" \
    'out_has "[CRITICAL] virus delivered: mx1.postprobe.test accepted it (250 "' \
    'out_has "[CRITICAL] virus delivered: mx2.postprobe.test accepted it (250 "' \
    'out_has "| refused=0;;;0 accepted=2;;;0 delivered=2;;;0"'
check "both deleted" box_has "$BOX" 0
run "$P" --domain implicit.postprobe.test "${DOMAIN[@]}" "${ADDRS[@]}" --accepted ok
check "a domain without MX: its own address" all_of "rc_is 0" \
    'out_has "ANTIVIRUS OK - implicit.postprobe.test accepted the test virus: 250 "'
wait_for box_has "$BOX" 1
run "$P" --domain noaddr-mx.postprobe.test "${DOMAIN[@]}" "${ADDRS[@]}"
check "an MX without address is not tested" all_of "rc_is 3" \
    'out_has "ANTIVIRUS UNKNOWN - noaddr-target.postprobe.test: no address found, not tested"'
run "$P" --domain nonexistent.postprobe.test "${DOMAIN[@]}" "${ADDRS[@]}"
check "NXDOMAIN" all_of "rc_is 3" 'out_has "ANTIVIRUS UNKNOWN - cannot find the MX of nonexistent.postprobe.test: "'
run "$P" --domain nullmx.postprobe.test "${DOMAIN[@]}" "${ADDRS[@]}"
check "null MX" all_of "rc_is 3" \
    'out_is "ANTIVIRUS UNKNOWN - nullmx.postprobe.test has a null MX: it takes no mail"'
maildir_clear "$BOX"

fake=$(free_port)
fake_imap "$fake" NOOP
run "$P" "${SMTP[@]}" "${ADDRS[@]}" --imap-port "$fake" --imap-authfile "$PP_ALICE_AUTHFILE" \
    --imap-plaintext --allow-plaintext --imap-authtype PLAIN
check "IMAP leg lost: CRITICAL for it, the virus's fate unknown" all_of "rc_is 2" \
    'out_has "ANTIVIRUS CRITICAL - IMAP leg: connection closed by the server after NOOP"' \
    'out_has "[UNKNOWN] 127.0.0.1 accepted the test virus (250 2.0.0 Ok: queued as "' \
    'out_has "); what became of it is unknown"'
wait_for box_has "$BOX" 1
maildir_clear "$BOX"

closed=$(free_port)
run "$P" -H 127.0.0.1 -p "$closed" "${ADDRS[@]}"
check "a server that cannot be reached: CRITICAL" all_of "rc_is 2" \
    'out_has "ANTIVIRUS CRITICAL - 127.0.0.1: connection to 127.0.0.1 port '"$closed"' refused"'
run "$P" "${SMTP[@]}" --from "$PP_BOB_USER" --to nobody@postprobe.test
check "a refused recipient: UNKNOWN" all_of "rc_is 3" \
    'out_has "ANTIVIRUS UNKNOWN - 127.0.0.1: RCPT TO refused, the test could not run: 550 5.1.1 "'
run "$P" "${ADDRS[@]}"
check "-H or --domain" all_of "rc_is 3" 'out_is "ANTIVIRUS UNKNOWN - give either -H HOST or --domain DOMAIN"'
run "$P" "${SMTP[@]}" --to "$ALICE"
check "--from is required" all_of "rc_is 3" 'out_has "--from and --to ADDRESS are required"'
run "$P" "${SMTP[@]}" "${ADDRS[@]}" --accepted maybe
check "a bad state" all_of "rc_is 3" 'out_has "ANTIVIRUS UNKNOWN - "' 'out_has "maybe"'
check "nothing left in the mailbox" box_has "$BOX" 0
finish
