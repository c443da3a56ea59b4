#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# log_journal: check_postfix_log --journal --journal-dir reads real journal files, written by
# systemd's own systemd-journal-remote from the stack's log (lib/syslog2export.py, which also
# mixes in entries of another instance and another program that look like deliveries), and
# counts exactly what --file counts on the same lines: --whole and --since; then by the
# journal's cursor in a state file: a first run saves it, a second batch of journal files is
# counted alone, a run at once counts none, and journal files vacuumed under the cursor are
# said; the running totals kept beside the cursor are the batches' sum (--format
# openmetrics). A state file of a log file, a corrupt one, a missing directory and a journal
# without a line of the instance are UNKNOWN.
set -euo pipefail
. "$(dirname "$0")/lib/log.bash"
log=$PP_POSTFIX_MAILLOG
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
J=$tmp/journal
mkdir "$J"
state=$tmp/pos
REMOTE=/lib/systemd/systemd-journal-remote

# to_journal FILE NAME FIRST: FILE's lines as the journal file $J/NAME.journal
to_journal() {
    python3 "$(dirname "$0")/lib/syslog2export.py" "$3" <"$1" >"$tmp/$2.export"
    "$REMOTE" -o "$J/$2.journal" "$tmp/$2.export" 2>"$tmp/remote.err" ||
        { cat "$tmp/remote.err"; return 1; }
}
perfdata() { local first=${OUT%%$'\n'*}; printf '%s\n' "${first#*| }"; }
lines_of() { sed -n "$(($2 + 1)),$3p" "$log" >"$1"; } # FILE FROM TO: the log's lines FROM+1..TO
pc() { "$LOGCHECK" -C "$PP_POSTFIX_CONFIG_DIR" "$@"; }
traffic() { # N deliveries, a SASL failure, an unknown user; waits for the log to show them
    local sent rej i
    sent=$(grep -c 'status=sent' "$log" || true)
    rej=$(grep -c ': reject: ' "$log" || true)
    for i in $(seq "$1"); do send_to "$PP_ALICE_USER"; done
    sasl_failure
    send_to "nosuchuser@$PP_DOMAIN"
    wait_lines 'status=sent' $((sent + $1)) "$log"
    wait_lines ': reject: ' $((rej + 1)) "$log"
    sleep 1
}

traffic 3
n1=$(wc -l <"$log")
lines_of "$tmp/batch1.log" 0 "$n1"
to_journal "$tmp/batch1.log" a 0

run pc --file "$tmp/batch1.log" --whole
want=$(perfdata)
check "the file's counts show the traffic" all_of "rc_is 0" '[ "$(perf delivered)" -ge 3 ]' \
    '[ "$(perf rejected)" -ge 1 ]' '[ "$(perf sasl_failures)" -ge 1 ]'
run pc --journal --journal-dir "$J" --whole
check "--journal --whole: the file's counts, foreign entries left out" \
    all_of "rc_is 0" '[ "$(perfdata)" = "$want" ]' 'out_has "$J: "' 'out_has "entries read"'
run pc --journal --journal-dir "$J" --since 1d
check "--since 1d: the same counts" all_of "rc_is 0" '[ "$(perfdata)" = "$want" ]'

# Incremental: by the cursor.
run pc --journal --journal-dir "$J" --state-file "$state"
check "first run: the cursor saved, OK" all_of "rc_is 0" 'out_has "first run: the journal"' \
    'grep -q "^cursor s=" "$state"'
traffic 2
n2=$(wc -l <"$log")
lines_of "$tmp/batch2.log" "$n1" "$n2"
to_journal "$tmp/batch2.log" b $((n1 * 3))
run pc --file "$tmp/batch2.log" --whole
want=$(perfdata) sent2=$(($(perf delivered) + $(perf forwarded)))
run pc --journal --journal-dir "$J" --state-file "$state"
check "second run: only the new journal file's entries" \
    all_of "rc_is 0" '[ "$(perfdata)" = "$want" ]' '[ "$(perf delivered)" -ge 2 ]'
run pc --journal --journal-dir "$J" --state-file "$state"
check "again at once: 0" all_of "rc_is 0" '[ "$(perf delivered)" = 0 ]' '[ "$(perf received)" = 0 ]'

# Vacuumed: the files holding the cursor's entry are gone.
traffic 1
n3=$(wc -l <"$log")
lines_of "$tmp/batch3.log" "$n2" "$n3"
rm -f "$J"/*.journal
to_journal "$tmp/batch3.log" c $((n2 * 3))
run pc --file "$tmp/batch3.log" --whole
want=$(perfdata) sent3=$(($(perf delivered) + $(perf forwarded)))
run pc --journal --journal-dir "$J" --state-file "$state"
check "vacuumed under the cursor: said, the rest counted" \
    all_of "rc_is 0" '[ "$(perfdata)" = "$want" ]' 'out_has "no longer holds the entry read last"'
# The running totals beside the cursor: the two batches counted, as --file counts them.
run pc --journal --journal-dir "$J" --state-file "$state" --format openmetrics
SENT="postfix_smtp_messages_processed_total{status=\"sent\","
SENT+="postfix_instance=\"$PP_POSTFIX_CONFIG_DIR\"}"
check "openmetrics: the cursor's running totals, $sent2 + $sent3 sent" all_of "rc_is 0" \
    'out_has "$SENT $((sent2 + sent3))"' 'grep -qx "postprobe-journalpos 2" "$state"'

# State files that are not this journal's position.
run pc --file "$log" --state-file "$tmp/filepos"
run pc --journal --journal-dir "$J" --state-file "$tmp/filepos"
check "a log file's state file: UNKNOWN naming it" all_of "rc_is 3" 'out_has "$tmp/filepos"'
printf 'postprobe-journalpos 1\nsource journal:%s\n' "$J" >"$tmp/corrupt"
run pc --journal --journal-dir "$J" --state-file "$tmp/corrupt"
check "a corrupt state file: UNKNOWN naming it" \
    all_of "rc_is 3" 'out_has "$tmp/corrupt is corrupt"'
printf 'postprobe-journalpos 9\n' >"$tmp/newer"
run pc --journal --journal-dir "$J" --state-file "$tmp/newer"
check "a newer state file: UNKNOWN" all_of "rc_is 3" 'out_has "$tmp/newer is from a newer"'
printf 'postprobe-journalpos 1\nsource journal:/elsewhere\ncursor x\n' >"$tmp/other"
run pc --journal --journal-dir "$J" --state-file "$tmp/other"
check "another journal's state file: UNKNOWN" all_of "rc_is 3" 'out_has "about another log"'
mkdir "$tmp/empty"
run pc --journal --journal-dir "$tmp/empty" --whole
check "a journal without a line of the instance: UNKNOWN, not a silent OK" \
    all_of "rc_is 3" 'out_has "holds no line of syslog name postfix-pp"'
run pc --journal --journal-dir "$tmp/none" --whole
check "a missing journal directory: UNKNOWN naming it" \
    all_of "rc_is 3" 'out_has "cannot open $tmp/none"'
finish
