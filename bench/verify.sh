#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# verify.sh - check_postfix_verify, verify-dump and check_postfix_maps against the tools
# postmasters run today, on a verify cache and a hash map of N entries (run on demand; not a
# ctest; needs no stack).
#
#   PP_BUILD_DIR=/path/to/release-build bench/verify.sh [N [RUNS]]   (default: 1000000 5)
#
# Writes, in a scratch directory, a verify(8) cache of N addresses (80% deliverable, 13%
# undeliverable, 5% deferred, 2% in progress, updated over the last 40 days) with postmap -f
# into btree: and lmdb:, the same addresses with N/10 of them as a second btree cache (to show
# that memory does not grow with the cache), and a transport table of N entries with postmap
# into hash:, named by transport_maps in a scratch main.cf. Then, RUNS times each, warm cache:
#   verify cache:  check_postfix_verify (btree, and N/10 entries, and lmdb), verify-dump |
#                  wc -l, verify-dump --sort | wc -l, db5.3_dump | wc -l, postmap -s | wc -l,
#                  mdb_dump | wc -l (lmdb)
#   hash map:      check_postfix_maps (counts every key and every source entry), db5.3_dump |
#                  wc -l, postmap -s | wc -l
# and prints for each the median wall time, the median CPU time (user + sys, the tool and its
# children), the largest peak RSS, and the ratios to the anchor tools measured in the same run.
# Build without sanitizers: cmake -DCMAKE_BUILD_TYPE=Release.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
. "$SRC/bench/lib.bash"
BUILD=${PP_BUILD_DIR:-$SRC/build}
N=${1:-1000000}
RUNS=${2:-5}
VERIFY=$BUILD/plugins/check_postfix_verify
MAPS=$BUILD/plugins/check_postfix_maps
DUMP=$BUILD/contrib/verify-dump
for p in "$VERIFY" "$MAPS" "$DUMP"; do
    [ -x "$p" ] || { echo "no $p (set PP_BUILD_DIR)" >&2; exit 2; }
done
W=$(mktemp -d /tmp/pp-bench-verify.XXXXXX)
trap 'rm -rf "$W"' EXIT

# ---- data ----
echo "writing a $N-entry verify cache and a $N-entry hash map in $W ..." >&2
mkdir -p "$W/conf"
printf 'transport_maps = hash:%s/map\nalias_maps =\nalias_database =\n' "$W" >"$W/conf/main.cf"
cp /usr/share/postfix/master.cf.dist "$W/conf/master.cf"
awk -v n="$N" -v now="$(date +%s)" 'BEGIN {
    srand(42)
    ok = "250 2.1.5 Ok"
    bad = "host mx.example.com[192.0.2.1] said: 550 5.1.1 <x>: Recipient address rejected: User unknown (in reply to RCPT TO command)"
    later = "host mx.example.com[192.0.2.1] said: 450 4.2.0 try again later (in reply to RCPT TO command)"
    for (i = 0; i < n; i++) {
        r = rand(); upd = now - int(rand() * 40 * 86400)
        a = sprintf("user%07d@d%d.example.com", i, i % 1000)
        if (r < 0.80) v = "0:0:" upd ":" ok
        else if (r < 0.93) v = "2:0:" upd ":" bad
        else if (r < 0.98) v = "1:0:" upd ":" later
        else v = "3:" (now - int(rand() * 3000)) ":0:Address verification in progress"
        print a, v > "/dev/stdout"
        printf "%s smtp:[relay%d.example.com]:25\n", a, i % 50 > "/dev/stderr"
    }
    print "_LAST_CACHE_CLEANUP_COMPLETED_", now - 3600
}' >"$W/verify" 2>"$W/map"
head -n $((N / 10)) "$W/verify" >"$W/small"
postmap -c "$W/conf" -f btree:"$W/verify" lmdb:"$W/verify" btree:"$W/small"
postmap -c "$W/conf" hash:"$W/map"
touch -d '-1 hour' "$W/conf"/* "$W/verify" "$W/small" "$W/map"
touch -d '-30 min' "$W"/*.db "$W"/*.lmdb

TOOLS=(plugin plugin_small plugin_lmdb dump dump_sort db_dump postmap_s mdb_dump
       maps_plugin maps_db_dump maps_postmap_s)
cmd_of() {
    case $1 in
    plugin) echo "$VERIFY -C $W/conf --map btree:$W/verify -t 300" ;;
    plugin_small) echo "$VERIFY -C $W/conf --map btree:$W/small -t 300" ;;
    plugin_lmdb) echo "$VERIFY -C $W/conf --map lmdb:$W/verify -t 300" ;;
    dump) echo "sh -c '$DUMP -C $W/conf --map btree:$W/verify | wc -l'" ;;
    dump_sort) echo "sh -c '$DUMP -C $W/conf --map btree:$W/verify --sort | wc -l'" ;;
    db_dump) echo "sh -c 'db5.3_dump $W/verify.db | wc -l'" ;;
    postmap_s) echo "sh -c 'postmap -c $W/conf -s btree:$W/verify | wc -l'" ;;
    mdb_dump) echo "sh -c 'mdb_dump -n $W/verify.lmdb | wc -l'" ;;
    maps_plugin) echo "$MAPS -C $W/conf -t 300" ;;
    maps_db_dump) echo "sh -c 'db5.3_dump $W/map.db | wc -l'" ;;
    maps_postmap_s) echo "sh -c 'postmap -c $W/conf -s hash:$W/map | wc -l'" ;;
    esac
}

# measure TOOL: one run; appends "wall cpu rss" to $W/TOOL.times.
measure() {
    local cmd t0 t1 out
    cmd=$(cmd_of "$1")
    t0=$EPOCHREALTIME
    out=$(eval "/usr/bin/time -f '%U %S %M' $cmd" 2>&1 >/dev/null | tail -n 1)
    t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" -v o="$out" 'BEGIN { split(o, f, " ");
        printf "%.3f %.2f %d\n", b - a, f[1] + f[2], f[3] }' >>"$W/$1.times"
}

# A first run of each warms the page cache; it is not counted.
for t in "${TOOLS[@]}"; do eval "$(cmd_of "$t")" >/dev/null 2>&1 || true; done
for ((r = 0; r < RUNS; r++)); do
    for t in "${TOOLS[@]}"; do measure "$t"; done
done

declare -A WALL CPU RSS
for t in "${TOOLS[@]}"; do
    WALL[$t]=$(cut -d' ' -f1 "$W/$t.times" | median)
    CPU[$t]=$(cut -d' ' -f2 "$W/$t.times" | median)
    RSS[$t]=$(cut -d' ' -f3 "$W/$t.times" | sort -n | tail -n 1)
done

echo
echo "$N entries, $RUNS runs each, warm cache; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-16s %10s %10s %12s\n' tool wall_s cpu_s peak_rss_kb
for t in "${TOOLS[@]}"; do
    printf '%-16s %10s %10s %12s\n' "$t" "${WALL[$t]}" "${CPU[$t]}" "${RSS[$t]}"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (a > 0 ? "%.1fx" : "-"), b / a }'; }
echo
echo "check_postfix_verify is faster than db5.3_dump | wc -l by $(ratio "${WALL[plugin]}" "${WALL[db_dump]}") (wall), $(ratio "${CPU[plugin]}" "${CPU[db_dump]}") (cpu)"
echo "check_postfix_verify is faster than postmap -s | wc -l by $(ratio "${WALL[plugin]}" "${WALL[postmap_s]}") (wall), $(ratio "${CPU[plugin]}" "${CPU[postmap_s]}") (cpu)"
echo "verify-dump | wc -l is faster than postmap -s | wc -l by $(ratio "${WALL[dump]}" "${WALL[postmap_s]}") (wall)"
echo "check_postfix_maps is faster than db5.3_dump | wc -l by $(ratio "${WALL[maps_plugin]}" "${WALL[maps_db_dump]}") (wall), than postmap -s | wc -l by $(ratio "${WALL[maps_plugin]}" "${WALL[maps_postmap_s]}") (wall)"
echo "peak RSS of check_postfix_verify: ${RSS[plugin_small]} KB for $((N / 10)) entries, ${RSS[plugin]} KB for $N"
