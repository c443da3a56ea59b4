#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# log_incremental: check_postfix_log --state-file counts exactly what was logged since the
# last run, on the stack's own log: a first run saves its position (OK, no counts), three
# deliveries make exactly three, a second run at once none; then the log is rotated by
# moving it (while mail flows), by copy and truncate, and by moving and gzip'ing, and each
# run counts the rest of the rotated file plus the new one. A corrupt, newer or foreign
# state file is UNKNOWN naming the file.
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
