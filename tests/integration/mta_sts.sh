#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mta_sts.sh - check_mta_sts against the stack's nsd (records under sts.postprobe.test), its
# Postfix as both MX hosts, and a real lighttpd on loopback serving the policies with
# certificates of the stack's CA: enforce, testing, an mx that does not cover an MX, 404, a
# redirect, text/html, a 100 KB body, an expired certificate, a silent server; two STS
# records, a bad TLS-RPT record, a domain without MTA-STS, --expect-mode.
set -euo pipefail
. "$(dirname "$0")/lib/login.bash"

P=$PP_BUILD_DIR/plugins/check_mta_sts
Z=sts.$PP_DOMAIN
HTTPS=$(free_port 11)
EXPIRED=$(free_port 12)
SILENT=$(free_port 13)
D=$WORK/web
ca_config "$D" 2000
# web_cert NAME SAN DATES...: a certificate of the stack's CA, key and chain in NAME.pem.
web_cert() {
    local name=$1 san=$2
    shift 2
    printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' \
        "$san" >"$D/$name.ext"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$name" -keyout "$D/$name.key" \
        -out "$D/$name.csr" 2>/dev/null
    openssl ca -batch -notext -config "$D/ca.cnf" -cert "$PP_CA_CERT" -keyfile "$PP_CA_KEY" \
        "$@" -extfile "$D/$name.ext" -in "$D/$name.csr" -out "$D/$name.crt" 2>/dev/null
    cat "$D/$name.crt" "$D/$name.key" >"$D/$name.pem"
}
sans=""
for d in enforce testing nomatch notfound redirect html big expired silent twice badrpt; do
    sans+="${sans:+,}DNS:mta-sts.$d.$Z"
done
web_cert good "$sans" -days 30
web_cert old "DNS:mta-sts.expired.$Z" -startdate "$(utc '-30 days')" -enddate "$(utc '-2 days')"

# The policies, one document root per host.
policy() { mkdir -p "$D/$1/.well-known" && printf '%b' "$2" >"$D/$1/.well-known/mta-sts.txt"; }
GOOD="version: STSv1\nmode: enforce\nmx: *.$Z\nmax_age: 604800\n"
for d in enforce nomatch redirect html big expired twice badrpt; do policy "$d" "$GOOD"; done
policy testing "version: STSv1\nmode: testing\nmx: mx1.$Z\nmx: mx2.$Z\nmax_age: 86400\n"
policy nomatch "version: STSv1\nmode: enforce\nmx: mx1.$Z\nmax_age: 604800\n"
mkdir -p "$D/notfound"
{ printf '%b' "$GOOD"; head -c 102400 /dev/zero | tr '\0' '#'; } >"$D/big/.well-known/mta-sts.txt"
cat >"$D/lighttpd.conf" <<EOF
server.modules = ("mod_openssl", "mod_redirect")
server.document-root = "$D/enforce"
server.bind = "127.0.0.1"
server.port = $HTTPS
server.pid-file = "$D/lighttpd.pid"
server.errorlog = "$D/error.log"
mimetype.assign = (".txt" => "text/plain")
ssl.engine = "enable"
ssl.pemfile = "$D/good.pem"
ssl.ca-file = "$PP_CA_CERT"
EOF
for d in testing nomatch notfound redirect html big twice badrpt; do
    echo "\$HTTP[\"host\"] == \"mta-sts.$d.$Z\" { server.document-root = \"$D/$d\" }"
done >>"$D/lighttpd.conf"
cat >>"$D/lighttpd.conf" <<EOF
\$HTTP["host"] == "mta-sts.redirect.$Z" { url.redirect = ("^/(.*)" => "https://elsewhere.$Z/\$1") }
\$HTTP["host"] == "mta-sts.html.$Z" { mimetype.assign = (".txt" => "text/html") }
EOF
lighttpd -D -f "$D/lighttpd.conf" </dev/null >"$D/stdio.log" 2>&1 &
SERVER_PIDS+=($!)
wait_listening "$HTTPS" || { cat "$D/stdio.log" "$D/error.log" >&2; exit 1; }
# The expired certificate: the handshake fails before any HTTP, so openssl serves it.
tls_server "$EXPIRED" "$D/old.crt" "$D/old.key"
# A silent server: it takes the connection and never says a word.
python3 -c 'import socket,time,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); time.sleep(120)' "$SILENT" &
SERVER_PIDS+=($!)
wait_listening "$SILENT"

COMMON=(-s "127.0.0.1:$PP_DNS_PORT" --cafile "$PP_CA_CERT" -p "$PP_SMTP_PORT")
# sts NAME [PORT] [ARGS...]: check NAME.sts.postprobe.test, its policy from PORT.
sts() {
    local d=$1 port=$2
    shift 2
    run "$P" -D "$d.$Z" "${COMMON[@]}" --connect-to "mta-sts.$d.$Z:443:127.0.0.1:$port" "$@"
}

sts enforce "$HTTPS"
check "enforce: policy, 2 MX covered, certificates valid, TLS-RPT" all_of "rc_is 0" \
    "first_has \"MTA_STS OK - enforce.$Z: mode enforce, 2 MX hosts\"" \
    "out_has \"policy id enforce2026, mode enforce, max_age 604800 s\"" \
    "out_has \"MX mx1.$Z matches mx *.$Z\"" "out_has \"MX mx2.$Z matches mx *.$Z\"" \
    "out_has \"mx2.$Z: chain of 2 verified\"" "out_has \"TLS-RPT reports to 1 address\"" \
    'perf_has time'
sts enforce "$HTTPS" --expect-mode testing
check "--expect-mode testing on enforce" all_of "rc_is 2" \
    'first_has "mode is enforce, expected testing"'
sts testing "$HTTPS" --expect-mode testing
check "testing, no TLS-RPT record" all_of "rc_is 1" \
    "first_has \"no TLS-RPT record at _smtp._tls.testing.$Z: nobody hears\""
sts nomatch "$HTTPS"
check "an MX the policy does not cover" all_of "rc_is 2" \
    "first_has \"MX mx2.$Z is not covered by the policy's mx patterns\""
sts notfound "$HTTPS"
check "404" all_of "rc_is 2" 'first_has "HTTP 404 (only 200 is an answer)"'
sts redirect "$HTTPS"
check "a redirect is not followed" all_of "rc_is 2" \
    "first_has \"redirected (HTTP 301) to https://elsewhere.$Z/.well-known/mta-sts.txt: not followed\""
sts html "$HTTPS"
check "text/html" all_of "rc_is 2" 'first_has "Content-Type is text/html, not text/plain"'
sts big "$HTTPS"
check "a 100 KB body" all_of "rc_is 2" 'first_has "the body is larger than 65536 bytes"'
sts expired "$EXPIRED"
check "an expired certificate" all_of "rc_is 2" 'first_has "certificate has expired"'
sts silent "$SILENT" -t 2
check "a silent server, within -t" all_of "rc_is 2" 'first_has "policy https://mta-sts.silent"' \
    'first_has "timed out after"' 'within_t 2'
sts twice "$HTTPS"
check "two STS records" all_of "rc_is 2" 'first_has "2 v=STSv1 records at _mta-sts.twice"'
sts badrpt "$HTTPS"
check "a bad TLS-RPT record" all_of "rc_is 1" \
    'first_has "is neither mailto:ADDRESS nor https://HOST"'
run "$P" -D "nosts.$Z" "${COMMON[@]}"
check "no MTA-STS at all" all_of "rc_is 0" 'out_has "[OK] nosts.$Z: no MTA-STS policy"'
run "$P" -D "nosts.$Z" "${COMMON[@]}" --expect-mode enforce
check "no MTA-STS, enforce expected" all_of "rc_is 2" 'first_has "no MTA-STS policy"'
run "$P" -D "enforce.$Z" -D "nosts.$Z" "${COMMON[@]}" --format json \
    --connect-to "::127.0.0.1:$HTTPS"
check "two domains, JSON" all_of "rc_is 0" 'out_has "\"state\""' \
    'out_has "2 domains: 1 enforce, 0 testing, 0 none, 1 without a policy"'
run "$P" --expect-mode sometimes -D x.example
check "bad --expect-mode" all_of "rc_is 3" 'first_has "--expect-mode: '"'"'sometimes'"'"' is not"'
run "$P"
check "no domain" all_of "rc_is 3" 'first_has "give -D DOMAIN or -C CONFIG_DIR"'
finish
