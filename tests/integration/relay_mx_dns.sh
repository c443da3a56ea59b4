#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check_relay_mx against the stack's nsd: every broken MX setup of the test zone, SERVFAIL
# (a zone nsd cannot load), REFUSED (a zone it does not serve), a DNS server that never
# answers (a UDP socket that reads nothing) and a closed port, --expect-mx, IPv6 transport,
# and bad command lines.
set -euo pipefail
. "$(dirname "$0")/lib/relay_mx.bash"
list=$(mktemp)
silent_pid=
trap 'rm -f "$list"; [ -z "$silent_pid" ] || kill "$silent_pid" 2>/dev/null || true' EXIT

run "$P" -s "$S" -D "good.$Z" -D "relay.$Z"
check "sound domains" all_of "rc_is 0" \
    'out_has "RELAY_MX OK - 2 domains checked, 0 failing, 0 with warnings"' \
    'out_has "good.$Z: MX 10 mx1.$Z (127.0.0.1 ::1), MX 20 mx2.$Z (127.0.0.1 ::1)"' \
    'out_has "| domains=2;;;0 failing=0;;;0;2 warnings=0;;;0;2 dns_slowest="'

run "$P" -s "$S" -D "implicit.$Z"
check "implicit MX" all_of "rc_is 1" \
    'out_has "RELAY_MX WARNING - no MX record, implicit MX on A/AAAA (RFC 5321 5.1): implicit.$Z (mail goes to 127.0.0.1 ::1)"'

run "$P" -s "$S" -D "cname-mx.$Z"
check "MX on a CNAME" all_of "rc_is 1" \
    'out_has "RELAY_MX WARNING - MX target is a CNAME (RFC 2181 10.3): cname-mx.$Z (MX 10 alias.$Z is an alias of mail.$Z)"'

run "$P" -s "$S" -D "noaddr-mx.$Z"
check "MX host without address" all_of "rc_is 2" \
    'out_has "RELAY_MX CRITICAL - no MX host with an address: noaddr-mx.$Z (noaddr-target.$Z has no A/AAAA record)"'

run "$P" -s "$S" -D "dangling-mx.$Z"
check "MX host that does not exist" all_of "rc_is 2" \
    'out_has "no MX host with an address: dangling-mx.$Z (does-not-exist.$Z does not exist)"'

run "$P" -s "$S" -D "nullmx.$Z"
check "null MX" all_of "rc_is 2" \
    'out_has "RELAY_MX CRITICAL - null MX, the domain accepts no mail (RFC 7505): nullmx.$Z,"'

run "$P" -s "$S" -D "v6only-mx.$Z"
check "IPv6-only MX" all_of "rc_is 1" 'out_has "MX hosts reachable over IPv6 only: v6only-mx.$Z"'

run "$P" -s "$S" -D "iplit-mx.$Z"
check "MX on an IP literal" all_of "rc_is 2" \
    'out_has "no MX host with an address: iplit-mx.$Z (127.0.0.1 is an IP address)"' \
    'out_has "[WARNING] MX target is an IP address, not a host name: iplit-mx.$Z (MX 10 127.0.0.1)"'

run "$P" -s "$S" -D "no-such-domain.$Z"
check "NXDOMAIN" all_of "rc_is 2" \
    'out_has "RELAY_MX CRITICAL - domain does not exist (NXDOMAIN): no-such-domain.$Z,"'

run "$P" -s "$S" -D "noaddr-target.$Z"
check "NODATA: neither MX nor address" all_of "rc_is 2" \
    'out_has "no MX and no address record: noaddr-target.$Z"'

run "$P" -s "$S" -D "x.$PP_DNS_SERVFAIL_ZONE"
check "SERVFAIL" all_of "rc_is 2" \
    'out_has "RELAY_MX CRITICAL - MX lookup SERVFAIL: x.$PP_DNS_SERVFAIL_ZONE (SERVFAIL from $S)"'

run "$P" -s "$S" -D example.org
check "REFUSED" all_of "rc_is 3" \
    'out_has "RELAY_MX UNKNOWN - DNS lookup failed: example.org (MX lookup REFUSED: REFUSED from $S)"'

# All at once, from a file: one line per kind of problem, counts in the perfdata.
printf '%s\n' "# every case of the zone" "good.$Z, implicit.$Z" "cname-mx.$Z noaddr-mx.$Z" \
    "nullmx.$Z v6only-mx.$Z iplit-mx.$Z relay.$Z dangling-mx.$Z GOOD.$Z." >"$list"
run "$P" -s "$S" --domains-file "$list"
check "a file of domains" all_of "rc_is 2" \
    'out_has "9 domains checked, 4 failing, 3 with warnings"' \
    'out_has "| domains=9;;;0 failing=4;;;0;9 warnings=3;;;0;9 dns_slowest="' \
    'out_has "[CRITICAL] no MX host with an address: dangling-mx.$Z"' \
    'out_has "[OK] relay.$Z: MX 10 mail.$Z (127.0.0.1 ::1)"'
run "$P" -s "$S" -D "@$list"
check "-D @file" all_of "rc_is 2" 'out_has "9 domains checked"'

# --expect-mx: names (the same set) and a regex (every MX host matches)
run "$P" -s "$S" -D "good.$Z" --expect-mx "mx2.$Z,MX1.$Z"
check "expected MX names" all_of "rc_is 0" 'out_has "1 domain checked"'
run "$P" -s "$S" -D "good.$Z" --expect-mx "mx1.$Z"
check "unexpected MX names" all_of "rc_is 2" \
    'out_has "MX not as expected: good.$Z (MX is mx1.$Z, mx2.$Z)"'
run "$P" -s "$S" -D "good.$Z,relay.$Z" --expect-mx '/^(mx[0-9]|mail)\.postprobe\.test$/'
check "expected MX regex" all_of "rc_is 0" 'out_has "2 domains checked"'
run "$P" -s "$S" -D "good.$Z,relay.$Z" --expect-mx '/^mx[0-9]\./'
check "unexpected MX regex" all_of "rc_is 2" 'out_has "MX not as expected: relay.$Z (MX is mail.$Z)"'

run "$P" -s "[::1]:$PP_DNS_PORT" -D "good.$Z"
check "DNS over IPv6" all_of "rc_is 0" 'out_has "RELAY_MX OK - 1 domain checked"'

run "$P" -s "$S" -D "good.$Z" -c 0:0.0000001
check "-c on the slowest answer" all_of "rc_is 2" 'out_has "[CRITICAL] slowest DNS answer"' \
    'out_has "dns_slowest="'

# A DNS server that never answers: UNKNOWN inside -t, naming the timeout.
port=$(closed_udp_port)
python3 -c 'import socket,sys,time
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",int(sys.argv[1])))
time.sleep(60)' "$port" &
silent_pid=$!
for ((i = 0; i < 50; i++)); do
    [ -n "$(ss -Hlnu "sport = :$port")" ] && break
    sleep 0.1
done
run "$P" -s "127.0.0.1:$port" -D "good.$Z" -t 2
check "silent server, stopped before -t" all_of "rc_is 3" \
    'out_has "RELAY_MX UNKNOWN - DNS lookup failed: good.$Z (MX lookup timeout: no answer from 127.0.0.1:$port before the time limit)"' \
    "within_t 2" "! faster_than 1.5"
run "$P" -s "127.0.0.1:$port" -D "good.$Z" --dns-timeout 0.2 -t 10
check "silent server, tries" all_of "rc_is 3" \
    'out_has "(MX lookup timeout: no answer from 127.0.0.1:$port in 2 tries of 0.2 s)"' \
    "at_once_of 10"
kill "$silent_pid"
wait "$silent_pid" 2>/dev/null || true
silent_pid=
run "$P" -s "127.0.0.1:$port" -D "good.$Z" -t 10
check "nothing listening" all_of "rc_is 3" \
    'out_has "(MX lookup error: 127.0.0.1:$port: Connection refused)"' "at_once_of 10"

# bad command lines: one UNKNOWN line
run "$P" -s "[::1" -D "good.$Z"
check "bad server" all_of "rc_is 3" 'out_has "RELAY_MX UNKNOWN - bad DNS server '"'[::1'"'"'
run "$P" -s "$S" -D x.test --expect-mx '/(/'
check "bad regex" all_of "rc_is 3" \
    'out_has "RELAY_MX UNKNOWN - --expect-mx: bad regular expression at offset"'
run "$P" -s "$S" -D 'bad!domain'
check "bad domain" all_of "rc_is 3" 'out_has "RELAY_MX UNKNOWN - '"'bad!domain'"' is not a domain name"'
run "$P" -s "$S" -D "good.$Z" --probe --probe-port 70000
check "bad port" all_of "rc_is 3" 'out_has "RELAY_MX UNKNOWN - --probe-port: 70000 is not a TCP port"'
run "$P" -s "$S" --domains-file /nonexistent/list
check "missing file" all_of "rc_is 3" \
    'out_has "RELAY_MX UNKNOWN - cannot read /nonexistent/list: No such file or directory"'

finish
