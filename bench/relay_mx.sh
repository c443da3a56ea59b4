#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/relay_mx.sh - check_relay_mx against a serial `dig +short MX` loop over the same
# 1,000 relay domains, in one run, on a private nsd on loopback.
#
#   bench/relay_mx.sh [BUILD_DIR] [DOMAINS]     (default build/, 1000 domains)
#
# Each domain of the generated zone bench.test has its own MX host with an A and an AAAA
# record, so the plugin asks three questions per domain (MX, A, AAAA) where the loop asks
# one. The plugin runs 7 times, the loop 3 times; medians of the wall times and their ratio
# are printed. Target: the plugin under 1 s and at least 10x faster than the loop.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/bench/lib.bash"
BUILD=${1:-$HERE/build}
N=${2:-1000}
PLUGIN=$BUILD/plugins/check_relay_mx
ZONE=bench.test
[ -x "$PLUGIN" ] || { echo "no $PLUGIN (build first, or give the build dir)" >&2; exit 1; }
for p in nsd dig; do
    command -v "$p" >/dev/null || [ -x "/usr/sbin/$p" ] || { echo "needs $p" >&2; exit 1; }
done

TMP=$(mktemp -d /tmp/bench_relay_mx.XXXXXX)
nsd_pid=
cleanup() {
    [ -n "$nsd_pid" ] && kill "$nsd_pid" 2>/dev/null && wait "$nsd_pid" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

# A free UDP+TCP port on loopback.
port=
for candidate in $(shuf -i 30000-39999 -n 50); do
    if [ -z "$(ss -Hlnu "sport = :$candidate")$(ss -Hlnt "sport = :$candidate")" ]; then
        port=$candidate
        break
    fi
done
[ -n "$port" ] || { echo "no free port found" >&2; exit 1; }

{
    printf '$ORIGIN %s.\n$TTL 300\n' "$ZONE"
    printf '@ IN SOA ns.%s. hostmaster.%s. ( 1 3600 600 86400 60 )\n@ IN NS ns\nns IN A 127.0.0.1\n' \
        "$ZONE" "$ZONE"
    for ((i = 1; i <= N; i++)); do
        printf 'd%05d IN MX 10 mx.d%05d\nmx.d%05d IN A 127.0.0.1\nmx.d%05d IN AAAA ::1\n' \
            "$i" "$i" "$i" "$i"
    done
} >"$TMP/$ZONE.zone"
for ((i = 1; i <= N; i++)); do printf 'd%05d.%s\n' "$i" "$ZONE"; done >"$TMP/domains"

cat >"$TMP/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1@$port
    port: $port
    server-count: 1
    username: ""
    chroot: ""
    database: ""
    zonesdir: "$TMP"
    zonelistfile: "$TMP/zone.list"
    xfrdfile: "$TMP/xfrd.state"
    xfrdir: "$TMP"
    pidfile: "$TMP/nsd.pid"
    logfile: "$TMP/nsd.log"
    verbosity: 0
remote-control:
    control-enable: no
zone:
    name: "$ZONE"
    zonefile: "$ZONE.zone"
EOF
nsd -d -c "$TMP/nsd.conf" </dev/null >"$TMP/nsd.out" 2>&1 &
nsd_pid=$!
for ((i = 0; i < 50; i++)); do
    dig +short +time=1 +tries=1 @127.0.0.1 -p "$port" "d00001.$ZONE" MX 2>/dev/null | grep -q mx &&
        break
    sleep 0.1
done

now_ms() { echo $(($(date +%s%N) / 1000000)); }

plugin_ms=()
for ((r = 0; r < 7; r++)); do
    t0=$(now_ms)
    out=$("$PLUGIN" -s "127.0.0.1:$port" --domains-file "$TMP/domains" -t 30) || true
    plugin_ms+=($(($(now_ms) - t0)))
    case $out in
        "RELAY_MX OK - $N domains checked"*) ;;
        *) echo "unexpected plugin output: ${out%%$'\n'*}" >&2; exit 1 ;;
    esac
done

dig_ms=()
for ((r = 0; r < 3; r++)); do
    t0=$(now_ms)
    answered=0
    while read -r d; do
        [ -n "$(dig +short +time=2 +tries=1 @127.0.0.1 -p "$port" "$d" MX)" ] && answered=$((answered + 1))
    done <"$TMP/domains"
    dig_ms+=($(($(now_ms) - t0)))
    [ "$answered" -eq "$N" ] || { echo "the dig loop got $answered answers of $N" >&2; exit 1; }
done

pm=$(printf '%s\n' "${plugin_ms[@]}" | median)
dm=$(printf '%s\n' "${dig_ms[@]}" | median)
echo "domains:                $N (plugin: MX + A + AAAA each; dig loop: MX only)"
echo "check_relay_mx runs ms: ${plugin_ms[*]}"
echo "dig loop runs ms:       ${dig_ms[*]}"
echo "median check_relay_mx:  $pm ms"
echo "median dig +short loop: $dm ms"
awk -v p="$pm" -v d="$dm" 'BEGIN {printf "ratio (loop / plugin): %.1fx\n", d / (p > 0 ? p : 1)}'
awk -v p="$pm" -v d="$dm" 'BEGIN {ok = p < 1000 && d >= 10 * p;
    print ok ? "target met: under 1 s and at least 10x faster" : "TARGET MISSED"; exit !ok}'
