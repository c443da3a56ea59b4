#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# queue_corrupt.sh - broken queue files in the stack's hold queue are reported as corrupt,
# one line each with -v, never crash the plugin, and leave the other figures right; files
# that are not complete or not regular files are not counted at all.
#
# Queues 10 held messages, then writes beside them (owner postfix, mode 0700, queue-id
# names): a truncated copy, a copy without its T record (the record turned into padding), a
# copy with a huge record length, a file that is not a queue file, an empty file; a good copy
# into the corrupt directory, one with mode 0600 (still being written) and a symlink. Removes
# them all at the end.
set -euo pipefail
# shellcheck source=lib/queue.bash
. "$(dirname "$0")/lib/queue.bash"

"$PP_SOURCE_DIR/tests/env/fill-queue.sh" 10 hold >/dev/null
T=$(template user0@hold.test)
HOLD=$(all_ids | comm -13 "$BEFORE_IDS" - | wc -l)
H=$QDIR/hold
corrupt_copy "$H/FC0000000A1" '$_ = substr($_, 0, length($_) / 2)' "$T"
# The T record follows the 97-byte C record: its type byte becomes w (padding).
corrupt_copy "$H/FC0000000A2" 'substr($_, 97, 1) = "w"' "$T"
corrupt_copy "$H/FC0000000A3" 's/R\x0fuser0\@hold\.test/R\xff\xff\xff\xff\x7fuser0\@hold.test/' "$T"
printf 'From alice@example.org Mon Jan  1 00:00:00 2024\nSubject: mbox\n\n' >"$H/FC0000000A4"
: >"$H/FC0000000A5"
for f in A4 A5; do chown postfix: "$H/FC0000000$f" && chmod 700 "$H/FC0000000$f"; done
CRAFTED+=("$H/FC0000000A4" "$H/FC0000000A5")
mkdir -p "$QDIR/corrupt"
corrupt_copy "$QDIR/corrupt/FC0000000B1" '' "$T"
corrupt_copy "$H/FC0000000B2" '' "$T"
chmod 600 "$H/FC0000000B2"
ln -s "$T" "$H/FC0000000B3"
CRAFTED+=("$H/FC0000000B3")

run "$PLUGIN" -C "$CONF" -v hold corrupt
check "corrupt files: CRITICAL by default, first on the status line" all_of "rc_is 2" \
    'out_has "POSTFIX_QUEUE CRITICAL - corrupt: 6 files, "' 'out_has " corrupt=6;;0;0 "'
check "the other figures are right: incomplete, symlink and corrupt files not counted" \
    out_has "hold=$HOLD;0;;0 "
check "truncated" out_has "    hold/FC0000000A1: file of "
check "no T record" out_has "    hold/FC0000000A2: no arrival time (T) record"
check "huge length" out_has "    hold/FC0000000A3: malformed length of record 'R' at offset "
check "not a queue file" out_has "    hold/FC0000000A4: first record is 'F', not C or T: not a queue file"
check "empty" out_has "    hold/FC0000000A5: empty file"
check "-v: the mode 0600 file and the symlink are skipped" \
    out_has "(2 threads; $((HOLD + 6)) files, 1 not complete yet, 0 gone while scanning, 1 ignored)"
check "nothing on stderr" stderr_empty

run "$PLUGIN" -C "$CONF" --corrupt=, --hold=, hold corrupt
check "--corrupt=, turns the default off" all_of "rc_is 0" 'out_has "[OK] corrupt: 6 files"'
run "$PLUGIN" -C "$CONF" --corrupt=5,10 --hold=, hold
check "--corrupt=5,10: the five in hold alone" all_of "rc_is 0" 'out_has "[OK] corrupt: 5 files"'

want=$(sorted_lines "$(qshape -c "$CONF" hold 2>/dev/null)")
run "$PLUGIN" -C "$CONF" --qshape hold
check "--qshape: qshape skips the same files" \
    all_of 'test "$(sorted_lines "$OUT")" = "$want"' 'out_has TOTAL'

run "$PLUGIN" -C "$CONF" --source=showq
check "showq reading the same files: one status line, no crash" all_of \
    '[ "$RC" -le 3 ]' '[[ $OUT =~ ^POSTFIX_QUEUE\ (OK|WARNING|CRITICAL|UNKNOWN)\ -\  ]]'
finish
