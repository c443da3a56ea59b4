# SPDX-License-Identifier: GPL-3.0-or-later
# common.bash - the head every integration test shares (sourced first: by the script itself,
# or by its area's lib, which sources it). Sourcing it again does nothing.
#
#   the stack's settings       $PP_STACK_DIR/stack.env (default /tmp/postprobe-stack)
#   the assertions             lib/expect.bash: run, check, finish, ...
#   PP_SOURCE_DIR              the source tree, when ctest did not say (run by hand)
#   on_exit CMD                runs CMD at exit (in reverse order of adding); a script that
#                              sets its own EXIT trap gives this up
#   live_save FILE...          the running stack's main.cf and these files of its config
#                              directory are saved now, restored (and Postfix reloaded) at exit
#   live_reload                postfix reload of the running stack (its files dated back first:
#                              Postfix waits for a main.cf written in the last seconds)
#   SPARE                      127.0.0.1:$PP_SPARE_PORT, the port the stack keeps free
#   spare_service COMMAND [PARAM=VALUE...]
#                              a master.cf service on SPARE ("inet n - n - 1 COMMAND") with
#                              these -o settings (postconf -P: no blanks in a VALUE), added to
#                              the running stack until exit (live_save master.cf); returns
#                              when Postfix listens there
#   live_services 'NAME/TYPE=LINE'...  more master.cf entries (postconf -M), likewise
#   box_expunge USER [QUERY...]  USER's INBOX messages that match the doveadm search QUERY
#                              (default all; "savedsince EPOCH": those a test delivered)
#                              expunged through Dovecot. Never delete a maildir's files behind
#                              Dovecot's back: its index then counts them a while longer, and
#                              the next test's POP3 or IMAP session sees messages vanish.
[ -z "${PP_COMMON_SOURCED:-}" ] || return 0
PP_COMMON_SOURCED=1
# shellcheck disable=SC1091
. "${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env"
PP_SOURCE_DIR=${PP_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
# shellcheck source=lib/expect.bash
. "$(dirname "${BASH_SOURCE[0]}")/expect.bash"

# A script that set -e stops says where and why, instead of ending without a word.
pp_stopped() {
    [[ $- == *e* ]] || return 0
    printf 'FAIL %s stopped at line %s: %s (exit %s)\n' "$(basename "$0")" "$2" "$3" "$1"
}
trap 'pp_stopped $? $LINENO "$BASH_COMMAND"' ERR

PP_EXIT=()
pp_on_exit() {
    local i
    for ((i = ${#PP_EXIT[@]} - 1; i >= 0; i--)); do eval "${PP_EXIT[$i]}" || true; done
}
trap pp_on_exit EXIT
on_exit() { PP_EXIT+=("$1"); }

box_expunge() {
    local user=$1
    shift
    [ $# -gt 0 ] || set -- all
    doveadm -c "$PP_DOVECOT_CONFIG" expunge -u "$user" mailbox INBOX "$@"
}

live_reload() {
    touch -d '-1 minute' "$PP_POSTFIX_CONFIG_DIR"/*
    postfix -c "$PP_POSTFIX_CONFIG_DIR" reload >/dev/null 2>&1
    sleep 0.5
}

SPARE=127.0.0.1:$PP_SPARE_PORT

live_services() {
    [ -n "${PP_MASTER_SAVED:-}" ] || live_save master.cf
    PP_MASTER_SAVED=1
    postconf -c "$PP_POSTFIX_CONFIG_DIR" -M "$@"
}

spare_service() {
    local cmd=$1 o i
    shift
    live_services "$SPARE/inet=$SPARE inet n - n - 1 $cmd"
    for o in "$@"; do postconf -c "$PP_POSTFIX_CONFIG_DIR" -P "$SPARE/inet/$o"; done
    live_reload
    for i in $(seq 100); do
        [ -z "$(ss -Hlnt "sport = :$PP_SPARE_PORT")" ] || return 0
        sleep 0.1
    done
    echo "spare_service: Postfix does not listen on $SPARE after 10 s"
    return 1
}

live_save() {
    local f save
    save=$(mktemp -d "/tmp/$(basename "$0" .sh).live.XXXXXX")
    for f in main.cf "$@"; do cp -p "$PP_POSTFIX_CONFIG_DIR/$f" "$save/"; done
    on_exit "cp -p '$save'/* '$PP_POSTFIX_CONFIG_DIR/'; live_reload; rm -rf '$save'"
}
