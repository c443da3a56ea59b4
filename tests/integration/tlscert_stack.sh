#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tlscert_stack.sh - check_tls_cert against the stack's Postfix and Dovecot: every TLS and
# STARTTLS port, trust, thresholds, DANE against the stack's unsigned zone (not validated, no
# records, lookup failed), every MX host of a domain, --compare-file, --file, OCSP not stapled, option errors.
set -euo pipefail
. "$(dirname "$0")/lib/login.bash"

P=$PP_BUILD_DIR/plugins/check_tls_cert
H=127.0.0.1
CA=(--cafile "$PP_CA_CERT")
NAME=(--hostname "$PP_SERVER_NAME")
DNS=(-s "127.0.0.1:$PP_DNS_PORT")

# ---- every port ----
for spec in "smtp $PP_SMTP_PORT SMTP STARTTLS" "smtp $PP_SUBMISSION_PORT SMTP STARTTLS" \
    "none $PP_SMTPS_PORT TLS" "imap $PP_IMAP_PORT IMAP STARTTLS" "none $PP_IMAPS_PORT TLS" \
    "pop3 $PP_POP3_PORT POP3 STLS" "none $PP_POP3S_PORT TLS"; do
    read -r proto port label <<<"$spec"
    args=()
    [ "$proto" = none ] || args=(--starttls "$proto")
    run "$P" -H $H -p "$port" "${args[@]}" "${CA[@]}" "${NAME[@]}"
    check "port $port ($label)" all_of "rc_is 0" \
        "first_has \"TLS OK - 127.0.0.1 port $port ($label): CN=mail.postprobe.test, \"" \
        'perf_has days_leaf' 'perf_has days_chain' 'out_has "chain of 2 verified up to CN=postprobe test CA"' \
        'out_has "[OK] name mail.postprobe.test matches mail.postprobe.test"'
done

run "$P" -H ::1 -6 -p "$PP_SMTP_PORT" --starttls smtp "${CA[@]}"
check "IPv6, name check against the address" all_of "rc_is 0" 'out_has "name ::1 matches ::1"'

# ---- trust and thresholds ----
run "$P" -H $H -p "$PP_SMTPS_PORT" "${NAME[@]}"
check "not trusted by the system store" all_of "rc_is 2" \
    'first_has "TLS CRITICAL - chain of 2 not verified: self-signed certificate in certificate chain"'
run "$P" -H $H -p "$PP_SMTPS_PORT" "${CA[@]}" -w 400 -c 1
check "-w in days" all_of "rc_is 1" 'first_has "TLS WARNING - certificate CN=mail.postprobe.test expires in "' \
    'out_has "days_leaf="' 'out_has ";400:;1:"'
run "$P" -H $H -p "$PP_SMTPS_PORT" "${CA[@]}" -w 500 -c 400
check "-c in days" all_of "rc_is 2" 'first_has "TLS CRITICAL - certificate CN=mail.postprobe.test expires in "'
run "$P" -H $H -p "$PP_SMTPS_PORT" "${CA[@]}" --min-tls 1.3
check "--min-tls 1.3" all_of "rc_is 0" 'out_has "[OK] TLSv1.3"'
run "$P" -H $H -p "$PP_SMTPS_PORT" "${CA[@]}" --ocsp
check "--ocsp without stapling" all_of "rc_is 2" 'first_has "TLS CRITICAL - no OCSP response stapled"'

# ---- DANE over the unsigned zone (the signed one: tlscert_dnssec.sh) ----
# nsd sets no AD bit: --dnssec trust-ad reads its answers as they are, not validated.
AD=(--dnssec trust-ad)
run "$P" -H $H -p "$PP_SMTP_PORT" --starttls smtp "${CA[@]}" "${NAME[@]}" --dane "${DNS[@]}" "${AD[@]}"
check "DANE: TLSA records not DNSSEC-validated are CRITICAL, not matched" all_of "rc_is 2" \
    "first_has \"TLS CRITICAL - TLSA records for _${PP_SMTP_PORT}._tcp.mail.postprobe.test are not DNSSEC-validated: Postfix would not use them\"" \
    '! out_has "DANE: TLSA"'
run "$P" -H $H -p "$PP_SMTP_PORT" --starttls smtp "${CA[@]}" --hostname mx1.postprobe.test \
    --dane "${DNS[@]}" "${AD[@]}"
DNS_AT="from 127.0.0.1:$PP_DNS_PORT"
check "DANE: no TLSA records" all_of "rc_is 2" \
    "first_has \"no TLSA records for _${PP_SMTP_PORT}._tcp.mx1.postprobe.test (NXDOMAIN $DNS_AT)\""
# (the name does not match the certificate either: CRITICAL for that)
SF=mail.$PP_DNS_SERVFAIL_ZONE
run "$P" -H $H -p "$PP_SMTP_PORT" --starttls smtp "${CA[@]}" --hostname "$SF" \
    --dane "${DNS[@]}" "${AD[@]}"
check "DANE: a TLSA lookup that failed (SERVFAIL) is not \"no TLSA records\"" all_of "rc_is 2" \
    "out_has \"[UNKNOWN] TLSA lookup for _${PP_SMTP_PORT}._tcp.$SF failed: SERVFAIL $DNS_AT\"" \
    '! out_has "no TLSA records"'

# ---- every MX host of a domain ----
run "$P" --mx postprobe.test -p "$PP_SMTP_PORT" "${DNS[@]}" "${CA[@]}" --dane "${AD[@]}"
check "--mx with DANE: an MX answer not validated" all_of "rc_is 2" \
    'first_has "TLS CRITICAL - MX records for postprobe.test are not DNSSEC-validated: Postfix would not use DANE for its hosts"' \
    "out_has \"'mail.postprobe.test days_leaf'=\"" '! out_has "TLSA"'
run "$P" --mx good.postprobe.test -p "$PP_SMTP_PORT" "${DNS[@]}" "${CA[@]}"
check "--mx with two MX hosts whose names the certificate lacks" all_of "rc_is 2" \
    'first_has "mx1.postprobe.test: name mx1.postprobe.test does not match"' \
    'first_has "mx2.postprobe.test: name mx2.postprobe.test does not match"' \
    'first_has "2 MX hosts of good.postprobe.test checked"'
run "$P" --mx nullmx.postprobe.test -p "$PP_SMTP_PORT" "${DNS[@]}" "${CA[@]}"
check "--mx with a null MX" all_of "rc_is 0" 'out_has "nullmx.postprobe.test has a null MX"'
run "$P" --mx dangling-mx.postprobe.test -p "$PP_SMTP_PORT" "${DNS[@]}" "${CA[@]}"
check "--mx whose host has no address" all_of "rc_is 2" \
    'first_has "does-not-exist.postprobe.test: no address"'
run "$P" --mx no-such-domain.postprobe.test -p "$PP_SMTP_PORT" "${DNS[@]}"
check "--mx of a domain that does not exist" all_of "rc_is 2" \
    'first_has "TLS CRITICAL - MX lookup for no-such-domain.postprobe.test:"'

# ---- the configured certificate ----
run "$P" -H $H -p "$PP_SMTPS_PORT" "${CA[@]}" --compare-file "$PP_SERVER_CERT"
check "--compare-file: the served certificate" all_of "rc_is 0" \
    "out_has \"[OK] the certificate is the one in $PP_SERVER_CERT\""
run "$P" -H $H -p "$PP_SMTPS_PORT" "${CA[@]}" --compare-file "$PP_CA_CERT"
check "--compare-file: another certificate" all_of "rc_is 2" \
    'first_has "TLS CRITICAL - the server presents serial "' 'first_has "not reloaded since the renewal?"'

run "$P" --file "$PP_SERVER_CHAIN" "${CA[@]}" "${NAME[@]}"
check "--file" all_of "rc_is 0" "first_has \"TLS OK - $PP_SERVER_CHAIN: 2 certificates, \"" \
    'perf_has days_leaf'
run "$P" --file "$WORK/none.pem"
check "--file missing" all_of "rc_is 3" "first_has \"TLS UNKNOWN - cannot read $WORK/none.pem: No such file\""
echo "not a certificate" >"$WORK/junk.pem"
run "$P" --file "$WORK/junk.pem"
check "--file without a certificate" all_of "rc_is 3" 'first_has "no PEM certificate in"'

# ---- option errors ----
run "$P" -p 25
check "no -H, --mx or --file" all_of "rc_is 3" 'first_has "give one of -H HOST, --mx DOMAIN or --file PEM"'
run "$P" -H $H
check "-H without -p or --starttls" all_of "rc_is 3" 'first_has "-p PORT is required without --starttls"'
run "$P" -H $H --starttls ftp
check "--starttls of an unknown protocol" all_of "rc_is 3" "first_has \"'ftp' is not smtp, imap or pop3\""
run "$P" -H $H -p 25 --min-tls 2
check "--min-tls 2" rc_is 3
run "$P" -H $H -p 25 -w 5 -c 10
check "-c above -w" all_of "rc_is 3" 'first_has "is more than -w"'
run "$P" -H $H -p "$PP_SMTPS_PORT" --cafile "$WORK/none.pem"
check "--cafile missing" all_of "rc_is 3" 'first_has "--cafile"'

finish
