#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tlscert_certs.sh - check_tls_cert against certificates this test makes with openssl (a root
# and an intermediate CA, `openssl ca` for chosen dates) served by `openssl s_server` on
# loopback: good, expired, not yet valid, 5 days left, wrong host, wildcard, self-signed,
# missing intermediate, RSA-1024, SHA-1, an old protocol, OCSP stapling (good and revoked).
set -euo pipefail
. "$(dirname "$0")/lib/login.bash"

P=$PP_BUILD_DIR/plugins/check_tls_cert
D=$WORK/ca
PORT=$(free_port 4)
ca_init "$D"
leaf "$D" good.postprobe.test
leaf "$D" expired.postprobe.test --start "$(utc '-30 days')" --end "$(utc '-2 days')"
leaf "$D" future.postprobe.test --start "$(utc '+2 days')" --end "$(utc '+90 days')"
leaf "$D" five.postprobe.test --days 5
leaf "$D" wrong.postprobe.test --san DNS:other.example
leaf "$D" wild.postprobe.test --san 'DNS:*.postprobe.test'
leaf "$D" self.postprobe.test --self
leaf "$D" weak.postprobe.test --bits 1024
leaf "$D" sha1.postprobe.test --md sha1
leaf "$D" revoked.postprobe.test

# serve NAME [S_SERVER ARGS...]: NAME's certificate (with the intermediate) on $PORT.
serve() {
    local name=$1
    shift
    stop_servers
    tls_server "$PORT" "$D/$name.crt" "$D/$name.key" "$@"
}
# judge NAME EXPECTED-RC TEXT [PLUGIN ARGS...]
judge() {
    local name=$1 rc=$2 text=$3
    shift 3
    run "$P" -H 127.0.0.1 -p "$PORT" --cafile "$D/root.crt" --hostname "$name" "$@"
    check "$name ${*:+$* }: $text" all_of "rc_is $rc" "first_has \"$text\""
}
CHAIN=(-cert_chain "$D/inter.crt")

serve good.postprobe.test "${CHAIN[@]}"
judge good.postprobe.test 0 "TLS OK - 127.0.0.1 port $PORT (TLS): CN=good.postprobe.test, 90.0 days left"
run "$P" -H 127.0.0.1 -p "$PORT" --cafile "$D/root.crt" --hostname good.postprobe.test -v
check "the chain in the long output" all_of "rc_is 0" \
    'out_has "chain of 2 verified up to CN=pp test root"' \
    'out_has "1: CN=pp test intermediate, 365.0 days left"' 'out_has "days_chain=365;20:;15:"'

serve good.postprobe.test
judge good.postprobe.test 2 "chain of 1 not verified: unable to get local issuer certificate at CN=good.postprobe.test"

serve expired.postprobe.test "${CHAIN[@]}"
judge expired.postprobe.test 2 "TLS CRITICAL - certificate CN=expired.postprobe.test expired 2.0 days ago"

serve future.postprobe.test "${CHAIN[@]}"
judge future.postprobe.test 2 "TLS CRITICAL - certificate CN=future.postprobe.test is not valid before"

serve five.postprobe.test "${CHAIN[@]}"
judge five.postprobe.test 2 "TLS CRITICAL - certificate CN=five.postprobe.test expires in 5.0 days"
judge five.postprobe.test 1 "TLS WARNING - certificate CN=five.postprobe.test expires in 5.0 days" -w 7 -c 4.5
judge five.postprobe.test 0 "TLS OK" -w 4.9 -c 1

serve wrong.postprobe.test "${CHAIN[@]}"
judge wrong.postprobe.test 2 "name wrong.postprobe.test does not match the certificate (DNS:other.example)"

serve wild.postprobe.test "${CHAIN[@]}"
judge mail.postprobe.test 0 "TLS OK"
run "$P" -H 127.0.0.1 -p "$PORT" --cafile "$D/root.crt" --hostname mail.postprobe.test
check "wildcard named in the long output" out_has "name mail.postprobe.test matches *.postprobe.test"
judge a.b.postprobe.test 2 "name a.b.postprobe.test does not match the certificate (DNS:*.postprobe.test)"
judge postprobe.test 2 "name postprobe.test does not match"

serve self.postprobe.test
judge self.postprobe.test 2 "certificate is self-signed"
run "$P" -H 127.0.0.1 -p "$PORT" --cafile "$D/self.postprobe.test.crt" --selfsigned \
    --hostname self.postprobe.test
check "self-signed, trusted and allowed" all_of "rc_is 0" 'out_has "certificate is self-signed (allowed)"'

serve weak.postprobe.test "${CHAIN[@]}" -cipher 'DEFAULT:@SECLEVEL=0'
judge weak.postprobe.test 2 "TLS CRITICAL - CN=weak.postprobe.test has a weak key: RSA 1024 bits"
judge weak.postprobe.test 0 "TLS OK" --min-rsa-bits 1024

serve sha1.postprobe.test "${CHAIN[@]}" -cipher 'DEFAULT:@SECLEVEL=0'
judge sha1.postprobe.test 2 "TLS CRITICAL - CN=sha1.postprobe.test is signed with a weak digest (sha1WithRSAEncryption)"

serve good.postprobe.test "${CHAIN[@]}" -tls1_2
judge good.postprobe.test 2 "TLSv1.2, " --min-tls 1.3
judge good.postprobe.test 0 "TLS OK" --min-tls 1.2

# OCSP stapling: responses made by `openssl ocsp` as the intermediate's responder.
# ocsp_for NAME [SIGNER]: a response about NAME, signed by SIGNER (default: the issuer).
ocsp_for() {
    local signer=${2:-inter}
    (cd "$D" && openssl ocsp -index db/index.txt -rsigner "$signer.crt" -rkey "$signer.key" \
        -CA inter.crt -issuer inter.crt -cert "$1.crt" -ndays 2 -respout "$1.ocsp" >/dev/null 2>&1)
}
ocsp_for good.postprobe.test
serve good.postprobe.test "${CHAIN[@]}" -status_file "$D/good.postprobe.test.ocsp"
run "$P" -H 127.0.0.1 -p "$PORT" --cafile "$D/root.crt" --hostname good.postprobe.test --ocsp
check "OCSP response stapled: good" all_of "rc_is 0" 'out_has "[OK] OCSP: good, next update in 2.0 days"'
# A CA file that is no PEM: neither the chain nor the response can be checked (UNKNOWN, not a
# verdict on the server).
printf 'not a certificate\n' >"$D/junk.pem"
run "$P" -H 127.0.0.1 -p "$PORT" --cafile "$D/junk.pem" --hostname good.postprobe.test --ocsp
check "OCSP with an unusable CA file" all_of "rc_is 3" \
    'out_has "[UNKNOWN] OCSP: cannot check the response: cannot use CA file $D/junk.pem"'
# "good", but signed by a certificate the issuer never made a responder (the server's own).
ocsp_for good.postprobe.test good.postprobe.test
serve good.postprobe.test "${CHAIN[@]}" -status_file "$D/good.postprobe.test.ocsp"
judge good.postprobe.test 2 "TLS CRITICAL - OCSP: the stapled response's signature is not valid (" --ocsp
# Signed by a responder the intermediate delegated to (extendedKeyUsage OCSPSigning).
openssl req -newkey rsa:2048 -nodes -subj "/CN=pp test ocsp responder" -keyout "$D/responder.key" \
    -out "$D/responder.csr" 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=OCSPSigning\n' \
    >"$D/responder.ext"
openssl x509 -req -in "$D/responder.csr" -CA "$D/inter.crt" -CAkey "$D/inter.key" -set_serial 77 \
    -days 30 -extfile "$D/responder.ext" -out "$D/responder.crt" 2>/dev/null
ocsp_for good.postprobe.test responder
serve good.postprobe.test "${CHAIN[@]}" -status_file "$D/good.postprobe.test.ocsp"
judge good.postprobe.test 0 "TLS OK" --ocsp
openssl ca -config "$D/ca.cnf" -cert "$D/inter.crt" -keyfile "$D/inter.key" \
    -revoke "$D/revoked.postprobe.test.crt" >/dev/null 2>&1
ocsp_for revoked.postprobe.test
serve revoked.postprobe.test "${CHAIN[@]}" -status_file "$D/revoked.postprobe.test.ocsp"
judge revoked.postprobe.test 2 "TLS CRITICAL - OCSP: the certificate is REVOKED" --ocsp

finish
