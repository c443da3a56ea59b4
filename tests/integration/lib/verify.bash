# SPDX-License-Identifier: GPL-3.0-or-later
# verify.bash - address verification probes through the stack (sourced by verify_*.sh;
# sources common.bash).
#
#   PLUGIN DUMP CONF     check_postfix_verify, verify-dump, the stack's Postfix config directory
#   probe ADDR...        RCPT TO each address on the stack's smtpd (reject_unverified_recipient
#                        for the relay domain makes verify(8) probe it through the sink); no
#                        mail is sent: the session ends after RCPT
#   wait_verified MAP ADDR...
#                        waits (up to 20 s) until verify-dump shows a result (not "in
#                        progress") for every ADDR in MAP (TYPE:PATH); fails otherwise
# shellcheck disable=SC2034 # PLUGIN and CONF are for the scripts
# shellcheck source=lib/common.bash
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
PLUGIN=$PP_BUILD_DIR/plugins/check_postfix_verify
DUMP=$PP_BUILD_DIR/contrib/verify-dump
CONF=$PP_POSTFIX_CONFIG_DIR

probe() {
    local a
    for a in "$@"; do
        timeout 15 swaks --server "127.0.0.1:$PP_SMTP_PORT" --from "probe@$PP_DOMAIN" \
            --to "$a" --quit-after RCPT >/dev/null 2>&1 || true
    done
}

wait_verified() {
    local map=$1 a i done
    shift
    for ((i = 0; i < 200; i++)); do
        done=1
        for a in "$@"; do
            "$DUMP" --map "$map" --no-header --address "^$a\$" 2>/dev/null |
                grep -qvP '\tin progress\t' || done=0
        done
        [ "$done" -eq 1 ] && return 0
        sleep 0.1
    done
    echo "no verify result for $* in $map after 20 s" >&2
    return 1
}
