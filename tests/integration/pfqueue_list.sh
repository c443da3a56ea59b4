#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# pfqueue_list.sh - pfqueue's listing, filters and --stat against the stack's Postfix.
#
# Queues four messages of its own (three held by the stack's HOLD rule for hold.test, one
# deferred to the closed port behind unreachable.test), each with known headers and, for
# three, an older Received: from an outside address under the stack's own loopback one.
# Checks every field of the tsv and JSON listings against postqueue -j, that each filter
# selects exactly the expected messages (and is case-insensitive, UTF-8 aware, combined
# with AND), --stat's counts, the postqueue -j source, and the one-line errors. Deletes its
# messages at the end.
set -euo pipefail
# shellcheck source=lib/pfqueue.bash
. "$(dirname "$0")/lib/pfqueue.bash"

T=$TOKEN
inject "alice@a.$T.example" "u1-$T@hold.test" "=?utf-8?q?caf=C3=A9?= $T one" \
    "ext1.example (ext1.example [192.0.2.11])"
inject "bob@b.$T.example" "u2-$T@hold.test,u3-$T@d1.hold.test" "$T two" \
    "ext2.example (unknown [198.51.100.22])"
inject "<>" "u4-$T@hold.test" "$T three"
inject "carol@c.$T.example" "x-$T@unreachable.test" "$T four" \
    "ext3.example (ext3.example [203.0.113.33])"
settle hold 3
settle deferred 1

id_of() { ids_where "any(.recipients[]; .address | startswith(\"$1-\"))"; }
H1=$(id_of u1) H2=$(id_of u2) H3=$(id_of u4) D1=$(id_of x)
field() { postqueue -c "$CONF" -j | jq -r --arg id "$1" "select(.queue_id == \$id) | $2"; }
when() { date -d "@$(field "$1" .arrival_time)" '+%Y-%m-%d %H:%M:%S'; }
sorted_ids() { printf '%s\n' "$@" | sort | paste -sd' '; }
# ids_of: the first column of $OUT without the header line, sorted, on one line.
ids_of() { printf '%s\n' "$OUT" | grep -v '^#' | cut -f1 | sort | paste -sd' '; }
TAB=$'\t'

# ---- the listing ----
run "$PFQ" -C "$CONF" --subject "$T"
check "listing: exit 0, nothing on stderr" all_of "rc_is 0" stderr_empty
check "listing: the column names, then one line per message" \
    test "${OUT%%$'\n'*}" = \
    "#queue_id${TAB}queue${TAB}arrival${TAB}size${TAB}sender${TAB}recipients${TAB}from${TAB}to${TAB}subject${TAB}date${TAB}relay${TAB}flags"
check "listing: exactly this run's four messages" \
    test "$(ids_of)" = "$(sorted_ids "$H1" "$H2" "$H3" "$D1")"
line() { printf '%s\n' "$OUT" | grep "^$1$TAB"; }
DATE='Wed, 25 Nov 2026 10:00:00 +0000'
check "listing: held message, RFC 2047 subject decoded, outside relay under loopback" \
    test "$(line "$H1")" = "$H1${TAB}hold${TAB}$(when "$H1")${TAB}$(field "$H1" .message_size)${TAB}alice@a.$T.example${TAB}u1-$T@hold.test${TAB}Sender <alice@a.$T.example>${TAB}u1-$T@hold.test${TAB}café $T one${TAB}$DATE${TAB}ext1.example (ext1.example [192.0.2.11])${TAB}-"
check "listing: two recipients" \
    test "$(line "$H2")" = "$H2${TAB}hold${TAB}$(when "$H2")${TAB}$(field "$H2" .message_size)${TAB}bob@b.$T.example${TAB}u2-$T@hold.test,u3-$T@d1.hold.test${TAB}Sender <bob@b.$T.example>${TAB}u2-$T@hold.test,u3-$T@d1.hold.test${TAB}$T two${TAB}$DATE${TAB}ext2.example (unknown [198.51.100.22])${TAB}-"
check "listing: null sender as <>, no outside relay as -" \
    test "$(line "$H3")" = "$H3${TAB}hold${TAB}$(when "$H3")${TAB}$(field "$H3" .message_size)${TAB}<>${TAB}u4-$T@hold.test${TAB}Sender <mailer-daemon@example.org>${TAB}u4-$T@hold.test${TAB}$T three${TAB}$DATE${TAB}-${TAB}-"
check "listing: deferred message" \
    test "$(line "$D1" | cut -f2,5,6,11)" = "deferred${TAB}carol@c.$T.example${TAB}x-$T@unreachable.test${TAB}ext3.example (ext3.example [203.0.113.33])"

run "$PFQ" -C "$CONF" --subject "$T" --format json
check "json: one valid object per message" \
    test "$(printf '%s\n' "$OUT" | jq -r .queue_id | sort | paste -sd' ')" = "$(sorted_ids "$H1" "$H2" "$H3" "$D1")"
check "json: fields" test "$(printf '%s\n' "$OUT" | jq -c --arg id "$H2" \
    'select(.queue_id == $id) | [.queue, .arrival_time, .size, .sender, .recipients, .subject, .relay, .date]')" = \
    "$(jq -nc --arg t "$T" --argjson a "$(field "$H2" .arrival_time)" --argjson s "$(field "$H2" .message_size)" --arg d "$DATE" \
        '["hold", $a, $s, "bob@b.\($t).example", ["u2-\($t)@hold.test", "u3-\($t)@d1.hold.test"], "\($t) two", "ext2.example (unknown [198.51.100.22])", $d]')"
check "json: null sender is the empty string" \
    test "$(printf '%s\n' "$OUT" | jq -r --arg id "$H3" 'select(.queue_id == $id) | "[\(.sender)]"')" = "[]"

# ---- filters: each selects exactly the expected messages ----
selects() {
    local name=$1 want=$2
    shift 2
    run "$PFQ" -C "$CONF" --no-header "$@"
    check "filter $name" all_of "rc_is 0" stderr_empty "test \"\$(ids_of)\" = \"$want\""
}
selects "--from (envelope)" "$H1" --from "a\.$T\."
selects "--from '^\$' (null sender)" "$H3" --from '^$' --subject "$T"
selects "--from (From: header)" "$H3" --from "mailer-daemon@example\.org" --subject "$T"
selects "--to (one of two recipients)" "$H2" --to "d1\.hold\.test" --subject "$T"
selects "--from-or-to" "$(sorted_ids "$H3" "$D1")" --from-or-to "^u4-$T@|^carol@"
selects "--relay" "$H2" --relay '\[198\.51\.100\.22\]' --subject "$T"
selects "--relay ignores the loopback hop" "" --relay '127\.0\.0\.1' --subject "$T"
selects "--relay is case-insensitive" "$H1" --relay "EXT1\.EXAMPLE" --subject "$T"
selects "--subject, decoded and case-insensitive in UTF-8" "$H1" --subject "CAFÉ $T"
selects "--queue" "$D1" --queue '^deferred$' --subject "$T"
selects "--older-than 1h" "" --older-than 1h --subject "$T"
selects "--older-than 0" "$(sorted_ids "$H1" "$H2" "$H3" "$D1")" --older-than 0 --subject "$T"
selects "filters combine with AND" "$H2" --from "b\.$T" --queue hold
selects "filters combine with AND (none)" "" --from "b\.$T" --queue deferred

# ---- --stat ----
run "$PFQ" -C "$CONF" --stat --subject "$T" --no-header
check "--stat: counts by sender, recipient and relay" test "$OUT" = "$(printf '%s\n' \
    "sender${TAB}1${TAB}<>" "sender${TAB}1${TAB}alice@a.$T.example" \
    "sender${TAB}1${TAB}bob@b.$T.example" "sender${TAB}1${TAB}carol@c.$T.example" \
    "recipient${TAB}1${TAB}u1-$T@hold.test" "recipient${TAB}1${TAB}u2-$T@hold.test" \
    "recipient${TAB}1${TAB}u3-$T@d1.hold.test" "recipient${TAB}1${TAB}u4-$T@hold.test" \
    "recipient${TAB}1${TAB}x-$T@unreachable.test" "relay${TAB}1${TAB}-" \
    "relay${TAB}1${TAB}ext1.example (ext1.example [192.0.2.11])" \
    "relay${TAB}1${TAB}ext2.example (unknown [198.51.100.22])" \
    "relay${TAB}1${TAB}ext3.example (ext3.example [203.0.113.33])")"

# ---- the postqueue -j source gives the same envelope ----
run "$PFQ" -C "$CONF" --from-or-to "$T" --no-header
DIRECT=$(printf '%s\n' "$OUT" | cut -f1-6 | sort)
run "$PFQ" -C "$CONF" --from-or-to "$T" --no-header --postqueue
check "--postqueue: same ids, queues, times, sizes, senders, recipients" \
    all_of "rc_is 0" stderr_empty "test \"\$(printf '%s\n' \"\$OUT\" | cut -f1-6 | sort)\" = \"\$DIRECT\""
check "--postqueue: no header fields" \
    test "$(printf '%s\n' "$OUT" | cut -f7-11 | sort -u)" = "-${TAB}-${TAB}-${TAB}-${TAB}-"
run "$PFQ" -C "$CONF" --postqueue --relay x
check "--postqueue --relay: refused" all_of "rc_is 3" \
    'out_is "PFQUEUE UNKNOWN - --relay and --subject need the queue files; postqueue -j gives no headers"'

# ---- errors: one line, exit 3 ----
run "$PFQ" -C "$CONF" --from '('
check "bad regular expression" all_of "rc_is 3" \
    'out_is "PFQUEUE UNKNOWN - --from: bad regular expression at offset 1: missing closing parenthesis"'
run "$PFQ" -C "$CONF" --older-than 3x
check "bad age" all_of "rc_is 3" \
    "out_is \"PFQUEUE UNKNOWN - --older-than: '3x' is not an age like 90s, 30m, 12h, 2d or 1w\""
run "$PFQ" -C /nonexistent
check "bad config dir" all_of "rc_is 3" 'out_has "PFQUEUE UNKNOWN - postconf exited with status 1"' \
    '[ "$(printf "%s\n" "$OUT" | wc -l)" -eq 1 ]'

# Unprivileged: the queue files are not readable, so pfqueue turns to postqueue -j (which,
# for a non-default config directory, Postfix only allows when the default instance lists it).
BIN=$(mktemp -d)
cp "$PFQ" "$BIN/" && chmod 755 "$BIN" "$BIN/pfqueue"
run runuser -u nobody -- "$BIN/pfqueue" -C "$CONF" --from "$T"
rm -rf "$BIN"
check "unprivileged: falls back to postqueue -j, says so" \
    all_of '[[ $ERR == *"Permission denied; reading the queue through postqueue -j instead"* ]]' \
    '{ rc_is 0 || { rc_is 3 && out_has "PFQUEUE UNKNOWN - postqueue" && [ "$(printf "%s\n" "$OUT" | wc -l)" -eq 1 ]; }; }'

finish
