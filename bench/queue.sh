#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# queue.sh - check_postfix_queue against the tools postmasters run today, on the test stack's
# real Postfix queue (run on demand; not a ctest).
#
#   PP_BUILD_DIR=/path/to/release-build bench/queue.sh [N...]      (default: 10000 100000)
#
# Fills the hold queue of the stack (tests/env/stack.sh up) to N messages of its own: 2
# recipients each, over DOMAINS (default 100) sender and recipient domains, arrival times
# (the T records, rewritten in place) spread over the last 7 days. Then, RUNS times (default
# 5, 3 above 20000 messages), each tool in turn, warm cache:
#   qshape (all queues it can read), mailq | tail -1, postqueue -j, check_postfix_queue
#   reading the files (2 threads and 1) and through postqueue -j, and the I/O floor: a bare
#   loop that opens each queue file and reads its first 4 KB (2 threads and 1).
# Prints per tool the median wall time (EPOCHREALTIME around /usr/bin/time), median CPU time
# (user + sys of the tool and its children, 10 ms resolution; showq's own work happens in the
# showq daemon and is not in it), the largest peak RSS (/usr/bin/time: the largest of the tool
# and its children, e.g. postconf), and the ratios the issue sets targets for. Deletes its messages at
# the end. Build the plugin without sanitizers (cmake -DCMAKE_BUILD_TYPE=Release).
#
# With TEMPLATES=DIR (real-shaped queue files made by bench/queue-fixture.sh make), each size
# is measured on both shapes in the same run: the hold queue above, then N copies of the
# templates in the deferred queue (queue-fixture.sh replicate; removed at the end). Both
# shapes add pfqueue (2 threads and 1) and, up to SEED_MAX messages (default 10000), the
# seed's way of listing: mailq, then postcat -q per message. SHAPES=real measures that alone.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
. "$SRC/bench/lib.bash"
# shellcheck disable=SC1091
. "${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env"
BUILD=${PP_BUILD_DIR:-$SRC/build}
PLUGIN=$BUILD/plugins/check_postfix_queue
PFQUEUE=$BUILD/contrib/pfqueue
FIXTURE=$SRC/bench/queue-fixture.sh
TEMPLATES=${TEMPLATES:-}
SEED_MAX=${SEED_MAX:-10000}
SHAPES=${SHAPES:-small real} # "real" alone skips the hold queue's small messages
CONF=$PP_POSTFIX_CONFIG_DIR
QDIR=$PP_POSTFIX_QUEUE_DIR
DOMAINS=${DOMAINS:-100}
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(10000 100000); fi
WORK=$(mktemp -d)
[ -x "$PLUGIN" ] || { echo "no $PLUGIN (set PP_BUILD_DIR)" >&2; exit 2; }
cc -O2 -pthread -o "$WORK/io_floor" "$SRC/bench/io_floor.c"

ids() { find "$QDIR/hold" -type f -printf '%f\n' | sort; }
ids >"$WORK/before"
cleanup() {
    ids | comm -13 "$WORK/before" - | postsuper -c "$CONF" -d - hold >/dev/null 2>&1 || true
    [ -z "$TEMPLATES" ] || "$FIXTURE" clean "$TEMPLATES"
    rm -rf "$WORK"
}
trap cleanup EXIT
mine() { ids | comm -13 "$WORK/before" - | wc -l; }

# fill N: queue messages until this run has N of its own in hold.
fill() {
    local want=$1 have k per batch=0 deadline
    have=$(mine)
    [ "$have" -lt "$want" ] || return 0
    per=$(((want - have + DOMAINS - 1) / DOMAINS))
    for ((k = 0; k < DOMAINS; k++)); do
        smtp-source -s 2 -m "$per" -r 2 -M bench.postprobe.test -f "sender$k@s$k.example" \
            -t "user$k@d$k.$PP_HOLD_DOMAIN" -S "bench $k" "127.0.0.1:$PP_SMTP_PORT" &
        if (((++batch % 8) == 0)); then wait; fi
    done
    wait
    deadline=$((SECONDS + 600))
    while [ "$(mine)" -lt "$want" ] && [ $SECONDS -lt $deadline ]; do sleep 1; done
    # Spread the arrival times: rewrite the T record (after the 97-byte C record) in place.
    ids | comm -13 "$WORK/before" - | sed "s|^|$QDIR/hold/|" | perl -e '
        srand(42); my $now = time;
        while (my $f = <STDIN>) {
            chomp $f;
            open(my $h, "+<", $f) or next;
            sysread($h, my $b, 120) == 120 or next;
            next unless substr($b, 97, 1) eq "T" && substr($b, 99, 10) =~ /^\d{10}$/;
            sysseek($h, 99, 0);
            syswrite($h, sprintf("%010d", $now - int(rand(7 * 86400))));
        }'
}

# replicate N: N real-shaped copies in the deferred queue (the hold queue's messages stay).
replicate() {
    local want=$1 have=0
    [ -f "$TEMPLATES/replicas" ] && have=$(wc -l <"$TEMPLATES/replicas")
    [ "$have" -ge "$want" ] || "$FIXTURE" replicate "$TEMPLATES" $((want - have))
}

# The seed's listing: mailq, then postcat -q for each queue id it names.
seed() {
    postqueue -c "$CONF" -p | awk '/^[0-9A-F]+[*!]? / { sub(/[*!]$/, "", $1); print $1 }' |
        while read -r id; do postcat -c "$CONF" -q "$id"; done
}

TOOLS=(qshape mailq postqueue_j plugin plugin_1thread plugin_showq pfqueue pfqueue_1thread seed
    floor floor_1thread)
cmd_of() {
    case $1 in
    qshape) echo "qshape -c $CONF incoming active deferred hold" ;;
    mailq) echo "sh -c 'postqueue -c $CONF -p | tail -1'" ;;
    postqueue_j) echo "postqueue -c $CONF -j" ;;
    plugin) echo "$PLUGIN -C $CONF -t 300" ;;
    plugin_1thread) echo "$PLUGIN -C $CONF -t 300 --threads 1" ;;
    plugin_showq) echo "$PLUGIN -C $CONF -t 300 --source=showq" ;;
    pfqueue) echo "$PFQUEUE -C $CONF -t 600" ;;
    pfqueue_1thread) echo "$PFQUEUE -C $CONF -t 600 --threads 1" ;;
    seed) echo seed ;;
    floor) echo "$WORK/io_floor 2 $QDIR/incoming $QDIR/active $QDIR/deferred $QDIR/hold $QDIR/maildrop" ;;
    floor_1thread) echo "$WORK/io_floor 1 $QDIR/incoming $QDIR/active $QDIR/deferred $QDIR/hold $QDIR/maildrop" ;;
    esac
}


measure() {
    local n=$1 runs=$2 t r t0 t1
    for ((r = 0; r < runs; r++)); do
        for t in "${TOOLS[@]}"; do
            [ "$t" != seed ] || [ "$n" -le "$SEED_MAX" ] || continue
            t0=$EPOCHREALTIME
            eval "/usr/bin/time -f '%M %U %S' -o '$WORK/t' $(cmd_of "$t")" >/dev/null 2>&1 || true
            t1=$EPOCHREALTIME
            echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') $(tail -1 "$WORK/t")" \
                >>"$WORK/$t.$n"
        done
    done
}

report() {
    local n=$1 t wall cpu rss
    if [ "$2" = small ]; then
        printf '\n== %d messages in hold (%d domains, 2 recipients each, arrivals over 7 days), %d runs ==\n' \
            "$n" "$DOMAINS" "$(wc -l <"$WORK/qshape.$n")"
    else
        printf '\n== real-shaped: %d copies of %d deferred files, alone in the queue, %d runs ==\n' \
            "$n" "$(wc -l <"$TEMPLATES/ids")" "$(wc -l <"$WORK/qshape.$n")"
    fi
    printf '%-16s %10s %10s %12s\n' tool "wall s" "cpu s" "peak RSS MB"
    W_seed=0
    for t in "${TOOLS[@]}"; do
        [ -s "$WORK/$t.$n" ] || continue
        wall=$(awk '{ print $1 }' "$WORK/$t.$n" | median)
        cpu=$(awk '{ print $3 + $4 }' "$WORK/$t.$n" | median)
        rss=$(awk '$2 > m { m = $2 } END { printf "%.1f", m / 1024 }' "$WORK/$t.$n")
        printf '%-16s %10.3f %10.3f %12s\n' "$t" "$wall" "$cpu" "$rss"
        eval "W_$t=$wall"
    done
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", (b > 0) ? a / b : 0 }'; }
    printf 'qshape / plugin:            %s   (target: at least 20x)\n' "$(ratio "$W_qshape" "$W_plugin")"
    printf 'postqueue -j / plugin:      %s   (target: above 1x)\n' "$(ratio "$W_postqueue_j" "$W_plugin")"
    printf 'plugin / I/O floor:         %s   (target: at most 2x; 1 thread each: %s)\n' \
        "$(ratio "$W_plugin" "$W_floor")" "$(ratio "$W_plugin_1thread" "$W_floor_1thread")"
    printf 'plugin 1 thread / 2 threads: %s\n' "$(ratio "$W_plugin_1thread" "$W_plugin")"
    printf 'pfqueue / I/O floor:        %s   (target: at most 1.5x; 1 thread each: %s)\n' \
        "$(ratio "$W_pfqueue" "$W_floor")" "$(ratio "$W_pfqueue_1thread" "$W_floor_1thread")"
    printf 'postqueue -j / pfqueue:     %s;  mailq + postcat -q / pfqueue: %s\n' \
        "$(ratio "$W_postqueue_j" "$W_pfqueue")" "$(ratio "$W_seed" "$W_pfqueue")"
}

for n in "${SIZES[@]}"; do
    runs=${RUNS:-$([ "$n" -gt 20000 ] && echo 3 || echo 5)}
    if [[ " $SHAPES " != *" small "* ]]; then
        replicate "$n"
        measure "$n" "$runs"
        report "$n" real
        "$FIXTURE" clean "$TEMPLATES"
        continue
    fi
    start=$SECONDS
    fill "$n"
    echo "filled to $(mine) messages of this run in $((SECONDS - start)) s" >&2
    "$PLUGIN" -C "$CONF" --hold=, -t 300 hold | cut -c1-150 >&2
    measure "$n" "$runs"
    report "$n" small
    [ -n "$TEMPLATES" ] || continue
    # The real shape alone: this run's held messages go (the next size queues them again).
    ids | comm -13 "$WORK/before" - | postsuper -c "$CONF" -d - hold >/dev/null 2>&1
    replicate "$n"
    "$PLUGIN" -C "$CONF" --hold=, -t 300 deferred | cut -c1-150 >&2
    mkdir -p "$WORK/real" && mv "$WORK"/*."$n" "$WORK/real/"
    measure "$n" "$runs"
    report "$n" real
    "$FIXTURE" clean "$TEMPLATES"
done
