#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# fill-queue.sh - put N messages into the test stack's Postfix queue, quickly.
#
#   tests/env/fill-queue.sh N [deferred|hold]      (default: deferred)
#
# Messages are injected with smtp-source over SMTP into the instance's main smtpd port, spread
# over 10 sender domains (senderK.example) and 10 recipient domains, several sessions at once:
#   deferred  recipients @unreachable.test and @dK.unreachable.test, whose transport is
#             smtp:[127.0.0.1]:1 (a closed loopback port): one delivery attempt each, then
#             "connect to 127.0.0.1[127.0.0.1]:1: Connection refused" or "delivery temporarily
#             suspended" in the deferred queue. They stay there: retry times are Postfix's
#             defaults (minimal_backoff_time 300 s).
#   hold      recipients @hold.test and @dK.hold.test, which the smtpd recipient access table
#             puts on hold (action HOLD) before any delivery attempt.
# The script waits until the target queue has grown by N files and prints the time taken.
# Needs a running stack (tests/env/stack.sh up). Empty the queue with:
#   postsuper -c "$PP_POSTFIX_CONFIG_DIR" -d ALL
set -euo pipefail

ENV_FILE=${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env
DOMAINS=10            # distinct sender and recipient domains
SESSIONS=4            # parallel SMTP sessions per smtp-source run

die() { printf 'fill-queue: ERROR: %s\n' "$*" >&2; exit 1; }

usage() { echo "usage: $0 N [deferred|hold]" >&2; exit 2; }

# queue_count NAME: number of queue files in queue NAME (hold is flat, deferred is hashed).
queue_count() { find "$PP_POSTFIX_QUEUE_DIR/$1" -type f | wc -l; }

# recipient_domain KIND I: the I-th recipient domain for KIND (0 is the bare parent domain).
recipient_domain() {
    local parent=$PP_UNREACHABLE_DOMAIN
    [ "$1" = hold ] && parent=$PP_HOLD_DOMAIN
    if [ "$2" -eq 0 ]; then echo "$parent"; else echo "d$2.$parent"; fi
}

# inject KIND N: send N messages, split over DOMAINS sender/recipient domain pairs.
inject() {
    local kind=$1 n=$2 i count pids=() rc=0
    for ((i = 0; i < DOMAINS && i < n; i++)); do
        count=$((n / DOMAINS + (i < n % DOMAINS ? 1 : 0)))
        [ "$count" -gt 0 ] || continue
        smtp-source -s "$SESSIONS" -m "$count" -M fill.postprobe.test \
            -f "sender$i@sender$i.example" -t "user$i@$(recipient_domain "$kind" "$i")" \
            -S "fill-queue $kind $i" "127.0.0.1:$PP_SMTP_PORT" &
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i" || rc=1; done
    [ $rc -eq 0 ] || die "smtp-source failed (see $PP_POSTFIX_MAILLOG)"
}

# wait_for_queue NAME TARGET: wait until queue NAME holds TARGET files (bounded).
wait_for_queue() {
    local name=$1 target=$2 deadline now
    deadline=$((SECONDS + 60 + target / 50))
    while now=$(queue_count "$name"); [ "$now" -lt "$target" ]; do
        [ $SECONDS -lt $deadline ] ||
            die "queue $name has $now files, expected $target (see $PP_POSTFIX_MAILLOG)"
        sleep 0.2
    done
}

main() {
    if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
    local n=$1 kind=${2:-deferred} before start
    [[ $n =~ ^[1-9][0-9]*$ ]] || usage
    case $kind in deferred | hold) ;; *) usage ;; esac
    [ -r "$ENV_FILE" ] || die "$ENV_FILE not found; run tests/env/stack.sh up first"
    # shellcheck disable=SC1090
    . "$ENV_FILE"
    before=$(queue_count "$kind")
    start=$EPOCHREALTIME
    inject "$kind" "$n"
    wait_for_queue "$kind" $((before + n))
    printf 'fill-queue: %d messages in %s queue (now %d) in %.2f s\n' \
        "$n" "$kind" "$(queue_count "$kind")" "$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')"
}

main "$@"
