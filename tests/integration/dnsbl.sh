#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# dnsbl.sh - check_dnsbl against the stack's nsd (zones under $PP_DNSBL_ZONE, see
# tests/env/README.md), with dig as the referee of what nsd answers: listings of IPv4 and
# IPv6 addresses with TXT, -H NAME (A and AAAA), ZEN's codes, policy listings, -w/-c, each
# Spamhaus error code, URIBL's refusal, a wildcard list, a list without test point, a
# resolver that rewrites NXDOMAIN, SERVFAIL, a server that never answers, DQS keys, -C
# (main.cf and master.cf -o overrides), nothing to check, --format json.
set -euo pipefail
. "$(dirname "$0")/lib/hostile.bash"
P=$PP_BUILD_DIR/plugins/check_dnsbl
S=127.0.0.1:$PP_DNS_PORT
Z=$PP_DNSBL_ZONE
dig_a() { dig +short +time=1 +tries=1 @127.0.0.1 -p "$PP_DNS_PORT" "$1" A | sort | tr '\n' ' '; }
dig_txt() { dig +short +time=1 +tries=1 @127.0.0.1 -p "$PP_DNS_PORT" "$1" TXT | tr -d '"'; }

# The referee: what nsd answers for the names the plugin asks.
check "dig: 192.0.2.1 on bl" [ "$(dig_a 1.2.0.192.bl.$Z)" = "127.0.0.2 " ]
check "dig: 2001:db8::1 on bl (nibbles)" \
    [ "$(dig_a 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.$Z)" = "127.0.0.2 " ]
check "dig: 192.0.2.2 not on bl" [ -z "$(dig_a 2.2.0.192.bl.$Z)" ]
TXT1=$(dig_txt 1.2.0.192.bl.$Z)

run "$P" -s "$S" -H 192.0.2.1 -H 192.0.2.2 -z "bl.$Z"
check "IPv4 listed: CRITICAL, zone, code, TXT in the long output" all_of "rc_is 2" \
    'out_has "DNSBL CRITICAL - 192.0.2.1 listed on bl.$Z: 127.0.0.2"' \
    'out_has "    TXT: $TXT1"' '! out_has "192.0.2.2 listed"' 'out_has "listed=1;;0;0"'
run "$P" -s "$S" -H listed-host.$Z -z "bl.$Z"
check "-H NAME: its A and AAAA, IPv6 as nibbles" all_of "rc_is 2" \
    'out_has "192.0.2.1 (listed-host.$Z) listed on bl.$Z"' \
    'out_has "2001:db8::1 (listed-host.$Z) listed on bl.$Z: 127.0.0.2"' \
    'out_has "TXT: $(dig_txt 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.$Z)"'
run "$P" -s "$S" -H clean-host.$Z -z "bl.$Z" -z "bl2.$Z"
check "clean: OK, zones proved alive" all_of "rc_is 0" \
    'out_has "DNSBL OK - 2 addresses and 0 names on 2 zones: 0 listings"' \
    'out_has "[OK] bl.$Z: answers, test point 127.0.0.2 listed"'
run "$P" -s "$S" -H nonexistent.postprobe.test -H 192.0.2.2 -z "bl.$Z"
check "-H NAME without address: UNKNOWN naming it" all_of "rc_is 3" \
    'out_has "-H nonexistent.postprobe.test: the name has no A or AAAA record"'

# -w/-c count listings: 192.0.2.1 is on bl and bl2.
run "$P" -s "$S" -H 192.0.2.1 -z "bl.$Z" -z "bl2.$Z" -w 0 -c 2
check "-w 0 -c 2 with two listings: WARNING" all_of "rc_is 1" 'out_has "listed=2;0;2;0"'
run "$P" -s "$S" -H 192.0.2.1 -z "bl.$Z" -z "bl2.$Z" -c 1:5
check "-c 1:5 (range syntax) with two listings: OK" all_of "rc_is 0" \
    'out_has "[OK] 192.0.2.1 listed on bl2.$Z: 127.0.0.3"'

# ZEN's codes, read from a mirror zone as zen.spamhaus.org.
ZEN="zen.$Z=zen.spamhaus.org"
for c in "10 127.0.0.2 SBL" "11 127.0.0.3 CSS" "12 127.0.0.4 XBL" "13 127.0.0.2 SBL, 127.0.0.9 DROP"; do
    set -- $c
    run "$P" -s "$S" -H 192.0.2.$1 -z "$ZEN"
    check "ZEN 192.0.2.$1: ${*:2}" all_of "rc_is 2" \
        "out_has \"192.0.2.$1 listed on zen.$Z: ${*:2}\""
done
check "ZEN: dig agrees on DROP" [ "$(dig_a 13.2.0.192.zen.$Z)" = "127.0.0.2 127.0.0.9 " ]
run "$P" -s "$S" -H 192.0.2.14 -z "$ZEN"
check "PBL: WARNING by default, meaning and TXT" all_of "rc_is 1" \
    'out_has "DNSBL WARNING - 192.0.2.14 listed on zen.$Z: 127.0.0.10 PBL"' \
    'out_has "PBL: Policy Block List"' 'out_has "TXT: $(dig_txt 14.2.0.192.zen.$Z)"'
run "$P" -s "$S" -H 192.0.2.15 -z "$ZEN" --policy-state critical
check "--policy-state critical" all_of "rc_is 2" 'out_has "127.0.0.11 PBL"'
run "$P" -s "$S" -H 2001:db8::10 -z "$ZEN"
check "ZEN IPv6 listing" all_of "rc_is 2" 'out_has "2001:db8::10 listed on zen.$Z: 127.0.0.4 XBL"'

# Error codes, wildcards and silence are never listings.
for e in "typo 127.255.255.252 typing error" "pubres 127.255.255.254 public or open resolvers" \
    "ratelimit 127.255.255.255 excessive number of queries"; do
    set -- $e
    check "dig: $1 answers $2" [ "$(dig_a 1.2.0.192.$1.$Z)" = "$2 " ]
    run "$P" -s "$S" -H 192.0.2.1 -z "$1.$Z=zen.spamhaus.org"
    check "Spamhaus $2: UNKNOWN with reason and fix, not listed" all_of "rc_is 3" \
        "out_has \"$1.$Z answers with an error code, not a listing: $2\"" \
        "out_has \"${*:3}\"" '! out_has "listed on"' 'out_has "zones_unusable=1"'
done
run "$P" -s "$S" -H 192.0.2.10 -z "$ZEN" -z "pubres.$Z=zen.spamhaus.org"
check "pubres beside a real listing: CRITICAL, pubres named" all_of "rc_is 2" \
    'out_has "[UNKNOWN] pubres.$Z answers with an error code"' 'out_has "listed=1;"' \
    'out_has "DNSBL CRITICAL"'
run "$P" -s "$S" --domain black.example -z "urirefused.$Z=multi.uribl.com"
check "URIBL query refused: UNKNOWN, fix named" all_of "rc_is 3" \
    'out_has "127.0.0.1 (URIBL refuses this resolver"' '! out_has "listed on"'
check "dig: wild lists 127.0.0.1" [ "$(dig_a 1.0.0.127.wild.$Z)" = "127.0.0.2 " ]
run "$P" -s "$S" -H 192.0.2.1 -z "wild.$Z"
check "wildcard zone: UNKNOWN, never a listing" all_of "rc_is 3" \
    'out_has "wild.$Z lists everything: its RFC 5782 test point 1.0.0.127.wild.$Z"' \
    '! out_has "listed on"'
run "$P" -s "$S" -H 192.0.2.2 -z "notest.$Z"
check "no test point: UNKNOWN" all_of "rc_is 3" \
    'out_has "notest.$Z does not list its RFC 5782 test point 2.0.0.127.notest.$Z"'
run "$P" -s "$S" -H 192.0.2.1 -z "outside.$Z"
check "answer outside 127/8: UNKNOWN" all_of "rc_is 3" 'out_has "192.0.2.99 (outside 127.0.0.0/8"'
run "$P" -s "$S" -H 192.0.2.1 -z "$PP_DNS_SERVFAIL_ZONE"
check "SERVFAIL: UNKNOWN" all_of "rc_is 3" 'out_has "$PP_DNS_SERVFAIL_ZONE: lookup failed: SERVFAIL"'

# Domain lists.
run "$P" -s "$S" --domain listed-domain.example --domain clean.example -z "dom.$Z:domains"
check "domain list: listed name with TXT" all_of "rc_is 2" \
    'out_has "listed-domain.example listed on dom.$Z: 127.0.0.2"' \
    'out_has "TXT: $(dig_txt listed-domain.example.dom.$Z)"' '! out_has "clean.example listed"'
run "$P" -s "$S" --domain spam.example --domain phish.example -z "dbl.$Z=dbl.spamhaus.org"
check "DBL codes" all_of "rc_is 2" 'out_has "spam.example listed on dbl.$Z: 127.0.1.2 spam"' \
    'out_has "phish.example listed on dbl.$Z: 127.0.1.4 phish"'
run "$P" -s "$S" --domain black.example --domain grey.example -z "uribl.$Z=multi.uribl.com"
check "URIBL black CRITICAL, grey a policy listing" all_of "rc_is 2" \
    'out_has "[CRITICAL] black.example listed on uribl.$Z: 127.0.0.2 black"' \
    'out_has "[WARNING] grey.example listed on uribl.$Z: 127.0.0.4 grey"'

# DQS: the stack's key turns zen.spamhaus.org into KEY.zen.dq.spamhaus.net.
run "$P" -s "$S" -H 192.0.2.1 -z zen.spamhaus.org --dqs-key-file "$PP_DQS_KEY_FILE"
check "DQS key: listed through dq.spamhaus.net, key never shown" all_of "rc_is 2" \
    'out_has "[OK] zen.spamhaus.org (DQS): answers"' 'out_has "127.0.0.2 SBL"' \
    "! out_has \"$(grep -v '^#' "$PP_DQS_KEY_FILE")\""
K=$(mktemp); trap 'rm -f "$K"; hostile_down' EXIT
cp "$PP_DQS_KEY_FILE" "$K"; chmod 644 "$K"
run "$P" -s "$S" -H 192.0.2.1 --dqs-key-file "$K"
check "DQS key file readable by others: refused" all_of "rc_is 3" \
    'out_has "DQS key file $K has mode 644: others may read or write it"'
echo wrongkey >"$K"; chmod 600 "$K"
run "$P" -s "$S" -H 192.0.2.1 -z zen.spamhaus.org --dqs-key-file "$K"
check "unknown DQS key: UNKNOWN, not OK" all_of "rc_is 3" 'out_has "does not know the DQS key"'

# A server that never answers: the zone is named and counted, never OK nor CRITICAL.
hostile_up dns silent
run "$P" -t 2 -s "127.0.0.1:$HPORT" -H 192.0.2.1 -z "bl.$Z" -z "bl2.$Z"
expect_state "silent server: UNKNOWN within -t" 3 DNSBL "no answer within the time limit from 2 zones: bl.$Z, bl2.$Z"
check "silent server: perfdata timeouts" out_has "timeouts=2;;;0;2"
hostile_down

# -C: main.cf's and master.cf's smtp_bind_address*, myhostname and smtp_helo_name.
T=$(mktemp -d); trap 'rm -rf "$T" "$K"; hostile_down' EXIT
cp -a "$PP_POSTFIX_CONFIG_DIR"/. "$T"/; sed -i '/^config_directory/d' "$T/main.cf"
touch -d '-5 sec' "$T/main.cf" "$T/master.cf"
run "$P" -s "$S" -C "$T" -z "bl.$Z"
check "-C without smtp_bind_address: UNKNOWN naming -H" all_of "rc_is 3" 'out_has "name it with -H"'
postconf -c "$T" -e smtp_bind_address=192.0.2.2 smtp_bind_address6=2001:db8::2 \
    smtp_helo_name=clean-host.$Z
postconf -c "$T" -M "smtpip/unix=smtpip unix - - n - - smtp -o smtp_bind_address=192.0.2.1 -o smtp_helo_name=listed-domain.example"
touch -d '-5 sec' "$T/main.cf" "$T/master.cf"
run "$P" -s "$S" -C "$T" -z "bl.$Z" -z "dom.$Z:domains"
check "-C: master.cf -o overrides checked" all_of "rc_is 2" \
    'out_has "192.0.2.1 (master.cf smtpip/unix smtp_bind_address) listed on bl.$Z"' \
    'out_has "listed-domain.example (master.cf smtpip/unix smtp_helo_name) listed on dom.$Z"' \
    'out_has "3 addresses and 3 names on 2 zones"'

# Nothing to check; bad zone; JSON.
run "$P" -s "$S"
check "nothing to check: UNKNOWN naming -H" all_of "rc_is 3" 'out_has "nothing to check: give -H"'
run "$P" -s "$S" -H 192.0.2.1 -z "bad..zone"
check "bad -z: UNKNOWN" all_of "rc_is 3" 'out_has "is not a DNS zone"'
run "$P" -s "$S" -H 192.0.2.1 -z "bl.$Z" --format json
check "--format json" all_of "rc_is 2" 'out_has "\"service\":\"DNSBL\",\"state\":\"CRITICAL\""' \
    'out_has "TXT: $TXT1"'
finish
