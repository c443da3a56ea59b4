#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# log_rbl: a real reject_rbl_client reject. An smtpd on the stack's spare port (added for this
# test, removed at exit) asks the DNSBL PP_RBL_LIST, where the stack's nsd lists 127.0.0.1,
# through Postfix's own resolver (tests/env/stack.sh, "Postfix's resolver"); the stack's own
# listeners stay as they are for the other tests. smtpd's reply to the client names the list;
# check_postfix_log, run with a state file before and after, counts exactly these rejects and
# groups them under the RBL's name; pflogsumm on the same stretch of log agrees on the count.
# A stack without its own resolver (port 53 taken, no mount namespace) makes this test SKIP
# (exit 77) with the reason.
set -euo pipefail
. "$(dirname "$0")/lib/log.bash"
need_postfix_resolver
L=$PP_POSTFIX_MAILLOG
scratch_state
# rbl_session RCPT,...: one SMTP session with the RBL listener; smtpd's 5xx replies.
rbl_session() {
    swaks --server "$SPARE" --from "logtest@$PP_DOMAIN" --to "$1" 2>&1 |
        sed -n 's/^ *<\*\* *//p' || true
}
# The log exists (a test before may have left it moved away) and the position is saved.
send_to "$PP_ALICE_USER"
wait_lines "to=<$PP_ALICE_USER>" 1 "$L"
run pc
check "first run: position saved" all_of "rc_is 0" 'out_has "first run: position saved"'
spare_service smtpd "smtpd_client_restrictions=reject_rbl_client,$PP_RBL_LIST"
start=$(stat -c %s "$L")
before=$(grep -c "blocked using $PP_RBL_LIST" "$L" || true)

replies=$(rbl_session "$PP_ALICE_USER")$'\n'$(rbl_session "$PP_ALICE_USER,$PP_BOB_USER")
want="554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using $PP_RBL_LIST"
check "smtpd's replies: 3 times blocked using $PP_RBL_LIST" \
    [ "$(grep -cF "$want" <<<"$replies")" -eq 3 ]
wait_lines "blocked using $PP_RBL_LIST" $((before + 3)) "$L"
sleep 0.5

run pc
check "the interval: 3 rejects, all by the RBL" all_of "rc_is 0" '[ "$(perf rejected)" = 3 ]' \
    'out_has "top rejects: 554 RBL $PP_RBL_LIST: 3"'
tail -c +$((start + 1)) "$L" >"$tmp/interval"
theirs=$(pflogsumm_total rejected "$tmp/interval")
check "pflogsumm on the same lines: $theirs rejected" [ "$theirs" = 3 ]
run "$LOGCHECK" -C "$PP_POSTFIX_CONFIG_DIR" --whole --file "$tmp/interval" -v --rejected=,2
check "--rejected=,2 on them: CRITICAL; -v shows the reject's line" all_of "rc_is 2" \
    'out_has "blocked using $PP_RBL_LIST; Listed by"'
finish
