#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tlscert_dnssec.sh - check_tls_cert --dane against the stack's signed zone dane.test (nsd)
# and its validating unbound (tests/env/stack-dnssec.sh): TLSA answers validated here by
# libunbound (a valid chain, a bogus signature, expired signatures, an unsigned child zone),
# the AD bit of the loopback unbound with --dnssec trust-ad, and validated or unvalidated MX.
# unbound itself is asked with dig for each case, and the plugin must agree with it.
# Then the DANE verdicts themselves against the stack's servers: DANE-EE for a self-signed
# server and for a certificate of another name, DANE-TA for a private CA, with its name
# check, a 3 1 1 that matches nothing, and PKIX usages only (unusable); openssl s_client's
# DANE verification (-dane_tlsa_rrdata with the records unbound gives, -dane_ee_no_namechecks
# as Postfix sets it) must say the same.
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
NO_TA=$PP_STACK_DIR/no-such-trust-anchor # not /nonexistent: anybody may make that one
run "$P" "${SMTP[@]}" --hostname "mail.$Z" "${VALIDATE[@]/$PP_DANE_TRUST_ANCHOR/$NO_TA}"
check "a trust anchor file that cannot be read" all_of "rc_is 3" \
    "first_has \"DNSSEC: trust anchor $NO_TA: No such file or directory\""

# ---- the verdicts: OpenSSL's DANE as Postfix uses it; openssl s_client agrees ----
# s_client_says NAME PORT [s_client options]: "ok" or "fail: REASON" of openssl s_client's
# DANE verification with the TLSA records unbound gives for _PORT._tcp.NAME.
s_client_says() {
    local name=$1 port=$2 rr out
    shift 2
    local rrs=()
    while read -r rr; do rrs+=(-dane_tlsa_rrdata "$rr"); done < <(
        dig +short +time=2 +tries=1 @127.0.0.1 -p "$PP_UNBOUND_PORT" "_$port._tcp.$name" TLSA |
            awk '{ h = ""; for (i = 4; i <= NF; i++) h = h $i; print $1, $2, $3, h }')
    out=$(timeout 5 openssl s_client -brief -connect "127.0.0.1:$port" -servername "$name" \
        -dane_tlsa_domain "$name" "${rrs[@]}" -dane_ee_no_namechecks "$@" </dev/null 2>&1)
    if [[ $out == *"Verification: OK"* ]]; then echo ok
    else echo "fail: $(sed -n 's/^Verification error: //p' <<<"$out" | head -1)"; fi
}
DANE_OK='! out_has "[CRITICAL]"'

# DANE-EE: the stack's Postfix, whose certificate is for mail.postprobe.test, as mail.dane.test
[ "$(s_client_says "mail.$Z" "$PP_SMTP_PORT" -starttls smtp)" = ok ] ||
    { echo "s_client: DANE-EE of mail.$Z does not verify"; exit 1; }
run "$P" "${SMTP[@]}" --hostname "mail.$Z" "${VALIDATE[@]}"
check "DANE-EE: the name does not count (information, not CRITICAL)" all_of "rc_is 0" \
    "$DANE_OK" "out_has \"[OK] name mail.$Z does not match the certificate (\"" \
    'out_has "DANE-EE does not check names"' \
    'out_has "(DANE-EE: names, dates and the chain do not count)"'

# DANE-EE: a self-signed server only DANE vouches for (no --cafile: no PKIX trust at all)
EE=(-H 127.0.0.1 -p "$PP_DANE_EE_PORT" --hostname "ee.$Z" --dane "${VALIDATE[@]}")
[ "$(s_client_says "ee.$Z" "$PP_DANE_EE_PORT")" = ok ] ||
    { echo "s_client: DANE-EE of ee.$Z does not verify"; exit 1; }
run "$P" "${EE[@]}"
check "DANE-EE: a self-signed server with a matching 3 1 1 is OK" all_of "rc_is 0" \
    "$DANE_OK" 'first_has "TLS OK - "' \
    'out_has "[OK] certificate is self-signed (DANE-EE vouches for it)"' \
    'out_has "[OK] chain of 1 not verified by PKIX (self-signed certificate"' \
    'out_has "[OK] DANE: TLSA 3 1 1 "' 'out_has "matches the leaf CN=ee.dane.test (DANE-EE"'

# DANE-TA: a certificate of the stack's CA (not trusted: no --cafile), TLSA 2 0 1 of the CA
[ "$(s_client_says "ta.$Z" "$PP_DANE_TA_PORT")" = ok ] ||
    { echo "s_client: DANE-TA of ta.$Z does not verify"; exit 1; }
run "$P" -H 127.0.0.1 -p "$PP_DANE_TA_PORT" --hostname "ta.$Z" --dane "${VALIDATE[@]}"
check "DANE-TA: a private CA's chain verified up to the anchor is OK" all_of "rc_is 0" \
    "$DANE_OK" 'out_has "[OK] DANE: TLSA 2 0 1 "' \
    "out_has \"matches CN=postprobe test CA (DANE-TA, depth 1): the chain verifies up to it and the certificate is for ta.$Z\"" \
    'out_has "not verified by PKIX (self-signed certificate in certificate chain at CN=postprobe test CA): DANE-TA vouches for it"'

# DANE-TA for an MX host whose certificate is for the next-hop domain (RFC 7672 3.2.2): OK
# through --mx, CRITICAL for the host alone (no next hop to match)
run "$P" --mx "ta.$Z" --starttls none -p "$PP_DANE_TA_PORT" --dane "${VALIDATE[@]}"
check "DANE-TA: the next-hop domain is a reference identifier" all_of "rc_is 0" "$DANE_OK" \
    "out_has \"[OK] tamx.$Z: DANE: TLSA 2 0 1 \"" "out_has \"the certificate is for ta.$Z\"" \
    "out_has \"[OK] tamx.$Z: name tamx.$Z does not match the certificate (DNS:ta.$Z), DANE-TA matched the next-hop domain ta.$Z\""
run "$P" -H 127.0.0.1 -p "$PP_DANE_TA_PORT" --hostname "tamx.$Z" --dane "${VALIDATE[@]}"
check "DANE-TA: the MX host alone, without its next hop, is a name mismatch" all_of "rc_is 2" \
    'out_has "verifies the chain (1 usable): hostname mismatch at CN=ta.dane.test"'

# DANE-TA with the name check failing: the CA's certificate for mail.postprobe.test
[ "$(s_client_says "tamail.$Z" "$PP_SMTP_PORT" -starttls smtp)" = "fail: hostname mismatch" ] ||
    { echo "s_client: DANE-TA of tamail.$Z is not a hostname mismatch"; exit 1; }
run "$P" "${SMTP[@]}" --hostname "tamail.$Z" "${VALIDATE[@]}"
check "DANE-TA: a name the certificate is not for is CRITICAL" all_of "rc_is 2" \
    "out_has \"[CRITICAL] DANE: no TLSA record of $(TLSA_OF "tamail.$Z") verifies the chain (1 usable): hostname mismatch at CN=mail.postprobe.test\"" \
    "out_has \"[CRITICAL] name tamail.$Z does not match the certificate\""

# A DANE-EE record that matches nothing
[ "$(s_client_says "bad.$Z" "$PP_SMTP_PORT" -starttls smtp)" = "fail: no matching DANE TLSA records" ] ||
    { echo "s_client: bad.$Z verifies"; exit 1; }
run "$P" "${SMTP[@]}" --hostname "bad.$Z" "${VALIDATE[@]}"
check "validated TLSA 3 1 1 that matches nothing is CRITICAL" all_of "rc_is 2" \
    "out_has \"[CRITICAL] DANE: no TLSA record of $(TLSA_OF "bad.$Z") verifies the chain (1 usable): no matching DANE TLSA records\"" \
    'out_has "Postfix would defer the mail"'

# PKIX-EE and PKIX-TA only: unusable for SMTP, not a pass (Postfix ignores usages 0 and 1)
run "$P" "${SMTP[@]}" --hostname "pkix.$Z" "${VALIDATE[@]}"
check "PKIX-TA/PKIX-EE only: DANE unusable" all_of \
    "out_has \"[WARNING] DANE unusable: none of the 2 TLSA records of $(TLSA_OF "pkix.$Z") is usable for SMTP (2 PKIX-TA/PKIX-EE records left out: usages 0 and 1 do not apply to SMTP)\"" \
    '! out_has "[OK] DANE"'

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
