#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tlscert_dnssec.sh - check_tls_cert --dane against the stack's signed zone dane.test (nsd)
# and its validating unbound (tests/env/stack-dnssec.sh): TLSA answers validated here by
# libunbound (a valid chain, a bogus signature, expired signatures, an unsigned child zone),
# the AD bit of the loopback unbound with --dnssec trust-ad, and validated or unvalidated MX.
# unbound itself is asked with dig for each case, and the plugin must agree with it.
set -euo pipefail
. "$(dirname "$0")/lib/login.bash"

P=$PP_BUILD_DIR/plugins/check_tls_cert
Z=$PP_DANE_ZONE
SMTP=(-H 127.0.0.1 -p "$PP_SMTP_PORT" --starttls smtp --cafile "$PP_CA_CERT" --dane)
VALIDATE=(-s "127.0.0.1:$PP_DNS_PORT" --trust-anchor "$PP_DANE_TRUST_ANCHOR")
TLSA_OF() { printf '_%s._tcp.%s' "$PP_SMTP_PORT" "$1"; }

# What the real validating resolver says: secure (ad), insecure, or SERVFAIL (bogus).
unbound_says() {
    local out
    out=$(dig +time=2 +tries=1 @127.0.0.1 -p "$PP_UNBOUND_PORT" "$(TLSA_OF "$1")" TLSA)
    if [[ $out == *"status: SERVFAIL"* ]]; then echo bogus
    elif [[ $out =~ flags:[^\;]*\ ad ]]; then echo secure
    else echo insecure; fi
}

# ---- validated by libunbound ----
[ "$(unbound_says "mail.$Z")" = secure ] || { echo "unbound: mail.$Z not secure"; exit 1; }
run "$P" "${SMTP[@]}" --hostname "mail.$Z" "${VALIDATE[@]}"
check "validated TLSA 3 1 1 matches the leaf" all_of \
    "out_has \"[OK] DANE: TLSA 3 1 1 \"" '! out_has "not DNSSEC-validated"' '! out_has "bogus"'

run "$P" "${SMTP[@]}" --hostname "bad.$Z" "${VALIDATE[@]}"
check "validated TLSA that matches nothing" all_of "rc_is 2" \
    'out_has "[CRITICAL] DANE: no TLSA record matches the certificates"'

[ "$(unbound_says "mail.unsigned.$Z")" = insecure ] || { echo "unbound: unsigned not insecure"; exit 1; }
run "$P" "${SMTP[@]}" --hostname "mail.unsigned.$Z" "${VALIDATE[@]}"
check "unsigned child zone: not validated, CRITICAL in the issue's words" all_of "rc_is 2" \
    "out_has \"[CRITICAL] TLSA records for $(TLSA_OF "mail.unsigned.$Z") are not DNSSEC-validated: Postfix would not use them\"" \
    '! out_has "DANE: TLSA"'

[ "$(unbound_says "mail.bogus.$Z")" = bogus ] || { echo "unbound: bogus not SERVFAIL"; exit 1; }
run "$P" "${SMTP[@]}" --hostname "mail.bogus.$Z" "${VALIDATE[@]}"
check "bogus signature says bogus" all_of "rc_is 2" \
    "out_has \"[CRITICAL] TLSA records for $(TLSA_OF "mail.bogus.$Z") are DNSSEC-bogus (\"" \
    'out_has "signature verification failed"'

[ "$(unbound_says "mail.expired.$Z")" = bogus ] || { echo "unbound: expired not SERVFAIL"; exit 1; }
run "$P" "${SMTP[@]}" --hostname "mail.expired.$Z" "${VALIDATE[@]}"
check "expired signatures say bogus" all_of "rc_is 2" \
    "out_has \"[CRITICAL] TLSA records for $(TLSA_OF "mail.expired.$Z") are DNSSEC-bogus (\"" \
    'out_has "signature expired"'

run "$P" "${SMTP[@]}" --hostname "mail.$PP_DNS_ZONE" "${VALIDATE[@]}"
check "the unsigned zone (outside the trust anchor): not validated" all_of "rc_is 2" \
    "out_has \"TLSA records for $(TLSA_OF "mail.$PP_DNS_ZONE") are not DNSSEC-validated\""

run "$P" "${SMTP[@]}" --hostname "mail.$Z" -s "127.0.0.1:$PP_DNS_PORT" \
    --trust-anchor "$PP_CA_CERT"
check "a trust anchor file that holds no DS or DNSKEY: the lookup failed, not \"no records\"" \
    all_of 'out_has "[UNKNOWN] TLSA lookup for "' 'out_has "libunbound: initialization failure"' \
    '! out_has "no TLSA records"' '! out_has "DANE: TLSA"'
run "$P" "${SMTP[@]}" --hostname "mail.$Z" "${VALIDATE[@]/$PP_DANE_TRUST_ANCHOR//nonexistent}"
check "a trust anchor file that cannot be read" all_of "rc_is 3" \
    'first_has "DNSSEC: trust anchor /nonexistent: No such file or directory"' 

# ---- the AD bit: only from loopback (or resolv.conf's trust-ad) ----
run "$P" "${SMTP[@]}" --hostname "mail.$Z" -s "127.0.0.1:$PP_UNBOUND_PORT" --dnssec trust-ad
check "trust-ad: the loopback unbound's AD bit is believed" all_of \
    'out_has "[OK] DANE: TLSA 3 1 1 "'
run "$P" "${SMTP[@]}" --hostname "mail.unsigned.$Z" -s "127.0.0.1:$PP_UNBOUND_PORT" --dnssec trust-ad
check "trust-ad: no AD bit, not validated" all_of "rc_is 2" \
    'out_has "are not DNSSEC-validated: Postfix would not use them"'
run "$P" "${SMTP[@]}" --hostname "mail.$Z" -s "127.0.0.1:$PP_UNBOUND_PORT" --dnssec bogus-mode
check "--dnssec with an unknown mode" all_of "rc_is 3" \
    "first_has \"--dnssec: 'bogus-mode' is not validate or trust-ad\""

# ---- --mx: the MX answer must be validated too ----
run "$P" --mx "$Z" -p "$PP_SMTP_PORT" --cafile "$PP_CA_CERT" --dane "${VALIDATE[@]}"
check "--mx with a validated MX: TLSA judged per host" all_of \
    "out_has \"[OK] mail.$Z: DANE: TLSA 3 1 1 \"" '! out_has "MX records for"'
run "$P" --mx "unsigned.$Z" -p "$PP_SMTP_PORT" --cafile "$PP_CA_CERT" --dane "${VALIDATE[@]}"
check "--mx with an MX answer not validated" all_of "rc_is 2" \
    "out_has \"[CRITICAL] MX records for unsigned.$Z are not DNSSEC-validated: Postfix would not use DANE for its hosts\"" \
    '! out_has "DANE: TLSA"'
run "$P" --mx "expired.$Z" -p "$PP_SMTP_PORT" --cafile "$PP_CA_CERT" --dane "${VALIDATE[@]}"
check "--mx with an MX answer whose signatures expired: bogus" all_of "rc_is 2" \
    "first_has \"MX records for expired.$Z are DNSSEC-bogus\""

finish
