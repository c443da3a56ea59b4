#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# log_incremental: check_postfix_log --state-file counts exactly what was logged since the
# last run, on the stack's own log: a first run saves its position (OK, no counts), three
# deliveries make exactly three, a second run at once none; then the log is rotated by
# moving it (while mail flows), by copy and truncate, and by moving and gzip'ing, and each
# run counts the rest of the rotated file plus the new one. With --format openmetrics the
# running totals in the state file grow by exactly the lines Postfix logged, and a format 1
# state file (before totals) starts them at 0. A corrupt, newer or foreign state file is
# UNKNOWN naming the file.
set -euo pipefail
. "$(dirname "$0")/lib/log.bash"
L=$PP_POSTFIX_MAILLOG
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
state=$tmp/pos
pc() { "$LOGCHECK" -C "$PP_POSTFIX_CONFIG_DIR" --state-file "$state" "$@"; }
# LMTP deliveries to alice in a file (plain or gzip'd) from byte offset $2 on.
lmtp_sent() {
    local cat=cat
    [ -e "$1" ] || { echo 0; return; }
    case $1 in *.gz) cat=zcat ;; esac
    $cat "$1" | tail -c +$(($2 + 1)) | grep -c 'lmtp\[.*status=sent' || true
}
total_sent() { echo $(($(lmtp_sent "$L" 0) + $(lmtp_sent "$L.1" 0))); }
three_to_alice() {
    local n
    n=$(total_sent)
    for i in 1 2 3; do send_to "$PP_ALICE_USER"; done
    for i in $(seq 300); do [ "$(total_sent)" -ge $((n + 3)) ] && break; sleep 0.1; done
    sleep 0.5
}
# postlogd writes to the moved file until told to reopen: what logrotate's postrotate does.
reopen() { postfix -c "$PP_POSTFIX_CONFIG_DIR" reload >/dev/null 2>&1; }
offset() { awk '/^dev/ { print $6 }' "$state"; }
rm -f "$L.1" "$L.1.gz"
reopen
three_to_alice # the log exists (a run before may have left it moved)

run pc
check "first run: position saved, OK" all_of "rc_is 0" 'out_has "first run: position saved"'
three_to_alice
run pc
check "three deliveries: exactly 3" all_of "rc_is 0" '[ "$(perf delivered)" = 3 ]' \
    '[ "$(perf received)" = 3 ]'
run pc
check "again at once: 0" all_of '[ "$(perf delivered)" = 0 ]'

# --format openmetrics: postfix_exporter's counters, running totals kept in the state file.
# Two runs around three deliveries: the counters grow by exactly what Postfix logged in
# between (its status=sent and connect from lines after the saved offset), promtool agrees.
# metric NAME [LABEL] [TEXT]: the value of NAME's sample (with LABEL among its labels).
metric() {
    awk -v n="$1" -v l="${2:-}" 'index($1, n "{") == 1 && (l == "" || index($1, l)) {
        print $2 }' <<<"${3:-$OUT}"
}
grown() { tail -c +$(($1 + 1)) "$L" | grep -c "$2" || true; }
SENT=(postfix_smtp_messages_processed_total 'status="sent"')
CONN=postfix_smtpd_connects_total
run pc --format openmetrics
sent0=$(metric "${SENT[@]}") conn0=$(metric $CONN) off=$(offset)
check "openmetrics: counters, state format 2" all_of '[ -n "$sent0" ]' '[ -n "$conn0" ]' \
    'grep -qx "postprobe-logpos 2" "$state"' \
    'out_has "# TYPE postfix_smtp_messages_processed_total counter"'
three_to_alice
run pc --format openmetrics
want_sent=$(grown "$off" 'status=sent') want_conn=$(grown "$off" 'smtpd\[[0-9]*\]: connect from')
check "openmetrics: sent grew by Postfix's $want_sent status=sent, connects by $want_conn" all_of \
    '[ "$(metric "${SENT[@]}")" = $((sent0 + want_sent)) ]' '[ "$want_sent" -ge 3 ]' \
    '[ "$(metric $CONN)" = $((conn0 + want_conn)) ]' '[ "$want_conn" -ge 3 ]'
om=$OUT
run promtool check metrics <<<"$om"
check "openmetrics: promtool check metrics clean" all_of "rc_is 0" '[ -z "$OUT$ERR" ]'
# A format 1 state file (no totals) is read: the totals start at 0, not an error.
sent1=$(metric "${SENT[@]}" "$om")
sed -e '1s/ 2$/ 1/' -e '/^total /d' "$state" >"$tmp/v1"
cp "$tmp/v1" "$state"
three_to_alice
off=$(awk '/^dev/ { print $6 }' "$tmp/v1")
run pc --format openmetrics
want_sent=$(grown "$off" 'status=sent')
check "format 1 state: read, totals from 0 ($want_sent, not $sent1 + $want_sent)" all_of \
    "rc_is 0" '[ "$(metric "${SENT[@]}")" = "$want_sent" ]' '[ "$want_sent" -ge 3 ]'

# Moved while mail flows: what the rotated file got after our offset, plus the new file.
off=$(offset)
for i in 1 2 3; do send_to "$PP_ALICE_USER"; done &
sleep 0.2
mv "$L" "$L.1"
reopen
wait
three_to_alice
want=$(($(lmtp_sent "$L.1" "$off") + $(lmtp_sent "$L" 0)))
run pc
check "rotated by move while mail flows: $want (rest of .1 and the new file)" \
    all_of '[ "$(perf delivered)" = "$want" ]' '[ "$want" -ge 6 ]' 'out_has "after the rotated $L.1"'

# copytruncate
three_to_alice
off=$(offset)
cp "$L" "$L.1"
: >"$L"
three_to_alice
want=$(($(lmtp_sent "$L.1" "$off") + $(lmtp_sent "$L" 0)))
run pc
check "copytruncate: $want" all_of '[ "$(perf delivered)" = "$want" ]' '[ "$want" -ge 6 ]'

# moved, then compressed before the next run
three_to_alice
off=$(offset)
rm -f "$L.1"
mv "$L" "$L.1"
reopen
three_to_alice
gzip "$L.1"
want=$(($(lmtp_sent "$L.1.gz" "$off") + $(lmtp_sent "$L" 0)))
run pc
check "gzip'd rotated file: $want" all_of '[ "$(perf delivered)" = "$want" ]' \
    '[ "$want" -ge 6 ]' 'out_has "$L.1.gz"'

# State files the plugin must not trust.
echo garbage >"$tmp/bad"
run "$LOGCHECK" -C "$PP_POSTFIX_CONFIG_DIR" --state-file "$tmp/bad"
check "corrupt state: UNKNOWN naming it" all_of "rc_is 3" 'out_has "$tmp/bad is corrupt"'
printf 'postprobe-logpos 9\n' >"$tmp/newer"
run "$LOGCHECK" -C "$PP_POSTFIX_CONFIG_DIR" --state-file "$tmp/newer"
check "newer state: UNKNOWN" all_of "rc_is 3" 'out_has "$tmp/newer is from a newer"'
sed "s#^file .*#file /var/log/other.log#" "$state" >"$tmp/foreign"
run "$LOGCHECK" -C "$PP_POSTFIX_CONFIG_DIR" --state-file "$tmp/foreign"
check "foreign state: UNKNOWN" all_of "rc_is 3" 'out_has "about another log"'
rm -f "$L.1.gz"
finish
