#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# log_pftrace: pftrace tells the life of real messages from the stack's own log. Four
# messages, each queue id taken from smtpd's own reply ("250 2.0.0 Ok: queued as QID"): one
# delivered over LMTP to alice, one relayed to the sink, one deferred (unreachable.test,
# deleted at the end), one sent with SASL on the submission port and bounced by the sink's
# 550, whose non-delivery notice (its queue id from bounce's own line) comes back to alice.
# Each block holds the events Postfix logged; the notice is followed into its block; the
# selectors (queue id, --message-id, --from, --to, --client) pick exactly the expected
# messages; --json is valid JSON; the same lines as real journal files (--journal
# --journal-dir) tell the same story; nothing matched exits 1.
set -euo pipefail
. "$(dirname "$0")/lib/log.bash"
TRACE=$PP_BUILD_DIR/contrib/pftrace
log=$PP_POSTFIX_MAILLOG
tag=pftrace-$$-$RANDOM
sender="$tag@$PP_DOMAIN"
deferred=""
leave() {
    [ -z "$deferred" ] ||
        postsuper -c "$PP_POSTFIX_CONFIG_DIR" -d "$deferred" >/dev/null 2>&1 || true
}
tmp=$(mktemp -d)
trap 'leave; rm -rf "$tmp"' EXIT

# Sends one message and prints the queue id of smtpd's reply; extra args go to swaks.
queued_as() {
    swaks --server "127.0.0.1:${PORT:-$PP_SMTP_PORT}" --from "$sender" \
        --header "Message-Id: <$tag-$1@$PP_DOMAIN>" --to "$2" "${@:3}" 2>&1 |
        sed -n 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p'
}
lmtp=$(queued_as lmtp "$PP_ALICE_USER")
sink=$(queued_as sink "exists@$PP_RELAY_DOMAIN")
deferred=$(queued_as deferred "user@$PP_UNREACHABLE_DOMAIN")
bounced=$(PORT=$PP_SUBMISSION_PORT queued_as bounced "nobody-$tag@$PP_RELAY_DOMAIN" -tls \
    --auth PLAIN --auth-user "$PP_ALICE_USER" --auth-password "$PP_ALICE_PASSWORD")
check "smtpd queued all four" all_of '[ -n "$lmtp" ]' '[ -n "$sink" ]' '[ -n "$deferred" ]' \
    '[ -n "$bounced" ]'
wait_lines "$lmtp: removed" 1 "$log"
wait_lines "$sink: removed" 1 "$log"
wait_lines "$deferred: to=<.*status=deferred" 1 "$log"
wait_lines "$bounced: sender non-delivery notification: " 1 "$log"
notice=$(sed -n "s/.*$bounced: sender non-delivery notification: \([0-9A-Za-z]*\)$/\1/p" "$log")
wait_lines "$notice: removed" 1 "$log"
wait_lines "$bounced: removed" 1 "$log"
# The sink is this instance too: its copy of the relayed message, by the sink's own reply.
copy=$(sed -n "s/.*$sink: to=<.*status=sent (250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\))$/\1/p" \
    "$log")
wait_lines "$copy: removed" 1 "$log"

# The queue ids of the blocks in $OUT, sorted, each with a blank after it; ids: the same of ids.
ids() { printf '%s\n' "$@" | sort | tr '\n' ' '; }
blocks() {
    printf '%s\n' "$OUT" | sed -n 's/^\([0-9A-Za-z]\{1,\}\):.*/\1/p' | sort | tr '\n' ' '
}
C=(-C "$PP_POSTFIX_CONFIG_DIR")

run "$TRACE" "${C[@]}" "$lmtp"
check "LMTP: one block, arrival to removal" all_of "rc_is 0" '[ "$(blocks)" = "$lmtp " ]' \
    "out_has \"$lmtp: from=<$sender>, size=\"" 'out_has ", client=localhost[127.0.0.1]"' \
    "out_has \"message-id=<$tag-lmtp@$PP_DOMAIN>\"" 'out_has "/cleanup["' \
    "out_has \"/lmtp[\"" 'out_has "dsn=2.0.0, status=sent (250 2.0.0"' \
    'out_has "/qmgr["' 'out_has ": removed"' '! out_has "[open"'

run "$TRACE" "${C[@]}" "$sink"
check "sink: relayed to the sink" all_of "rc_is 0" \
    "out_has \"relay=127.0.0.1[127.0.0.1]:$PP_SINK_PORT\"" 'out_has "status=sent"' \
    'out_has ": removed"'

run "$TRACE" "${C[@]}" "$deferred"
check "deferred: still open, the attempt's reason" all_of "rc_is 0" \
    'out_has "dsn=4.4.1, status=deferred (connect to 127.0.0.1[127.0.0.1]:1: Connection"' \
    'out_has "[open: no end in the log]"'

run "$TRACE" "${C[@]}" "$bounced"
check "bounced: SASL user, the 550, the notice followed to its delivery" all_of "rc_is 0" \
    "out_has \"sasl_username=$PP_ALICE_USER\"" 'out_has "dsn=5.1.1, status=bounced"' \
    'out_has "said: 550 5.1.1"' "out_has \"sender non-delivery notification: $notice\"" \
    "out_has \"    notice $notice: from=<>\"" \
    "out_has \"to=<$sender>\"" '[ "$(blocks)" = "$bounced " ]'
run "$TRACE" "${C[@]}" "$notice"
check "the notice's own queue id gives its original's block" all_of "rc_is 0" \
    '[ "$(blocks)" = "$bounced " ]'

run "$TRACE" "${C[@]}" --message-id "$tag-sink@$PP_DOMAIN"
check "--message-id: the relayed message and the sink's copy" all_of "rc_is 0" \
    '[ -n "$copy" ]' '[ "$(blocks)" = "$(ids "$sink" "$copy")" ]'
run "$TRACE" "${C[@]}" --message-id "<$tag-lmtp@$PP_DOMAIN>" \
    --message-id "$tag-deferred@$PP_DOMAIN"
check "--message-id twice: either" all_of '[ "$(blocks)" = "$(ids "$lmtp" "$deferred")" ]'
run "$TRACE" "${C[@]}" --to "^nobody-$tag@"
check "--to" all_of "rc_is 0" '[ "$(blocks)" = "$bounced " ]'
run "$TRACE" "${C[@]}" --from "^$tag@" --to "^$PP_ALICE_USER\$"
check "--from and --to: both, in one message" all_of "rc_is 0" '[ "$(blocks)" = "$lmtp " ]'
run "$TRACE" "${C[@]}" --from "^$tag@" --client 'localhost\[127\.0\.0\.1\]' "$sink"
check "--client with a queue id" all_of "rc_is 0" '[ "$(blocks)" = "$sink " ]'
run "$TRACE" "${C[@]}" --client '^nosuch' "$sink"
check "nothing matched: exit 1, no output" all_of "rc_is 1" 'out_is ""'
run "$TRACE" "${C[@]}" --since 1h --until "$(date -d '+1 min' '+%Y-%m-%d %H:%M')" "$lmtp"
check "--since 1h --until a minute ahead: in the window" all_of "rc_is 0" \
    '[ "$(blocks)" = "$lmtp " ]'
run "$TRACE" "${C[@]}" --until 2000-01-01 "$lmtp"
check "--until 2000-01-01: out of the window" all_of "rc_is 1" 'out_is ""'
run "$TRACE" "${C[@]}" --from '('
check "a bad regex: exit 3, named" all_of "rc_is 3" 'out_has "--from"'
run "$TRACE" --help
check "--help states the tool's exit status, not Nagios's" all_of "rc_is 0" \
    'out_has "Exit status: 0 a message matched, 1 none did, 3 an error"' '! out_has "CRITICAL"'

run "$TRACE" "${C[@]}" --json "$bounced"
check "--json: one valid object with the notice" all_of "rc_is 0" \
    "printf '%s' \"\$OUT\" | python3 -m json.tool >/dev/null" \
    "[ \"\$(printf '%s' \"\$OUT\" | jq -r '.queue_id, .sasl_username, .notices[0].queue_id,
        ([.events[].kind] | index(\"bounced\") != null),
        (.events[] | select(.kind == \"bounced\") | .dsn)' |
        tr '\n' ' ')\" = \"$bounced $PP_ALICE_USER $notice true 5.1.1 \" ]"
# The same lines in real journal files (systemd-journal-remote, as log_journal.sh makes
# them, with another instance's look-alike entries mixed in): the same story, bar the stamps.
python3 "$(dirname "$0")/lib/syslog2export.py" 1 <"$log" >"$tmp/export"
/lib/systemd/systemd-journal-remote -o "$tmp/j.journal" "$tmp/export" 2>/dev/null
nostamp() { jq -c 'del(.. | .stamp?)'; }
"$TRACE" "${C[@]}" --json "$bounced" | nostamp >"$tmp/file.json"
run "$TRACE" "${C[@]}" --journal --journal-dir "$tmp" --json "$bounced"
check "--journal: the same story as the file's" all_of "rc_is 0" \
    "[ \"\$(printf '%s\n' \"\$OUT\" | nostamp)\" = \"\$(cat \"$tmp/file.json\")\" ]"

run "$TRACE" "${C[@]}" --json --from "^$tag@"
check "--json: one object a line" all_of "rc_is 0" \
    "printf '%s\n' \"\$OUT\" | python3 -m json.tool --json-lines >/dev/null" \
    '[ "$(printf "%s\n" "$OUT" | wc -l)" -ge 4 ]'
finish
