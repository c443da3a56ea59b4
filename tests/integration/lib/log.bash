# SPDX-License-Identifier: GPL-3.0-or-later
# log.bash - helpers of the check_postfix_log tests (sourced): mail that makes each kind of
# log line, waiting for the log to show it, and reading counts out of the plugin's perfdata
# and pflogsumm's Grand Totals.
#
#   LOGCHECK                   the built plugin
#   send_to RCPT [PORT]        one message over SMTP (default the stack's port 25 listener)
#   send_subject RCPT SUBJECT  one message with that Subject: (header_checks)
#   sasl_failure               a wrong password on the submission port
#   bounce_via_pickup RCPT     sendmail -> pickup -> smtp to the sink, whose 550 bounces it
#   wait_lines PATTERN N FILE... waits (up to 30 s) until FILEs hold N lines matching PATTERN
#   perf NAME                  the value of NAME in the perfdata of $OUT
#   pflogsumm_total WHAT FILE  a Grand Totals count ("received", "deferrals", ...)
#   need_postfix_resolver      exits 77 (ctest: skipped) saying why when the stack's Postfix
#                              has no resolver of its own (tests/env/README.md)
#   scratch_state              $tmp, a directory removed at exit; pc ARGS... runs the plugin
#                              on the stack's log with the state file $tmp/pos
# shellcheck source=lib/common.bash
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
LOGCHECK=$PP_BUILD_DIR/plugins/check_postfix_log

send_to() {
    swaks --server "127.0.0.1:${2:-$PP_SMTP_PORT}" --to "$1" --from "logtest@$PP_DOMAIN" \
        --silent 2 >/dev/null 2>&1 || true
}

# send_subject RCPT SUBJECT: one message with that Subject: header.
send_subject() {
    swaks --server "127.0.0.1:$PP_SMTP_PORT" --to "$1" --from "logtest@$PP_DOMAIN" \
        --header "Subject: $2" --silent 2 >/dev/null 2>&1 || true
}

sasl_failure() {
    swaks --server "127.0.0.1:$PP_SUBMISSION_PORT" -tls --auth LOGIN --auth-user "$PP_ALICE_USER" \
        --auth-password wrong-password --to "$PP_ALICE_USER" --silent 2 >/dev/null 2>&1 || true
}

bounce_via_pickup() {
    printf 'Subject: bounce test\n\nx\n' |
        sendmail -C "$PP_POSTFIX_CONFIG_DIR" -f "logtest@$PP_DOMAIN" "$1"
}

wait_lines() {
    local pat=$1 n=$2 i
    shift 2
    for i in $(seq 300); do
        [ "$(cat "$@" 2>/dev/null | grep -c -- "$pat")" -ge "$n" ] && return 0
        sleep 0.1
    done
    echo "wait_lines: fewer than $n lines matching '$pat' after 30 s"
    return 1
}

# No pipe: head leaving early would kill the writer with SIGPIPE under pipefail (exit 141).
perf() {
    local first=${OUT%%$'\n'*} re="[ |]$1=([0-9.]*)"
    [[ $first =~ $re ]] && printf '%s\n' "${BASH_REMATCH[1]}" || echo
}

# The first Grand Totals figure named $1; every reader reads to the end (no SIGPIPE).
pflogsumm_total() {
    pflogsumm --syslog-name=postfix-pp "$2" 2>/dev/null |
        sed -n '/^Grand Totals/,/bytes received/p' |
        awk -v w="$1" 'found { next }
                       $2 == w { v = $1; found = 1 }
                       w == "deferrals" && $2 == "deferred" {
                           d = $3; gsub(/[^0-9]/, "", d); v = (d == "" ? 0 : d); found = 1 }
                       END { print v }'
}

need_postfix_resolver() {
    [ -z "${PP_POSTFIX_RESOLVER:-}" ] || return 0
    echo "SKIP $(basename "$0" .sh): the stack's Postfix has no resolver of its own:" \
        "${PP_POSTFIX_RESOLVER_WHY:-stack.env does not say why}"
    exit 77
}

scratch_state() {
    tmp=$(mktemp -d)
    on_exit "rm -rf '$tmp'"
}
pc() { "$LOGCHECK" -C "$PP_POSTFIX_CONFIG_DIR" --state-file "$tmp/pos" "$@"; }
