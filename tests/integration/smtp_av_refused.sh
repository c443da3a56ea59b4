#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# smtp_av_refused.sh - check_smtp_av against the stack's Postfix with a body_checks rule
# that refuses the EICAR test file (an anti-virus stand-in: ClamAV cannot load signatures
# offline): refused at the end of DATA is OK with the reply shown, on port 25, through
# submission with STARTTLS and AUTH, and on every MX of a domain; a rule that discards it
# is OK with the IMAP settings (quarantined); a temporary refusal is a WARNING.
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/smtp_av.bash"
RULES=$PP_STACK_DIR/av_body_checks.regexp
maildir_clear "$BOX"
add_exit 'rm -f "$RULES"; maildir_clear "$BOX"'
rule() { # ACTION: body_checks on the first base64 line of the attached test file
    printf '/^%s/ %s\n' "$(eicar | base64 -w 76 | head -n 1)" "$1" >"$RULES"
    pf_change "body_checks = regexp:$RULES"
}
perf() { echo "| refused=$1;;;0 accepted=$2;;;0 delivered=$3;;;0"; }

rule "REJECT 5.7.1 virus found by the postprobe test rule"
run "$P" -H 127.0.0.1 -p "$PP_SMTP_PORT" "${ADDRS[@]}"
check "refused at the end of DATA: OK" all_of "rc_is 0" stderr_empty \
    'out_is "ANTIVIRUS OK - 127.0.0.1 refused the test virus: 550 5.7.1 virus found by the postprobe test rule $(perf 1 0 0)"'
run "$P" -H 127.0.0.1 -p "$PP_SUBMISSION_PORT" -S --cafile "$PP_CA_CERT" \
    --authfile "$PP_BOB_AUTHFILE" "${ADDRS[@]}" "${IMAP[@]}" -t 10
check "through submission, STARTTLS and AUTH, with IMAP settings: OK at once" \
    all_of "rc_is 0" "at_once_of 10" 'out_has "ANTIVIRUS OK - 127.0.0.1 refused the test virus: 550 5.7.1 "'
run "$P" --domain good.postprobe.test --dns-server "127.0.0.1:$PP_DNS_PORT" \
    -p "$PP_SMTP_PORT" "${ADDRS[@]}"
check "every MX of a domain" all_of "rc_is 0" \
    'out_is "ANTIVIRUS OK - all 2 MX hosts of good.postprobe.test stopped the test virus $(perf 2 0 0)
[OK] mx1.postprobe.test refused the test virus: 550 5.7.1 virus found by the postprobe test rule
[OK] mx2.postprobe.test refused the test virus: 550 5.7.1 virus found by the postprobe test rule"'
check "nothing delivered" box_has "$BOX" 0

rule "DISCARD quarantined by the postprobe test rule"
run "$P" -H 127.0.0.1 -p "$PP_SMTP_PORT" "${ADDRS[@]}" "${IMAP[@]}" -t 3
check "accepted but never delivered: OK after -t" all_of "rc_is 0" "within_t 3" \
    'line1_re "^ANTIVIRUS OK - 127.0.0.1 accepted the test virus \(250 2.0.0 Ok: queued as [0-9A-F]+\), not delivered within [0-9]+(\.[0-9])? s: quarantined or discarded \| refused=0;;;0 accepted=1;;;0 delivered=0;;;0$"'
run "$P" -H 127.0.0.1 -p "$PP_SMTP_PORT" "${ADDRS[@]}"
check "accepted, no mailbox to look into: WARNING" all_of "rc_is 1" \
    'line1_re "^ANTIVIRUS WARNING - 127.0.0.1 accepted the test virus: 250 2.0.0 Ok: queued as "'

rule "REJECT 4.7.1 scanner offline"
run "$P" -H 127.0.0.1 -p "$PP_SMTP_PORT" "${ADDRS[@]}" "${IMAP[@]}" -t 5
check "refused for now: WARNING" all_of "rc_is 1" \
    'out_has "ANTIVIRUS WARNING - 127.0.0.1 deferred the test virus (no verdict): 451 4.7.1 scanner offline"'
check "nothing delivered" box_has "$BOX" 0
finish
