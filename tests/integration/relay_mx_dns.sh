#!/usr/bin/env bash
# check_relay_mx against the stack's nsd: every broken MX setup of the test zone, SERVFAIL
# (a zone nsd cannot load), REFUSED (a zone it does not serve), a DNS server that never
# answers (a UDP socket that reads nothing) and a closed port, --expect-mx, IPv6 transport,
# and bad command lines.
set -euo pipefail
. "${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env"
P=$PP_BUILD_DIR/plugins/check_relay_mx
S=127.0.0.1:$PP_DNS_PORT
Z=$PP_DNS_ZONE
fails=0

# expect CODE PATTERN... -- ARGS: run the plugin, check the exit code and that the output
# contains every pattern (fixed strings).
expect() {
    local code=$1 pats=() out rc=0
    shift
    while [ "$1" != -- ]; do pats+=("$1"); shift; done
    shift
    out=$("$P" "$@" 2>&1) || rc=$?
    if [ "$rc" != "$code" ]; then
        printf 'FAIL: exit %s, not %s: %s\n%s\n' "$rc" "$code" "$*" "$out"
        fails=$((fails + 1))
        return
    fi
    local p
    for p in "${pats[@]}"; do
        if ! grep -qF -- "$p" <<<"$out"; then
            printf 'FAIL: no "%s" in the output of: %s\n%s\n' "$p" "$*" "$out"
            fails=$((fails + 1))
            return
        fi
    done
    printf 'ok: %s\n' "$*"
}

expect 0 "RELAY_MX OK - 2 domains checked, 0 failing, 0 with warnings" \
    "good.$Z: MX 10 mx1.$Z (127.0.0.1 ::1), MX 20 mx2.$Z (127.0.0.1 ::1)" \
    "| domains=2 failing=0 warnings=0 dns_slowest=" -- -s "$S" -D "good.$Z" -D "relay.$Z"
expect 1 "RELAY_MX WARNING - no MX record, implicit MX on A/AAAA (RFC 5321 5.1): implicit.$Z (mail goes to 127.0.0.1 ::1)" \
    -- -s "$S" -D "implicit.$Z"
expect 1 "RELAY_MX WARNING - MX target is a CNAME (RFC 2181 10.3): cname-mx.$Z (MX 10 alias.$Z is an alias of mail.$Z)" \
    -- -s "$S" -D "cname-mx.$Z"
expect 2 "RELAY_MX CRITICAL - no MX host with an address: noaddr-mx.$Z (noaddr-target.$Z has no A/AAAA record)" \
    -- -s "$S" -D "noaddr-mx.$Z"
expect 2 "no MX host with an address: dangling-mx.$Z (does-not-exist.$Z does not exist)" \
    -- -s "$S" -D "dangling-mx.$Z"
expect 2 "RELAY_MX CRITICAL - null MX, the domain accepts no mail (RFC 7505): nullmx.$Z," \
    -- -s "$S" -D "nullmx.$Z"
expect 1 "MX hosts reachable over IPv6 only: v6only-mx.$Z" -- -s "$S" -D "v6only-mx.$Z"
expect 2 "no MX host with an address: iplit-mx.$Z (127.0.0.1 is an IP address)" \
    "[WARNING] MX target is an IP address, not a host name: iplit-mx.$Z (MX 10 127.0.0.1)" \
    -- -s "$S" -D "iplit-mx.$Z"
expect 2 "RELAY_MX CRITICAL - domain does not exist (NXDOMAIN): no-such-domain.$Z," \
    -- -s "$S" -D "no-such-domain.$Z"
expect 2 "RELAY_MX CRITICAL - MX lookup SERVFAIL: x.$PP_DNS_SERVFAIL_ZONE (SERVFAIL from $S)" \
    -- -s "$S" -D "x.$PP_DNS_SERVFAIL_ZONE"
expect 3 "RELAY_MX UNKNOWN - DNS lookup failed: example.org (MX lookup REFUSED: REFUSED from $S)" \
    -- -s "$S" -D example.org
# NODATA (the name exists, no MX and no address) versus NXDOMAIN
expect 2 "no MX and no address record: noaddr-target.$Z" -- -s "$S" -D "noaddr-target.$Z"

# All at once, from a file: one line per kind of problem, counts in the perfdata.
list=$(mktemp)
trap 'rm -f "$list"; [ -n "${silent_pid:-}" ] && kill "$silent_pid" 2>/dev/null || true' EXIT
printf '%s\n' "# every case of the zone" "good.$Z, implicit.$Z" "cname-mx.$Z noaddr-mx.$Z" \
    "nullmx.$Z v6only-mx.$Z iplit-mx.$Z relay.$Z dangling-mx.$Z GOOD.$Z." >"$list"
expect 2 "9 domains checked, 4 failing, 3 with warnings" \
    "| domains=9 failing=4 warnings=3 dns_slowest=" \
    "[CRITICAL] no MX host with an address: dangling-mx.$Z" \
    "[OK] relay.$Z: MX 10 mail.$Z (127.0.0.1 ::1)" -- -s "$S" --domains-file "$list"
expect 2 "9 domains checked" -- -s "$S" -D "@$list"

# --expect-mx: names (set equality) and a regex
expect 0 "1 domain checked" -- -s "$S" -D "good.$Z" --expect-mx "mx2.$Z,MX1.$Z"
expect 2 "MX not as expected: good.$Z (MX is mx1.$Z, mx2.$Z)" \
    -- -s "$S" -D "good.$Z" --expect-mx "mx1.$Z"
expect 0 "2 domains checked" -- -s "$S" -D "good.$Z,relay.$Z" --expect-mx '/^(mx[0-9]|mail)\.postprobe\.test$/'
expect 2 "MX not as expected: relay.$Z (MX is mail.$Z)" \
    -- -s "$S" -D "good.$Z,relay.$Z" --expect-mx '/^mx[0-9]\./'

# the DNS server over IPv6
expect 0 "RELAY_MX OK - 1 domain checked" -- -s "[::1]:$PP_DNS_PORT" -D "good.$Z"

# -w/-c on the slowest answer
expect 2 "[CRITICAL] slowest DNS answer" "dns_slowest=" -- -s "$S" -D "good.$Z" -c 0:0.0000001

# A DNS server that never answers: UNKNOWN inside -t, naming the timeout.
port=$((PP_DNS_PORT + 7000))
python3 -c 'import socket,sys,time
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",int(sys.argv[1])))
time.sleep(60)' "$port" &
silent_pid=$!
for ((i = 0; i < 50; i++)); do
    [ -n "$(ss -Hlnu "sport = :$port")" ] && break
    sleep 0.1
done
start=$(date +%s%N)
expect 3 "RELAY_MX UNKNOWN - DNS lookup failed: good.$Z (MX lookup timeout: no answer from 127.0.0.1:$port before the time limit)" \
    -- -s "127.0.0.1:$port" -D "good.$Z" -t 2
ms=$((($(date +%s%N) - start) / 1000000))
if [ "$ms" -gt 2500 ] || [ "$ms" -lt 1500 ]; then
    echo "FAIL: the silent server took $ms ms, not about 1.8 s"
    fails=$((fails + 1))
fi
expect 3 "(MX lookup timeout: no answer from 127.0.0.1:$port in 2 tries of 0.2 s)" \
    -- -s "127.0.0.1:$port" -D "good.$Z" --dns-timeout 0.2
kill "$silent_pid"
silent_pid=
# nothing listening: ICMP port unreachable, at once
expect 3 "(MX lookup error: 127.0.0.1:$port: Connection refused)" -- -s "127.0.0.1:$port" -D "good.$Z"

# bad command lines: one UNKNOWN line
expect 3 "RELAY_MX UNKNOWN - bad DNS server '[::1'" -- -s "[::1" -D "good.$Z"
expect 3 "RELAY_MX UNKNOWN - --expect-mx: bad regular expression at offset" -- -s "$S" -D x.test --expect-mx '/(/'
expect 3 "RELAY_MX UNKNOWN - 'bad!domain' is not a domain name" -- -s "$S" -D 'bad!domain'
expect 3 "RELAY_MX UNKNOWN - cannot read /nonexistent/list: No such file or directory" \
    -- -s "$S" --domains-file /nonexistent/list

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all relay_mx_dns checks passed"
