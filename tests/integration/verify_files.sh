#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# verify_files.sh - check_postfix_verify and verify-dump on caches of known content, written
# by postmap in each format Postfix uses for address_verify_map (btree, hash, lmdb): every
# figure counted exactly; then the broken cases: an empty cache, a truncated file, one written
# by a newer Berkeley DB or LMDB, a file of another type, a missing or unreadable cache, a bad
# --map, and an instance whose address_verify_map is empty.
set -euo pipefail
# shellcheck source=lib/verify.bash
. "$(dirname "$0")/lib/verify.bash"

T=$(mktemp -d /tmp/pp-verify.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT

# A cache as verify(8) writes it: "status:probed:updated:text"; postmap -f keeps the case of
# the cleanup key, and adds the trailing NUL to keys and values as Postfix does.
now=$(date +%s)
cat >"$T/cache" <<EOF
fresh-ok@example.com 0:0:$((now - 60)):250 2.1.5 Ok
fresh-bad@example.com 2:0:$((now - 30)):host mx[192.0.2.1] said: 550 5.1.1 unknown user
deferred@example.com 1:0:$((now - 20)):host mx[192.0.2.1] said: 450 4.2.0 try later
old-ok@example.com 0:0:$((now - 40 * 86400)):250 2.1.5 Ok
old-bad@example.com 2:0:$((now - 4 * 86400)):550 5.1.1 gone
pending@example.com 3:$((now - 10)):0:Address verification in progress
lost@example.com 3:$((now - 5000)):0:Address verification in progress
bad-value@example.com garbage
_LAST_CACHE_CLEANUP_COMPLETED_ $((now - 7200))
EOF
for type in btree hash lmdb; do
    cp "$T/cache" "$T/$type"
    postmap -c "$CONF" -f "$type:$T/$type"
done

# 7 entries: 2 deliverable, 1 deferred, 2 undeliverable (40% of 5 with a result), 2 in
# progress (one probe outstanding, one lost); expired: old-ok (31 d), old-bad (3 d) and the
# lost probe; one malformed value; newest result 20 s ago; last cleanup 2 h ago, 7190 s
# before the last update (the outstanding probe, sent 10 s ago).
FIGURES="entries=7;;;0 deliverable=2;;;0 deferred=1;;;0 undeliverable=2;;;0 in_progress=2;;;0 undeliverable_share=40%;;;0;100 malformed=1;;;0 OFF cleanup_lag=7190s;129600 outstanding=1;;;0 lost_probes=1;;;0 refreshing=0;;;0 expired=3;;;0 newest_age=2"
for type in btree hash lmdb; do
    run "$PLUGIN" -C "$CONF" --map "$type:$T/$type"
    check "$type: every figure" all_of "rc_is 1" 'out_has "${FIGURES#* OFF }"' \
        'out_has "${FIGURES% OFF *} cleanup_age=720"' \
        '[[ $OUT == "POSTFIX_VERIFY WARNING - 1 malformed entries (not status:probed:updated:text), 7 entries (2 deliverable, 1 deferred, 2 undeliverable, 2 in progress), newest result 2"* ]]' \
        'out_has "[OK] last cleanup 2.0 h ago, 2.0 h before the last cache update (interval 12 h)"' \
        'out_has "[OK] 3 entries past their expire time"' \
        'out_has "[OK] 1 probes outstanding, 1 lost (no result after 1000 s)"'
    check "$type: nothing holds the lock" all_of '! out_has "without the shared lock"'
done

run "$PLUGIN" -C "$CONF" --map "lmdb:$T/lmdb" --expired 1,2 --cleanup-age 3600,86400 -v
check "thresholds on expired entries and cleanup age" all_of "rc_is 2" \
    'out_has "POSTFIX_VERIFY CRITICAL - 3 entries past their expire time"' \
    'out_has "[WARNING] last cleanup 2.0 h ago, 2.0 h before the last cache update (interval 12 h)"' \
    'out_has "cleanup_age=720"' 'out_has ";3600;86400"'
run "$PLUGIN" -C "$CONF" --map "btree:$T/btree" -v --failures 2
check "-v lists the newest failures first, at most --failures" all_of \
    'out_has "    $(date -d @$((now - 20)) "+%F %T") deferred deferred@example.com: host mx[192.0.2.1] said: 450 4.2.0 try later"' \
    'out_has "undeliverable fresh-bad@example.com: host mx[192.0.2.1] said: 550 5.1.1 unknown user"' \
    '! out_has "old-bad@example.com"'

run "$DUMP" -C "$CONF" --map "hash:$T/hash" --expired --no-header --sort
check "dump: --expired, sorted" all_of "rc_is 0" \
    '[ "$(cut -f3 <<<"$OUT" | tr "\n" " ")" = "lost@example.com old-ok@example.com old-bad@example.com " ]'
run "$DUMP" -C "$CONF" --map "lmdb:$T/lmdb" --status in-progress --no-header --utc
check "dump: in progress, probe time shown" all_of "rc_is 0" \
    '[ "$(wc -l <<<"$OUT")" -eq 2 ]' \
    "grep -qP \"^-\\tin progress\\tpending@example.com\\t$(date -u -d @$((now - 10)) +%FT%TZ)\\tAddress verification in progress\$\" <<<\"\$OUT\""
run "$DUMP" -C "$CONF" --map "btree:$T/btree" -v --no-header
check "dump: -v counts on stderr" all_of "rc_is 0" \
    '[[ $ERR == "$T/btree.db: 7 entries, 7 shown, 1 malformed; last cleanup "* ]]'

# ---- an empty cache ----
: >"$T/empty"
postmap -c "$CONF" btree:"$T/empty"
run "$PLUGIN" -C "$CONF" --map "btree:$T/empty"
check "empty cache" all_of "rc_is 0" \
    'out_has "POSTFIX_VERIFY OK - 0 entries (0 deliverable, 0 deferred, 0 undeliverable, 0 in progress) | entries=0"' \
    'grep -q " newest_age=U$" <<<"$OUT"'
run "$PLUGIN" -C "$CONF" --map "btree:$T/empty" --update-age 3600,7200
check "empty cache: no result is older than any age" all_of "rc_is 2" \
    'out_has "POSTFIX_VERIFY CRITICAL - no probe result in the cache"'

# ---- broken files: one UNKNOWN line each ----
unknown() { # unknown NAME MAP EXPECTED-LINE
    run "$PLUGIN" -C "$CONF" --map "$2"
    check "$1" all_of "rc_is 3" "out_is \"POSTFIX_VERIFY UNKNOWN - $3\""
}
cp "$T/btree.db" "$T/trunc.db"
size=$(stat -c %s "$T/trunc.db")
truncate -s 4096 "$T/trunc.db"
unknown "truncated btree" "btree:$T/trunc" "$T/trunc.db is truncated: 4096 bytes, its header says $size"
truncate -s 100 "$T/trunc.db"
unknown "a .db shorter than a page" "btree:$T/trunc" "$T/trunc.db is truncated (100 bytes): not a Berkeley DB file"
cp "$T/btree.db" "$T/newer.db"
printf '\012' | dd of="$T/newer.db" bs=1 seek=16 conv=notrunc status=none
unknown "written by a newer libdb" "btree:$T/newer" \
    "$T/newer.db was written by a newer Berkeley DB (btree version 10; this libdb 5.3 reads 8 to 9)"
cp "$T/lmdb.lmdb" "$T/newer.lmdb"
printf '\002' | dd of="$T/newer.lmdb" bs=1 seek=20 conv=notrunc status=none
unknown "written by a newer LMDB" "lmdb:$T/newer" \
    "$T/newer.lmdb was written by a newer LMDB (data format 2; this liblmdb reads format 1)"
cp "$T/lmdb.lmdb" "$T/trunc.lmdb"
lsize=$(stat -c %s "$T/trunc.lmdb")
truncate -s 8192 "$T/trunc.lmdb"
unknown "truncated lmdb" "lmdb:$T/trunc" "$T/trunc.lmdb is truncated: 8192 bytes, its header says $lsize"
unknown "hash file read as btree" "btree:$T/hash" \
    "$T/hash.db is a hash file, not btree (check the map type)"
head -c 4096 /dev/urandom >"$T/noise.db"
run "$PLUGIN" -C "$CONF" --map "hash:$T/noise"
check "not a Berkeley DB file" all_of "rc_is 3" \
    'out_has "POSTFIX_VERIFY UNKNOWN - $T/noise.db is not a Berkeley DB file"'
unknown "missing cache" "btree:$T/nothere" \
    "cannot open $T/nothere.db: No such file or directory (verify(8) creates it at its first probe: none yet?)"
cp "$T/btree.db" "$T/private.db"
chmod 600 "$T/private.db"
run runuser -u nobody -- "$PLUGIN" -C "$CONF" --map "btree:$T/private"
check "unreadable cache" all_of "rc_is 3" \
    'out_is "POSTFIX_VERIFY UNKNOWN - cannot open $T/private.db: Permission denied (run as root or as the file'"'"'s owner, e.g. through sudo)"'
unknown "not a map name" "btree:" "'btree:' is not a TYPE:PATH map name"
unknown "unsupported type" "mysql:/etc/postfix/verify.cf" \
    "map type 'mysql' is not supported (btree, hash, lmdb or cdb)"

# ---- an instance without a persistent cache ----
mkdir -p "$T/conf"
cp "$CONF/main.cf" "$CONF/master.cf" "$T/conf/"
sed -i '/^config_directory *=/d' "$T/conf/main.cf"
postconf -c "$T/conf" -e "address_verify_map ="
run "$PLUGIN" -C "$T/conf"
check "address_verify_map empty" all_of "rc_is 3" \
    'out_is "POSTFIX_VERIFY UNKNOWN - address_verify_map is empty: verify(8) keeps its cache in memory, there is no file to check"'
run "$PLUGIN" -C "$T/nonexistent"
check "bad -C" all_of "rc_is 3" '[[ $OUT == "POSTFIX_VERIFY UNKNOWN - "*"$T/nonexistent"* ]]' \
    '[ "$(wc -l <<<"$OUT")" -eq 1 ]'

finish
