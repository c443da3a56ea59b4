#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# log_rotation: the stack's log rotated four ways while mail flows, check_postfix_log run with
# a state file after each rotation. A sender in the background sends one message after the
# other to alice through the stack's smtpd; meanwhile the log is moved (postfix reload makes
# postlogd reopen), copied and truncated, moved and gzip'd, and rotated by Postfix's own
# "postfix logrotate" (maillog.YYYYMMDD-HHMMSS.gz). Every piece is kept. The sum of the
# intervals' counts equals what check_postfix_log --whole and pflogsumm count on all the
# pieces joined (nothing counted twice, nothing lost) and is at least the messages Dovecot
# stored less one (copytruncate loses what is written between the copy and the truncation);
# no run says a rotated file was not found.
set -euo pipefail
. "$(dirname "$0")/lib/log.bash"
C=$PP_POSTFIX_CONFIG_DIR
L=$PP_POSTFIX_MAILLOG
N=12
scratch_state
on_exit "rm -f '$L'.1 '$L'.1.gz '$L'.[0-9]*-[0-9]*.gz"
rm -f "$L".1 "$L".1.gz "$L".[0-9]*-[0-9]*.gz
# The log exists (a test before may have left it moved away) and the position is saved.
[ -s "$L" ] || { send_to "$PP_ALICE_USER"; wait_lines "to=<$PP_ALICE_USER>" 1 "$L"; }
run pc
check "first run: position saved" all_of "rc_is 0" 'out_has "first run: position saved"'
offset() { awk '/^dev/ { print $6 }' "$tmp/pos"; }
start=$(offset)

# sender: N messages, one after the other; $tmp/sent counts them.
sender() {
    local i
    for ((i = 1; i <= N; i++)); do
        swaks --server "127.0.0.1:$PP_SMTP_PORT" --to "$PP_ALICE_USER" \
            --from "logtest@$PP_DOMAIN" --header "Subject: pp-rotation-$$-$i" --silent 2 \
            >/dev/null 2>&1 || true
        echo "$i" >"$tmp/sent"
    done
}
wait_sent() {
    local i
    for i in $(seq 300); do
        [ "$(cat "$tmp/sent" 2>/dev/null || echo 0)" -ge "$1" ] && return 0
        sleep 0.1
    done
    echo "wait_sent: the sender did not get to $1 messages in 30 s"
    return 1
}
# reopen: postlogd writes to the moved file until it is restarted; the new file appears with
# the new postlogd's first line (the flowing mail's), and the old one is then complete.
reopen() {
    local i
    postfix -c "$C" reload >/dev/null 2>&1
    for i in $(seq 300); do
        [ ! -e "$L" ] || return 0
        sleep 0.1
    done
    echo "reopen: no new $L after 30 s"
    return 1
}
# interval WHAT: check_postfix_log's run after a rotation; adds its counts to the sums.
declare -A sum=([delivered]=0 [received]=0)
interval() {
    run pc
    check "after $1: OK, no rotated file missing" all_of "rc_is 0" '! out_has "not found"'
    sum[delivered]=$((sum[delivered] + $(perf delivered)))
    sum[received]=$((sum[received] + $(perf received)))
}
piece=0
keep() { # keep FILE: a copy of a piece of the log, for the referees
    piece=$((piece + 1))
    case $1 in *.gz) zcat "$1" ;; *) cat "$1" ;; esac >"$tmp/piece.$piece"
}

sender &
wait_sent 2
mv "$L" "$L.1"
reopen
interval "a move"
tail -c +$((start + 1)) "$L.1" >"$tmp/head"
keep "$tmp/head"
rm -f "$L.1"

wait_sent 5
cp "$L" "$L.1"
: >"$L"
interval "copytruncate"
keep "$L.1"
rm -f "$L.1"

wait_sent 8
mv "$L" "$L.1"
reopen
gzip "$L.1"
interval "a move and gzip"
keep "$L.1.gz"
rm -f "$L.1.gz"

wait_sent 10
postfix -c "$C" logrotate >/dev/null 2>&1
rotated=$(find "$(dirname "$L")" -maxdepth 1 -name "$(basename "$L").[0-9]*-[0-9]*.gz")
check "postfix logrotate: one $L.YYYYMMDD-HHMMSS.gz" [ "$(wc -l <<<"$rotated")" = 1 ]
interval "postfix logrotate"

wait
stored() { grep -rl "^Subject: pp-rotation-$$-" "$PP_ALICE_MAILDIR"/new "$PP_ALICE_MAILDIR"/cur \
    2>/dev/null | wc -l; }
for i in $(seq 300); do [ "$(stored)" -ge "$N" ] && break; sleep 0.1; done
check "Dovecot stored the $N messages" [ "$(stored)" = "$N" ]
sleep 0.5
interval "the mail flowed"
# The last run read the rest of the logrotate'd file, and the new file up to its position (or
# none yet, if postlogd wrote nothing since: its position is then the rotated file's end).
keep "$rotated"
if [ -e "$L" ]; then head -c "$(offset)" "$L" >"$tmp/last"; else : >"$tmp/last"; fi
cat "$tmp"/piece.* "$tmp/last" >"$tmp/all"

run "$LOGCHECK" -C "$C" --whole --file "$tmp/all"
for what in delivered received; do
    whole=$(perf "$what")
    check "$what: the intervals' sum ${sum[$what]} = --whole on the pieces joined $whole" \
        [ "${sum[$what]}" = "$whole" ]
    theirs=$(pflogsumm_total "$what" "$tmp/all")
    check "$what: = pflogsumm's $theirs on the pieces joined" [ "${sum[$what]}" = "$theirs" ]
done
check "delivered ${sum[delivered]}: the $N messages Dovecot stored (less one at most)" \
    [ "${sum[delivered]}" -ge $((N - 1)) ]

# A window by time reaches into the file rotated within it: --since 1h (every line of the
# logrotate'd file and of the new one is this test's) counts what --whole counts on the two
# joined; pftrace --since finds a message whose delivery is in the rotated file.
{ zcat "$rotated"; cat "$L" 2>/dev/null || true; } >"$tmp/window"
run "$LOGCHECK" -C "$C" --whole --file "$tmp/window"
want=$(perf delivered)
run "$LOGCHECK" -C "$C" --since 1h
check "--since 1h: the rotated file's lines too ($want delivered)" all_of "rc_is 0" \
    "[ \"\$(perf delivered)\" = $want ]" "out_has \"after the rotated $rotated\""
qid=$(zgrep -m1 -oP '\]: \K[0-9A-F]{6,}(?=: to=<'"$PP_ALICE_USER"'>.*status=sent)' "$rotated")
run "$PP_BUILD_DIR/contrib/pftrace" -C "$C" --since 1h "$qid"
check "pftrace --since 1h: $qid, delivered in the rotated file" all_of "rc_is 0" \
    'out_has "status=sent"'
finish
