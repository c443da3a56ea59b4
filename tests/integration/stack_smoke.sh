#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# stack_smoke.sh - prove that the loopback test stack works end to end.
#
# Run after `tests/env/stack.sh up`; reads $PP_STACK_DIR/stack.env (default run dir
# /tmp/postprobe-stack). Checks, each one on its own:
#   - the Postfix admin tools work against the private instance (postfix/postconf/postqueue/
#     postsuper/qshape -c DIR, sendmail -C DIR, which also delivers a message to bob);
#   - mail submitted with STARTTLS + AUTH on the submission port reaches alice's maildir and is
#     found over IMAP with STARTTLS (curl, verified against the test CA); IMAPS, POP3 STARTTLS,
#     POP3S logins; AUTH on the implicit-TLS smtps port; submission refuses mail before STARTTLS;
#   - reject_unverified_recipient rejects an unknown relay.postprobe.test address and the probe
#     result lands in the btree verify cache (read with db5.3_dump); mail to a sink-accepted
#     relay address is relayed to the sink;
#   - nsd answers MX, TLSA (matching the server certificate), NXDOMAIN, SERVFAIL and REFUSED;
#   - snmpd answers v2c and v3 (SHA/AES authPriv) with nsExtend output and result.
# Prints one line per check and "stack_smoke: N passed, N failed"; exits 1 if any check failed.
set -euo pipefail

ENV_FILE=${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env
if [ ! -r "$ENV_FILE" ]; then
    echo "stack_smoke: FAIL: $ENV_FILE not found; run tests/env/stack.sh up first" >&2
    exit 1
fi
# shellcheck disable=SC1090
. "$ENV_FILE"
export MIBS=

TOKEN=smoke-$(date +%s)-$$
PASSED=0
FAILED=0

# run_check NAME FUNCTION: run FUNCTION, report PASS or FAIL with its output. FUNCTION runs as
# a background job so that `set -e` stays in force inside it (bash ignores it in a function
# called from an `||` list or a command substitution tested with `||`).
run_check() {
    local name=$1 out rc=0 log start=$SECONDS
    log=$(mktemp)
    "$2" >"$log" 2>&1 &
    wait $! || rc=$?
    out=$(cat "$log")
    rm -f "$log"
    if [ $rc -eq 0 ]; then
        PASSED=$((PASSED + 1))
        printf 'PASS %s (%ss)\n' "$name" $((SECONDS - start))
    else
        FAILED=$((FAILED + 1))
        printf 'FAIL %s (%ss)\n' "$name" $((SECONDS - start))
        printf '%s\n' "$out" | tail -n 15 | sed 's/^/    /'
    fi
}

fail() { printf '%s\n' "$*"; return 1; }

# poll SECONDS COMMAND...: retry COMMAND every 0.2 s until it succeeds or SECONDS pass.
poll() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.2
    done
}

# maildir_has MAILDIR TEXT: a delivered message in MAILDIR contains TEXT.
maildir_has() { [ -d "$1/new" ] && grep -rqsF -- "$2" "$1/new" "$1/cur"; }

maillog_has() { grep -qF -- "$1" "$PP_POSTFIX_MAILLOG"; }

swaks_base() {
    swaks --server "127.0.0.1:$1" --ehlo smoke.postprobe.test --timeout 15 "${@:2}"
}

# ------------------------------------------------------------------------------------------
check_postfix_tools() {
    local c=$PP_POSTFIX_CONFIG_DIR
    postfix -c "$c" check || fail "postfix -c check"
    postfix -c "$c" status || fail "postfix -c status"
    [ "$(postconf -c "$c" -h myhostname)" = "$PP_SERVER_NAME" ] || fail "postconf myhostname"
    [ "$(postconf -c "$c" -h queue_directory)" = "$PP_POSTFIX_QUEUE_DIR" ] ||
        fail "postconf queue_directory"
    postqueue -c "$c" -p >/dev/null || fail "postqueue -p"
    postqueue -c "$c" -j >/dev/null || fail "postqueue -j"
    postsuper -c "$c" || fail "postsuper"
    qshape -c "$c" deferred >/dev/null || fail "qshape"
    printf 'Subject: %s sendmail\n\nvia sendmail -C\n' "$TOKEN" |
        sendmail -C "$c" -f "$PP_ALICE_USER" "$PP_BOB_USER" || fail "sendmail -C"
    poll 15 maildir_has "$PP_BOB_MAILDIR" "$TOKEN sendmail" ||
        fail "sendmail -C message did not reach $PP_BOB_MAILDIR"
}

check_submission_delivery() {
    swaks_base "$PP_SUBMISSION_PORT" --tls --tls-verify --tls-ca-path "$PP_CA_CERT" \
        --auth LOGIN --auth-user "$PP_ALICE_USER" --auth-password "$PP_ALICE_PASSWORD" \
        --from "$PP_BOB_USER" --to "$PP_ALICE_USER" --h-Subject "$TOKEN submission" \
        --body "smoke test body $TOKEN" >/dev/null ||
        fail "swaks submission failed (exit $?)"
    poll 15 maildir_has "$PP_ALICE_MAILDIR" "$TOKEN submission" ||
        fail "message not delivered to $PP_ALICE_MAILDIR within 15 s"
}

check_imap_starttls() {
    local out
    out=$(curl -sS --ssl-reqd --cacert "$PP_CA_CERT" --max-time 10 \
        -u "$PP_ALICE_USER:$PP_ALICE_PASSWORD" "imap://127.0.0.1:$PP_IMAP_PORT/INBOX" \
        -X "UID SEARCH SUBJECT \"$TOKEN submission\"")
    [[ $out =~ \*\ SEARCH\ ([0-9]+) ]] || fail "IMAP SEARCH found nothing: $out"
    # By UID: a sequence number moves when a message before it goes between the sessions.
    out=$(curl -sS --ssl-reqd --cacert "$PP_CA_CERT" --max-time 10 \
        -u "$PP_ALICE_USER:$PP_ALICE_PASSWORD" \
        "imap://127.0.0.1:$PP_IMAP_PORT/INBOX;UID=${BASH_REMATCH[1]};SECTION=HEADER.FIELDS%20(SUBJECT)")
    [[ $out == *"$TOKEN submission"* ]] || fail "IMAP FETCH: unexpected header: $out"
}

check_imaps_pop3() {
    curl -sS --cacert "$PP_CA_CERT" --max-time 10 -u "$PP_ALICE_USER:$PP_ALICE_PASSWORD" \
        "imaps://$PP_SERVER_NAME:$PP_IMAPS_PORT/" --resolve "$PP_SERVER_NAME:$PP_IMAPS_PORT:127.0.0.1" |
        grep -q INBOX || fail "IMAPS LIST has no INBOX"
    curl -sS --ssl-reqd --cacert "$PP_CA_CERT" --max-time 10 \
        -u "$PP_ALICE_USER:$PP_ALICE_PASSWORD" "pop3://127.0.0.1:$PP_POP3_PORT/" |
        grep -Eq '^[0-9]+ [0-9]+' || fail "POP3 STARTTLS LIST empty"
    curl -sS --cacert "$PP_CA_CERT" --max-time 10 \
        -u "$PP_ALICE_USER:$PP_ALICE_PASSWORD" "pop3s://localhost:$PP_POP3S_PORT/" |
        grep -Eq '^[0-9]+ [0-9]+' || fail "POP3S LIST empty"
    # A wrong password must fail.
    if curl -sS --ssl-reqd --cacert "$PP_CA_CERT" --max-time 10 \
        -u "$PP_ALICE_USER:wrong-password" "imap://127.0.0.1:$PP_IMAP_PORT/" >/dev/null 2>&1; then
        fail "IMAP login with a wrong password succeeded"
    fi
}

check_smtps_auth() {
    local out
    out=$(swaks_base "$PP_SMTPS_PORT" --tls-on-connect --tls-verify --tls-ca-path "$PP_CA_CERT" \
        --auth PLAIN --auth-user "$PP_BOB_USER" --auth-password "$PP_BOB_PASSWORD" \
        --quit-after AUTH) || fail "swaks smtps AUTH failed: $out"
    [[ $out == *"235 2.7.0"* ]] || fail "no 235 after AUTH on smtps: $out"
}

check_submission_needs_tls() {
    local out rc=0
    out=$(swaks_base "$PP_SUBMISSION_PORT" --from "$PP_BOB_USER" --to "$PP_ALICE_USER" \
        --quit-after RCPT) || rc=$?
    [ $rc -ne 0 ] || fail "submission accepted mail without STARTTLS"
    [[ $out == *"530 5.7.0"* ]] || fail "expected 530 5.7.0 before STARTTLS: $out"
}

verify_cache_has() {
    [ -s "$PP_VERIFY_CACHE" ] && db5.3_dump -p "$PP_VERIFY_CACHE" | grep -qF " $1"
}

check_verify_cache() {
    local addr=unknown-$TOKEN@$PP_RELAY_DOMAIN out rc=0
    out=$(swaks_base "$PP_SMTP_PORT" --from "$PP_BOB_USER" --to "$addr" --quit-after RCPT) ||
        rc=$?
    [ $rc -ne 0 ] || fail "RCPT to $addr was accepted"
    [[ $out =~ \<\*\*\ +(450|550)\ .*(unverified|undeliverable) ]] ||
        fail "expected 450/550 from reject_unverified_recipient: $out"
    poll 10 verify_cache_has "$addr" || fail "$addr not in $PP_VERIFY_CACHE within 10 s"
    db5.3_dump -p "$PP_VERIFY_CACHE" | grep -A1 -F " $addr" | tail -n 1 | grep -q '550 5.1.1' ||
        fail "verify cache entry for $addr does not carry the sink's 550"
}

check_relay_to_sink() {
    local rcpt=${PP_SINK_ACCEPTS%% *}
    swaks_base "$PP_SMTP_PORT" --from "$PP_BOB_USER" --to "$rcpt" \
        --h-Subject "$TOKEN relay" >/dev/null || fail "RCPT/DATA to $rcpt refused"
    poll 15 maillog_has "to=<$rcpt>, relay=127.0.0.1[127.0.0.1]:$PP_SINK_PORT" ||
        fail "no delivery to the sink logged in $PP_POSTFIX_MAILLOG"
}

dig_at() { dig +time=2 +tries=1 @127.0.0.1 -p "$PP_DNS_PORT" "$@"; }

dns_status_is() { dig_at "$2" "$3" | grep -q "status: $1,"; }

check_dns() {
    local mx spki tlsa
    mx=$(dig_at +short "good.$PP_DNS_ZONE" MX)
    [[ $mx == *"10 mx1.$PP_DNS_ZONE."* && $mx == *"20 mx2.$PP_DNS_ZONE."* ]] ||
        fail "good.$PP_DNS_ZONE MX: $mx"
    [ "$(dig_at +short "mx1.$PP_DNS_ZONE" AAAA)" = ::1 ] || fail "mx1 AAAA"
    [ "$(dig_at +short "nullmx.$PP_DNS_ZONE" MX)" = "0 ." ] || fail "null MX"
    spki=$(openssl x509 -in "$PP_SERVER_CERT" -noout -pubkey | openssl pkey -pubin -outform DER |
        openssl dgst -sha256 -r | cut -d' ' -f1)
    tlsa=$(dig_at +short "_25._tcp.$PP_SERVER_NAME" TLSA | tr -d ' ' | tr 'A-F' 'a-f')
    [[ $tlsa == *"311$spki"* ]] || fail "TLSA 3 1 1 does not match the server key: $tlsa"
    dns_status_is NXDOMAIN "nonexistent.$PP_DNS_ZONE" A || fail "no NXDOMAIN"
    dns_status_is SERVFAIL "$PP_DNS_SERVFAIL_ZONE" SOA || fail "no SERVFAIL for the broken zone"
    dns_status_is REFUSED example.com A || fail "no REFUSED outside the served zones"
    [ -n "$(dig @::1 -p "$PP_DNS_PORT" +time=2 +tries=1 +short "$PP_DNS_ZONE" SOA)" ] ||
        fail "no answer on [::1]:$PP_DNS_PORT"
}

check_snmp() {
    local out
    out=$(snmpget -v2c -c "$PP_SNMP_COMMUNITY" -t 2 -r 1 "127.0.0.1:$PP_SNMP_PORT" \
        "$PP_SNMP_OID_OK_OUTPUT" "$PP_SNMP_OID_CRIT_RESULT")
    [[ $out == *'STRING: "TEST OK - fine | x=1"'* ]] || fail "v2c extend output: $out"
    [[ $out == *"INTEGER: 2"* ]] || fail "v2c extend result of pp_crit: $out"
    out=$(snmpget -v3 -l authPriv -u "$PP_SNMP_V3_USER" \
        -a "$PP_SNMP_V3_AUTH_PROTO" -A "$PP_SNMP_V3_AUTH_PASSWORD" \
        -x "$PP_SNMP_V3_PRIV_PROTO" -X "$PP_SNMP_V3_PRIV_PASSWORD" -t 2 -r 1 \
        "127.0.0.1:$PP_SNMP_PORT" "$PP_SNMP_OID_OK_OUTPUT")
    [[ $out == *"TEST OK - fine"* ]] || fail "v3 extend output: $out"
}

main() {
    run_check "postfix admin tools against the private instance" check_postfix_tools
    run_check "submission STARTTLS+AUTH delivers to alice's maildir" check_submission_delivery
    run_check "IMAP STARTTLS login finds the message" check_imap_starttls
    run_check "IMAPS, POP3 STARTTLS and POP3S logins" check_imaps_pop3
    run_check "smtps implicit TLS + AUTH" check_smtps_auth
    run_check "submission refuses mail before STARTTLS" check_submission_needs_tls
    run_check "reject_unverified_recipient fills the verify cache" check_verify_cache
    run_check "relay.postprobe.test is relayed to the sink" check_relay_to_sink
    run_check "nsd answers MX/TLSA/NXDOMAIN/SERVFAIL/REFUSED" check_dns
    run_check "snmpd v2c and v3 extend output" check_snmp
    printf 'stack_smoke: %d passed, %d failed\n' "$PASSED" "$FAILED"
    [ "$FAILED" -eq 0 ]
}

main "$@"
