# SPDX-License-Identifier: GPL-3.0-or-later
# queue.bash - helpers for the check_postfix_queue tests (sourced; sources common.bash). It
# notes the queue ids present when it is sourced, and sets cleanup_queue as the EXIT trap.
#
#   PLUGIN CONF QDIR           the plugin, the stack's config and queue directories
#   cleanup_queue              deletes the messages queued since the lib was sourced and the
#                              files made by craft (a script's own EXIT trap must call it)
#   template RCPT              path of a held message of this run for recipient RCPT
#   craft SRC QUEUE AGE [ID]   copies queue file SRC into QUEUE (deferred: hashed, with a
#                              retry time a day away so that qmgr leaves it alone) under a
#                              new queue id, its T record set AGE seconds back; prints the path
#   corrupt_copy PATH PERL SRC copies file SRC to PATH (owner postfix, mode 0700), its bytes
#                              edited by PERL (perl -0777 -pe), for corrupt files
#   perf LABEL                 the value of perfdata LABEL in $OUT (no unit)
#   count QUEUE [JQ]           from postqueue -j: messages in QUEUE, or JQ over their array
#   sorted_lines TEXT          TEXT's lines in byte order (qshape orders ties at random)
# shellcheck source=lib/common.bash
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
PLUGIN=$PP_BUILD_DIR/plugins/check_postfix_queue
CONF=$PP_POSTFIX_CONFIG_DIR
QDIR=$PP_POSTFIX_QUEUE_DIR
BEFORE_IDS=$(mktemp)
CRAFTED=()

all_ids() { postqueue -c "$CONF" -j | jq -r .queue_id | sort; }

remember_queue() { all_ids >"$BEFORE_IDS"; }

cleanup_queue() {
    local f
    for f in "${CRAFTED[@]}"; do rm -f "$f"; done
    all_ids | comm -13 "$BEFORE_IDS" - | postsuper -c "$CONF" -d - >/dev/null 2>&1 || true
    rm -f "$BEFORE_IDS"
}

template() {
    local ids
    # All of them, then the first: a reader that stops early would kill jq (SIGPIPE, pipefail).
    ids=$(postqueue -c "$CONF" -j |
        jq -r --arg r "$1" 'select(.queue_name == "hold" and .recipients[0].address == $r) |
                            .queue_id' | grep -vxFf "$BEFORE_IDS")
    echo "$QDIR/hold/${ids%%$'\n'*}"
}

SEQ=0
craft() {
    local src=$1 queue=$2 age=$3 id=${4:-} dir path when
    SEQ=$((SEQ + 1))
    [ -n "$id" ] || id=$(printf 'F%04X%05X' $$ $SEQ | cut -c1-11)
    dir=$QDIR/$queue
    [ "$queue" = deferred ] && dir=$dir/${id:0:1}
    mkdir -p "$dir" && chown postfix: "$dir" && chmod 700 "$dir"
    path=$dir/$id
    when=$(($(date +%s) - age))
    # The T record: 'T', one length byte, "seconds usec"; same number of digits.
    perl -0777 -pe "s/T(.)\\d{10} /T\${1}$when /s" "$src" >"$path"
    chown postfix: "$path"
    chmod 700 "$path"
    [ "$queue" = deferred ] && touch -d '+1 day' "$path"
    CRAFTED+=("$path")
    echo "$path"
}

corrupt_copy() {
    local path=$1 edit=$2 src=$3
    perl -0777 -pe "$edit" "$src" >"$path"
    chown postfix: "$path"
    chmod 700 "$path"
    CRAFTED+=("$path")
}

perf() {
    # The first line only, without a pipe from printf: under pipefail, head leaving early
    # would kill printf (SIGPIPE) on a long -v output and stop the test without a word.
    tr ' ' '\n' <<<"${OUT%%$'\n'*}" | sed -n "s/^$1=\([0-9.]*\).*/\1/p"
}

count() {
    postqueue -c "$CONF" -j | jq -s "map(select(.queue_name == \"$1\")) | ${2:-length}"
}

sorted_lines() { printf '%s\n' "$1" | LC_ALL=C sort; }

remember_queue
trap cleanup_queue EXIT
