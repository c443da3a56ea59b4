#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# pfqueue_bulk.sh - an operator action is never cut in half (issue 12 item 4): pfqueue
# --delete --yes on 2000 held messages with a -t far shorter than the action. postsuper is
# the real one behind a stand-in that first sleeps past -t (POSTPROBE_COMMAND_DIR), so a -t
# alarm still armed during the action would kill it with nothing deleted. postsuper must
# delete every selected message, pfqueue must show postsuper's count, and postqueue -j must
# agree that none is left.
set -euo pipefail
. "$(dirname "$0")/lib/common.bash"

PFQ=$PP_BUILD_DIR/contrib/pfqueue
CONF=$PP_POSTFIX_CONFIG_DIR
N=2000
SEL='^sender[0-9]+@sender[0-9]+\.example$'
bin=$(mktemp -d)

# The fill-queue.sh messages in hold (senders senderK@senderK.example).
held() {
    postqueue -c "$CONF" -j |
        jq -r 'select(.queue_name == "hold" and (.sender | test("^sender[0-9]+@sender[0-9]+\\.example$"))) | .queue_id' |
        wc -l
}
delete_fill() {
    postqueue -c "$CONF" -j 2>/dev/null |
        jq -r 'select(.sender | test("^sender[0-9]+@sender[0-9]+\\.example$")) | .queue_id' |
        postsuper -c "$CONF" -d - >/dev/null 2>&1 || true
}
trap 'delete_fill; rm -rf "$bin"' EXIT
delete_fill

# Postfix's commands as they are, postsuper behind a 3 s pause (the -t below is 1 s).
for c in /usr/sbin/post*; do ln -s "$c" "$bin/${c##*/}"; done
rm "$bin/postsuper"
printf '#!/bin/sh\nsleep 3\nexec /usr/sbin/postsuper "$@"\n' >"$bin/postsuper"
chmod 700 "$bin" "$bin/postsuper"

bash "$PP_SOURCE_DIR/tests/env/fill-queue.sh" "$N" hold >/dev/null
check "setup: $N messages held" [ "$(held)" -eq "$N" ]

POSTPROBE_COMMAND_DIR=$bin run "$PFQ" -C "$CONF" --queue hold --from "$SEL" --delete --yes -t 1
check "--delete --yes -t 1: postsuper outlives -t and pfqueue waits for it" all_of "rc_is 0" \
    "[ \$USECS -gt 3000000 ]" \
    "[ \"\$(printf '%s\n' \"\$ERR\" | tail -n 1)\" = 'postsuper: Deleted: $N messages' ]"
check "every selected message is gone (postqueue -j)" [ "$(held)" -eq 0 ]
check "pfqueue listed every message it handed to postsuper" \
    [ "$(printf '%s\n' "$OUT" | grep -vc '^#')" -eq "$N" ]
finish
