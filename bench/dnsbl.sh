#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/dnsbl.sh - check_dnsbl against a serial `dig +short A` loop over the same names, in
# one run, on the test stack's nsd on loopback (tests/env/stack.sh up first; it reads
# $PP_STACK_DIR/stack.env).
#
#   bench/dnsbl.sh [BUILD_DIR]     (default build/)
#
# 20 zones (bl, bl2, zen, notest and 16 more names under dnsbl.test, where every name is
# NXDOMAIN) x 10 addresses (192.0.2.1-10) = 200 lookups; the plugin also asks each zone's two
# RFC 5782 test points (240 queries) and a TXT for each listing. The plugin runs 7 times, the
# loop 3 times; medians of the wall times and their ratio are printed. Target: the plugin
# under 50 ms and at least 50x faster than the loop.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/bench/lib.bash"
BUILD=${1:-$HERE/build}
PLUGIN=$BUILD/plugins/check_dnsbl
# shellcheck disable=SC1091
. "${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env"
[ -x "$PLUGIN" ] || { echo "no $PLUGIN (build first, or give the build dir)" >&2; exit 1; }
Z=$PP_DNSBL_ZONE
zones=(bl bl2 zen notest)
for i in $(seq 5 20); do zones+=("z$i"); done
args=(-s "127.0.0.1:$PP_DNS_PORT" -t 10)
for z in "${zones[@]}"; do args+=(-z "$z.$Z"); done
for a in $(seq 1 10); do args+=(-H "192.0.2.$a"); done

now() { date +%s.%N; }

plugin_times=() loop_times=()
for _ in $(seq 7); do
    t0=$(now)
    "$PLUGIN" "${args[@]}" >/dev/null || true
    plugin_times+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')")
done
for _ in $(seq 3); do
    t0=$(now)
    for z in "${zones[@]}"; do
        for a in $(seq 1 10); do
            dig +short +time=2 +tries=1 @127.0.0.1 -p "$PP_DNS_PORT" "$a.2.0.192.$z.$Z" A \
                >/dev/null
        done
    done
    loop_times+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')")
done
p=$(printf '%s\n' "${plugin_times[@]}" | median)
l=$(printf '%s\n' "${loop_times[@]}" | median)
lookups=$(("${#zones[@]}" * 10))
awk -v p="$p" -v l="$l" -v n="$lookups" 'BEGIN {
    printf "check_dnsbl, %d lookups + test points: %.1f ms (median of 7)\n", n, p * 1000
    printf "serial dig loop, %d lookups:           %.1f ms (median of 3)\n", n, l * 1000
    printf "ratio: %.0fx; target: under 50 ms and at least 50x: %s\n", l / p,
        (p < 0.05 && l / p >= 50) ? "met" : "NOT met"
}'
