#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tls_ocsp_fetch.sh - check_tls_cert --ocsp-fetch against a real OCSP responder on loopback
# (`openssl ocsp -index ... -port`): certificates of a test CA whose authorityInfoAccess
# names it, served by openssl s_server; good, revoked (when and why), the responder down, no
# responder named (OK, nothing to ask), a chain that does not verify (not asked),
# a responder that signs with a key the CA never delegated to, responders that answer bytes
# that are no OCSP response or an HTML page, a server that staples (the
# stapled response wins: its responder is down, so a fetch would fail), and a PEM file.
# `openssl ocsp -url ... -issuer ... -cert ...` is asked the same question each time and the
# plugin must agree with it.
set -euo pipefail
. "$(dirname "$0")/lib/login.bash"

P=$PP_BUILD_DIR/plugins/check_tls_cert
D=$WORK/ocsp
ca_init "$D"
RESP=$(free_port 21)
WRONG=$(free_port 22)
DOWN=$(free_port 23) # nothing listens there

# cert NAME RESPONDER_PORT: a certificate of the intermediate that names the responder.
cert() {
    leaf "$D" "$1" --ext "authorityInfoAccess=OCSP;URI:http://127.0.0.1:$2"
    cat "$D/$1.crt" "$D/inter.crt" >"$D/$1.chain"
}
cert good "$RESP"
cert revoked "$RESP"
cert down "$DOWN"
cert wrongsig "$WRONG"
cert stapled "$DOWN"
openssl ca -config "$D/ca.cnf" -cert "$D/inter.crt" -keyfile "$D/inter.key" \
    -revoke "$D/revoked.crt" -crl_reason keyCompromise 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=rogue responder" \
    -keyout "$D/rogue.key" -out "$D/rogue.crt" 2>/dev/null

# responder PORT SIGNER KEY: openssl's OCSP responder for the intermediate's certificates.
responder() {
    openssl ocsp -index "$D/db/index.txt" -port "$1" -rsigner "$2" -rkey "$3" \
        -CA "$D/inter.crt" -ndays 2 </dev/null >"$WORK/ocsp.$1.log" 2>&1 &
    SERVER_PIDS+=($!)
    wait_listening "$1"
}
responder "$RESP" "$D/inter.crt" "$D/inter.key"
responder "$WRONG" "$D/rogue.crt" "$D/rogue.key"

# referee NAME PORT WANT: openssl's OCSP client asks PORT about NAME's certificate; it must
# say WANT: good, revoked, forged (the signature does not verify), unreadable (no OCSP
# response) or unreachable. REF_TIME:
# the revocation time it gives.
REF_TIME=
referee() {
    local out says=unreachable
    out=$(timeout 5 openssl ocsp -url "http://127.0.0.1:$2" -issuer "$D/inter.crt" \
        -cert "$D/$1.crt" -CAfile "$D/root.crt" -no_nonce 2>&1) || true
    REF_TIME=$(sed -n 's/^[[:space:]]*Revocation Time: //p' <<<"$out")
    if [[ $out == *"Response Verify Failure"* ]]; then says=forged
    elif [[ $out == *"missing asn1 encoding"* ]]; then says=unreadable
    elif [[ $out == *"$1.crt: good"* ]]; then says=good
    elif [[ $out == *"$1.crt: revoked"* ]]; then says=revoked; fi
    [ "$says" = "$3" ] || { echo "openssl ocsp says $says of $1, not $3: $out"; exit 1; }
}

# fetch NAME [s_server options...]: NAME's chain served on a port of its own, checked.
n=30
fetch() {
    local name=$1 port
    shift
    port=$(free_port $((n++)))
    tls_server "$port" "$D/$name.crt" "$D/$name.key" -cert_chain "$D/inter.crt" "$@"
    run "$P" -H 127.0.0.1 -p "$port" --cafile "$D/root.crt" --hostname "$name" --ocsp-fetch
}
FROM="OCSP from http://127.0.0.1"

referee good "$RESP" good
fetch good
check "good: OK with the response's times" all_of "rc_is 0" \
    "out_has \"[OK] $FROM:$RESP: good, next update in 2.0 days (\"" 'out_has ", this update "'

referee revoked "$RESP" revoked
WHEN=$(date -u -d "$REF_TIME" '+%Y-%m-%d %H:%M UTC')
fetch revoked
check "revoked: CRITICAL with the time and the reason openssl ocsp gives" all_of "rc_is 2" \
    "first_has \"TLS CRITICAL - $FROM:$RESP: the certificate is REVOKED since $WHEN (reason: keyCompromise)\""

referee down "$DOWN" unreachable
fetch down
check "responder down: UNKNOWN, the status is not known" all_of "rc_is 3" \
    "first_has \"TLS UNKNOWN - $FROM:$DOWN: the revocation status is not known: \""

referee wrongsig "$WRONG" forged
fetch wrongsig
check "a response signed by a key the CA did not delegate to: WARNING" all_of "rc_is 1" \
    "first_has \"TLS WARNING - $FROM:$WRONG: the fetched response's signature is not valid (\""

# The stapled response (made by the same responder code, openssl ocsp) wins: no fetch.
(cd "$D" && openssl ocsp -index db/index.txt -rsigner inter.crt -rkey inter.key -CA inter.crt \
    -issuer inter.crt -cert stapled.crt -ndays 2 -respout stapled.ocsp >/dev/null 2>&1)
fetch stapled -status_file "$D/stapled.ocsp"
check "a server that staples: its response is judged, the responder not asked" all_of \
    "rc_is 0" 'out_has "[OK] OCSP: good, next update in 2.0 days"' "! out_has \"$FROM\""

run "$P" --file "$D/good.chain" --cafile "$D/root.crt" --ocsp-fetch
check "--file: the file's certificate asked from its responder" all_of "rc_is 0" \
    "out_has \"[OK] $FROM:$RESP: good, next update in 2.0 days\""

# A certificate that names no responder (Let's Encrypt's since 2025): nothing to ask, OK.
leaf "$D" noaia
cat "$D/noaia.crt" "$D/inter.crt" >"$D/noaia.chain"
fetch noaia
check "no responder named: OK, nothing to ask" all_of "rc_is 0" \
    'out_has "[OK] OCSP: the certificate names no responder"'
# A responder that answers 200 with bytes that are no OCSP response, and one that answers an
# HTML page: openssl ocsp cannot read either; the plugin says what it got.
garbage() { # garbage PORT CONTENT-TYPE
    python3 - "$1" "$2" <<'PY' >"$WORK/garbage.$1.log" 2>&1 &
import http.server, os, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = os.urandom(300)
        self.send_response(200)
        self.send_header("Content-Type", sys.argv[2])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
    SERVER_PIDS+=($!)
    wait_listening "$1"
}
GARBAGE=$(free_port 24)
HTML=$(free_port 25)
garbage "$GARBAGE" application/ocsp-response
garbage "$HTML" text/html
cert garbage "$GARBAGE"
cert html "$HTML"
referee garbage "$GARBAGE" unreadable
fetch garbage
check "a responder's answer that is no OCSP response: WARNING, cannot be decoded" all_of \
    "rc_is 1" "first_has \"TLS WARNING - $FROM:$GARBAGE: the fetched response cannot be decoded\""
fetch html
check "a responder that answers text/html: UNKNOWN that says so" all_of "rc_is 3" \
    "first_has \"TLS UNKNOWN - $FROM:$HTML: the revocation status is not known: Content-Type is text/html\""

# A chain that does not verify: the responder it names is not contacted (the garbage
# responder logs every request it gets).
asked=$(grep -c 'POST' "$WORK/garbage.$GARBAGE.log" || true)
run "$P" --file "$D/garbage.chain" --cafile "$D/rogue.crt" --ocsp-fetch
check "an untrusted chain: CRITICAL for the chain, its responder not asked" all_of "rc_is 2" \
    "out_has \"[UNKNOWN] $FROM:$GARBAGE: the revocation status is not known: not asked: the chain does not verify\"" \
    "[ \"\$(grep -c POST \"$WORK/garbage.$GARBAGE.log\" || true)\" = $asked ]" \
    "[ $asked -ge 1 ]"

# libcurl is opened at the first fetch (dlopen): one that lacks its functions is named, not a
# crash. The stand-in is an empty library of libcurl's SONAME, found first on LD_LIBRARY_PATH.
mkdir -p "$WORK/nocurl"
cc -shared -fPIC -o "$WORK/nocurl/libcurl.so.4" -x c /dev/null
run env LD_LIBRARY_PATH="$WORK/nocurl" "$P" --file "$D/good.chain" --cafile "$D/root.crt" \
    --ocsp-fetch
check "a libcurl without its functions: UNKNOWN that names what is missing" all_of "rc_is 3" \
    'first_has "libcurl.so.4 has no curl_global_init"'

finish
