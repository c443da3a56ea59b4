# SPDX-License-Identifier: GPL-3.0-or-later
# pfqueue.bash - messages of one test run in the stack's queue, for the pfqueue tests (sourced;
# sources common.bash).
#
#   TOKEN                      unique to this run; in every sender or recipient it queues
#   inject FROM RCPTS SUBJECT [RECEIVED]
#                              sends one message over SMTP (swaks) from FROM ('<>': null
#                              sender) to the comma-separated RCPTS, with From:, To:, Subject:,
#                              Date: and, when given, an older "Received: from RECEIVED" header
#   mine                       postqueue -j lines of this run's messages (jq -c), sorted by id
#   ids_where JQ_CONDITION     the queue ids of this run's messages matching the condition
#   settle QUEUE N             waits until N of this run's messages sit in QUEUE and none is in
#                              incoming, active or maildrop
#   cleanup_mine               deletes this run's messages (the EXIT trap it sets)
# shellcheck source=lib/common.bash
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
PFQ=$PP_BUILD_DIR/contrib/pfqueue
CONF=$PP_POSTFIX_CONFIG_DIR
TOKEN=pfq$(date +%s)x$$

inject() {
    local from=$1 rcpts=$2 subject=$3 received=${4:-} data
    data=$(mktemp)
    {
        [ -z "$received" ] ||
            printf 'Received: from %s\r\n\tby relay.example (Postfix) with ESMTP id 1A2B3C;\r\n\tWed, 25 Nov 2026 10:00:00 +0000\r\n' "$received"
        printf 'From: Sender <%s>\r\nTo: %s\r\nSubject: %s\r\n' "${from/<>/mailer-daemon@example.org}" "$rcpts" "$subject"
        printf 'Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMessage-ID: <%s.%s@example.org>\r\n\r\nbody\r\n' "$RANDOM" "$TOKEN"
    } >"$data"
    swaks --server 127.0.0.1 --port "$PP_SMTP_PORT" --from "$from" --to "$rcpts" \
        --data "@$data" --silent 2 </dev/null
    rm -f "$data"
}

MINE_JQ='select((.sender | contains($t)) or any(.recipients[]; .address | contains($t)))'

mine() {
    postqueue -c "$CONF" -j | jq -c --arg t "$TOKEN" "$MINE_JQ" | sort
}

ids_where() {
    postqueue -c "$CONF" -j | jq -r --arg t "$TOKEN" "$MINE_JQ | select($1) | .queue_id" | sort
}

settle() {
    local queue=$1 n=$2 deadline=$((SECONDS + 30)) in_queue busy
    while :; do
        in_queue=$(ids_where ".queue_name == \"$queue\"" | wc -l)
        busy=$(ids_where '.queue_name | test("incoming|active|maildrop")' | wc -l)
        [ "$in_queue" -eq "$n" ] && [ "$busy" -eq 0 ] && return 0
        [ $SECONDS -lt $deadline ] || {
            echo "settle: $in_queue of this run's messages in $queue (wanted $n), $busy busy" >&2
            return 1
        }
        sleep 0.2
    done
}

cleanup_mine() {
    ids_where true | postsuper -c "$CONF" -d - >/dev/null 2>&1 || true
}

trap cleanup_mine EXIT
