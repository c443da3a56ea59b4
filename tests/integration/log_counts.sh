#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# log_counts: check_postfix_log --whole on the stack's own log agrees with pflogsumm's Grand
# Totals. The test causes each kind of line for real: LMTP deliveries to alice, relays to the
# sink, deferrals to unreachable.test, bounces from the sink's 550 (through pickup, which
# counts as received), smtpd rejects (unknown user, verify's 550, the smtps listener's
# client restriction), SASL failures. pflogsumm is given the log with the sink's and relay's
# syslog names ("postfix-pp/sink/smtpd", "postfix-pp/relay/smtp") cut to "postfix-pp/...":
# pflogsumm 1.1.5 only knows the smtps and submission service names, so it would not count
# the sink's "client=" lines as received (the test shows that too).
set -euo pipefail
. "$(dirname "$0")/lib/log.bash"
log=$PP_POSTFIX_MAILLOG
tmp=$(mktemp -d)
# The messages this test leaves queued (deferred, held) go at the end: later tests count queues.
queue_ids() { postqueue -c "$PP_POSTFIX_CONFIG_DIR" -j | jq -r .queue_id | sort; }
queue_ids >"$tmp/before"
# header_checks WARN, REJECT and HOLD for this test's subjects only; main.cf restored at exit.
C=$PP_POSTFIX_CONFIG_DIR
hc=$PP_STACK_DIR/log_counts.header_checks
reload() {
    touch -d '-1 minute' "$C/main.cf"
    postfix -c "$C" reload >/dev/null 2>&1
}
cp -p "$C/main.cf" "$tmp/main.cf"
leave() {
    queue_ids | comm -13 "$tmp/before" - | postsuper -c "$C" -d - >/dev/null 2>&1 || true
    cp -p "$tmp/main.cf" "$C/main.cf"
    reload
    rm -rf "$tmp" "$hc"
}
trap leave EXIT
printf '%s\n' '/^Subject: pp-hc-warn/ WARN' '/^Subject: pp-hc-reject/ REJECT header test' \
    '/^Subject: pp-hc-hold/ HOLD header test' >"$hc"
postconf -c "$C" -e "header_checks = regexp:$hc"
reload

before_sent=$(grep -c 'status=sent' "$log" || true)
before_bounced=$(grep -c 'status=bounced' "$log" || true)
before_rej=$(grep -c ': reject: ' "$log" || true)
before_sasl=$(grep -c 'authentication failed' "$log" || true)
before_hc=$(grep -c 'header Subject: pp-hc-' "$log" || true)
for i in 1 2 3; do send_to "$PP_ALICE_USER"; done
for i in 1 2; do send_to "exists@$PP_RELAY_DOMAIN"; done
for i in 1 2; do send_to "user$i@$PP_UNREACHABLE_DOMAIN"; done
for i in 1 2; do bounce_via_pickup "nobody-log$i-$$@$PP_RELAY_DOMAIN"; done
send_to "nosuchuser@$PP_DOMAIN"
send_to "nobody-rcpt-$$@$PP_RELAY_DOMAIN"
send_to "someone@example.com" "$PP_SMTPS_PORT"
sasl_failure
sasl_failure
for what in warn reject hold; do send_subject "$PP_ALICE_USER" "pp-hc-$what"; done
# 3 LMTP + 2 relays (each also "sent" by the sink's discard) = 7 sent; 2 bounces; 3 rejects
# (the sink's 550 to the verify probe is one more reject); 2 SASL failures; header_checks
# WARN (a warning), REJECT (cleanup's reject) and HOLD (held)
wait_lines 'status=sent' $((before_sent + 7)) "$log"
wait_lines 'status=bounced' $((before_bounced + 2)) "$log"
wait_lines ': reject: ' $((before_rej + 3)) "$log"
wait_lines 'authentication failed' $((before_sasl + 2)) "$log"
wait_lines 'header Subject: pp-hc-' $((before_hc + 3)) "$log"
sleep 1

run "$LOGCHECK" -C "$PP_POSTFIX_CONFIG_DIR" --whole
check "whole log: OK with counts" all_of "rc_is 0" 'out_has "POSTFIX_LOG OK"'
check "the traffic is there" all_of '[ "$(perf delivered)" -ge 7 ]' '[ "$(perf bounced)" -ge 2 ]' \
    '[ "$(perf deferrals)" -ge 2 ]' '[ "$(perf rejected)" -ge 3 ]' \
    '[ "$(perf sasl_failures)" -ge 2 ]' '[ "$(perf received)" -ge 9 ]'
sed -E 's#postfix-pp/(sink|relay)/#postfix-pp/#' "$log" >"$tmp/for-pflogsumm"
for what in received delivered forwarded deferred deferrals bounced rejected held discarded; do
    ours=$(perf "$what")
    theirs=$(pflogsumm_total "$what" "$tmp/for-pflogsumm")
    check "$what: ours $ours = pflogsumm's $theirs" [ "$ours" = "$theirs" ]
done
# Without the name rewrite pflogsumm misses exactly the sink's receipts.
sink_rcvd=$(grep -c 'postfix-pp/sink/smtpd\[[0-9]*\]: [0-9A-Za-z]*: client=' "$log" || true)
raw=$(pflogsumm_total received "$log")
check "pflogsumm misses the sink's $sink_rcvd receipts" [ "$raw" -eq $(($(perf received) - sink_rcvd)) ]
check "reasons grouped" all_of 'out_has "4.4.1 connection refused"' 'out_has "5.1.1 user unknown"' \
    'out_has "550 unknown user"' 'out_has "top SASL failures by client: 127.0.0.1"' \
    'out_has ", header checks: "'
run "$LOGCHECK" -C "$PP_POSTFIX_CONFIG_DIR" --whole --bounced=1,100 --sasl-failures=,1
check "thresholds: bounced WARNING, busiest SASL client CRITICAL" \
    all_of "rc_is 2" 'out_has "sasl_failures"' 'out_has "[WARNING] bounced"'
run "$LOGCHECK" -C "$PP_POSTFIX_CONFIG_DIR" --whole -v
check "-v: example lines" out_has "status=bounced"

# A fatal line is CRITICAL by default, and named.
printf '%s mail postfix-pp/cleanup[4242]: fatal: open database %s/nosuch.db: No such file or directory\n' \
    "$(date '+%b %d %H:%M:%S')" "$PP_POSTFIX_CONFIG_DIR" >"$tmp/fatal.log"
run "$LOGCHECK" -C "$PP_POSTFIX_CONFIG_DIR" --whole --file "$tmp/fatal.log"
check "fatal: CRITICAL, named" all_of "rc_is 2" 'out_has "fatal 1 (open database"'
finish
