#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# verify_judge.sh - check_postfix_verify judges the cache as verify(8) runs it, with verify(8)'s
# own file and smtpd's answer as the referee (issue 19, items 5, 6, 7 and 11):
#   - the master.cf verify service's -o address_verify_map: verify(8) writes that file, the
#     plugin reads it (not main.cf's);
#   - a deliverable address whose refresh probe fails: verify(8) keeps the OK result with
#     probed set and smtpd still accepts the address; the plugin counts it neither as an
#     outstanding probe nor as a lost one;
#   - a typeless address_verify_map: verify(8) creates a default_database_type (hash) file;
#   - a quiet server: a cache whose last cleanup is as old as its last update is fine, one
#     updated now with a cleanup 40 h old is not: verify(8), started on it, cleans up at once.
# The stack's main.cf, master.cf and sink recipients are restored (and Postfix reloaded) at
# the end.
set -euo pipefail
# shellcheck source=lib/verify.bash
. "$(dirname "$0")/lib/verify.bash"
DATA=$PP_POSTFIX_DATA_DIR
SAVE=$(mktemp -d)
cp -p "$CONF/main.cf" "$CONF/master.cf" "$CONF/sink_recipients" "$SAVE/"

reload() { postfix -c "$CONF" reload >/dev/null 2>&1; sleep 0.5; }
restore() {
    cp -p "$SAVE/main.cf" "$SAVE/master.cf" "$SAVE/sink_recipients" "$CONF/"
    reload
    rm -rf "$SAVE"
    rm -f "$DATA"/verify_mcf.db "$DATA"/verify_bare.db "$DATA"/verify_quiet.db \
        "$DATA"/verify_busy.db
}
trap restore EXIT

perf() { grep -oP "(?<= $1=)[0-9.]+" <<<"$OUT" | head -n 1; }
rcpt_reply() { # smtpd's reply to RCPT TO:<$1>, e.g. "250"
    swaks --server "127.0.0.1:$PP_SMTP_PORT" --from "probe@$PP_DOMAIN" --to "$1" \
        --quit-after RCPT 2>&1 | grep -A1 -P '^ *-> RCPT TO' |
        grep -oP '^<\S* +\K[245]\d\d' | head -n 1
}
in_file() { grep -aqF "$1" "$2"; } # an address in a .db file (keys are stored as is)
wait_log() { # waits (up to 20 s) until the mail log has $2 lines matching $1
    local i
    for ((i = 0; i < 200; i++)); do
        [ "$(grep -cP "$1" "$PP_POSTFIX_MAILLOG" || true)" -ge "$2" ] && return 0
        sleep 0.1
    done
    echo "fewer than $2 log lines match $1" >&2
    return 1
}

# ---- item 6: the master.cf verify service's own address_verify_map ----
postconf -c "$CONF" -P "verify/unix/address_verify_map=btree:\$data_directory/verify_mcf" \
    "verify/unix/address_verify_positive_refresh_time=1s"
reload
FLAKY=flaky-$$-$RANDOM@$PP_RELAY_DOMAIN
printf '%s OK\n' "$FLAKY" >>"$CONF/sink_recipients"
reload
probe "$FLAKY"
wait_verified "btree:$DATA/verify_mcf" "$FLAKY"
check "referee: verify(8) writes the master.cf map, not main.cf's" all_of \
    "in_file '$FLAKY' '$DATA/verify_mcf.db'" "! in_file '$FLAKY' '$PP_VERIFY_CACHE'"
run "$PLUGIN" -C "$CONF" -v
check "the plugin reads the verify service's map" all_of "rc_is 0" \
    "out_has 'master.cf service verify/unix (map set by its -o): btree:$DATA/verify_mcf;'" \
    "out_has 'refresh 1 s;'" '[ "$(perf entries)" -eq 1 ]' '[ "$(perf deliverable)" -eq 1 ]'

# ---- item 5: a failed refresh of a deliverable address ----
cp -p "$SAVE/sink_recipients" "$CONF/" # the sink now refuses FLAKY (550)
reload
sleep 2 # past address_verify_positive_refresh_time (1 s)
GOOD_BEFORE=$(grep -cP "to=<\Q$FLAKY\E>.*status=deliverable" "$PP_POSTFIX_MAILLOG" || true)
check "referee: smtpd accepts the cached address and verify(8) re-probes it" all_of \
    '[ "$(rcpt_reply "$FLAKY")" = 250 ]' \
    "wait_log 'to=<\\Q$FLAKY\\E>.*status=undeliverable' 1"
run "$DUMP" --map "btree:$DATA/verify_mcf" --no-header --format json --address "^$FLAKY\$"
check "referee: verify(8) kept the OK result, probed set" all_of "rc_is 0" 'python3 -c "
import json, sys
r = json.loads(sys.argv[1])
assert r[\"status\"] == \"deliverable\" and r[\"probed\"] > 0 and r[\"probed\"] > r[\"updated\"]
" "$OUT"'
check "referee: smtpd still accepts it, no new deliverable probe" all_of \
    '[ "$(rcpt_reply "$FLAKY")" = 250 ]' \
    "[ \"\$(grep -cP 'to=<\\Q$FLAKY\\E>.*status=deliverable' \"$PP_POSTFIX_MAILLOG\" || true)\" \
-eq $GOOD_BEFORE ]"
run "$PLUGIN" -C "$CONF" -v --outstanding 0,0
check "a failed refresh is neither outstanding nor lost" all_of "rc_is 0" \
    '[ "$(perf outstanding)" -eq 0 ]' '[ "$(perf lost_probes)" -eq 0 ]' \
    '[ "$(perf refreshing)" -eq 1 ]' \
    'out_has "1 deliverable addresses re-probed without a new result: verify(8) ignores"'

# ---- item 11: address_verify_map without a type ----
postconf -c "$CONF" -PX "verify/unix/address_verify_map" \
    "verify/unix/address_verify_positive_refresh_time"
postconf -c "$CONF" -e "address_verify_map = \$data_directory/verify_bare"
reload
BARE=bare-$$-$RANDOM@$PP_RELAY_DOMAIN
probe "$BARE"
wait_verified "hash:$DATA/verify_bare" "$BARE"
check "referee: verify(8) made a default_database_type (hash) file" all_of \
    "[ \"\$(postconf -c '$CONF' -h default_database_type)\" = hash ]" \
    "file '$DATA/verify_bare.db' | grep -q 'Berkeley DB (Hash'" \
    "in_file '$BARE' '$DATA/verify_bare.db'"
run "$PLUGIN" -C "$CONF" -v
check "the plugin reads it as hash:" all_of "rc_is 0" "out_has 'hash:$DATA/verify_bare;'" \
    '[ "$(perf entries)" -eq 1 ]'
cp -p "$SAVE/main.cf" "$CONF/"

# ---- item 7: the cleanup judged against the last update ----
NOW=$(date +%s)
OLD=$((NOW - 40 * 3600))
mkcache() { # mkcache NAME UPDATED CLEANUP: one deliverable entry and the cleanup stamp
    rm -f "$DATA/$1.db"
    printf 'old-%s@%s 0:0:%s:250 2.1.5 Ok\n_LAST_CACHE_CLEANUP_COMPLETED_ %s\n' \
        "$$" "$PP_RELAY_DOMAIN" "$2" "$3" | postmap -c "$CONF" -f -i "btree:$DATA/$1"
    chown "$(postconf -c "$CONF" -h mail_owner):" "$DATA/$1.db"
}
mkcache verify_quiet "$OLD" "$((OLD - 60))"
mkcache verify_busy "$NOW" "$((OLD - 60))"
run "$PLUGIN" -C "$CONF" -v --map "btree:$DATA/verify_quiet"
check "quiet server: a cleanup as old as the last update is fine" all_of "rc_is 0" \
    'out_has "last cleanup 40 h ago, 1 min before the last cache update (interval 12 h)"' \
    '[ "$(perf cleanup_age)" -gt 144000 ]' '[ "$(perf cleanup_lag)" -eq 60 ]'
run "$PLUGIN" -C "$CONF" -v --map "btree:$DATA/verify_busy"
check "updated now, cleaned up 40 h ago: WARNING" all_of "rc_is 1" \
    'out_has "POSTFIX_VERIFY WARNING - "' \
    'out_has "before the last cache update (interval 12 h)"' \
    '[ "$(perf cleanup_lag)" -gt 129600 ]'
# The referee: verify(8) started on the quiet cache cleans it up at once.
postconf -c "$CONF" -P "verify/unix/address_verify_map=btree:\$data_directory/verify_quiet"
reload
probe "wake-$$@$PP_RELAY_DOMAIN"
wait_verified "btree:$DATA/verify_quiet" "wake-$$@$PP_RELAY_DOMAIN"
run "$DUMP" --map "btree:$DATA/verify_quiet" --utc -v --no-header
check "referee: verify(8) cleans up as it starts on a stale cache" all_of "rc_is 0" \
    "grep -qP 'last cleanup $(date -u +%Y-%m-%d)T' <<<\"\$ERR\""
run "$PLUGIN" -C "$CONF" -v
check "and the plugin agrees: a recent cleanup" all_of "rc_is 0" \
    '[ "$(perf cleanup_age)" -lt 60 ]' "out_has 'verify_quiet'"

finish
