# SPDX-License-Identifier: GPL-3.0-or-later
# relay_mx.bash - for the relay_mx_*.sh tests of check_relay_mx (sourced; sources
# common.bash).
#
#   P                          the plugin
#   S                          the stack's nsd as a -s argument (127.0.0.1:PORT)
#   (on_exit, live_save, live_reload: lib/common.bash)
#   Z R                        the test zone, the relay domain the stack's Postfix relays
#   SMTP4 SMTP6 SMTPD          the stack's port-25 smtpd services as the audit names them
#                              (SMTPD: both, as one line names them)
#   scratch_config             makes $T, a directory removed on exit
#   variant SETTING...         $T becomes a copy of the stack's config directory with these
#                              main.cf settings (postconf -e); the running instance is never
#                              changed
#   override SVC/TYPE/NAME=V...  master.cf -o overrides in $T (postconf -P; no blanks in V)
#   smtpd_rcpt ADDRESS         the stack's own referee: the reply of its port-25 smtpd to
#                              RCPT TO:<ADDRESS> (from loopback, MAIL FROM probe@$Z), "250 ..."
#                              or "550 ..."; "none" when it gave none
# shellcheck disable=SC2034 # the variables are for the scripts that source this
# shellcheck source=lib/common.bash
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
P=$PP_BUILD_DIR/plugins/check_relay_mx
S=127.0.0.1:$PP_DNS_PORT
Z=$PP_DNS_ZONE
R=$PP_RELAY_DOMAIN
SMTP4="127.0.0.1:$PP_SMTP_PORT/inet"
SMTP6="[::1]:$PP_SMTP_PORT/inet"
SMTPD="$SMTP4, $SMTP6"

scratch_config() {
    T=$(mktemp -d "/tmp/$(basename "$0" .sh).XXXXXX")
    on_exit 'rm -rf "$T"'
}

# Postfix waits until a configuration file is a second old before it reads it: date the
# copies back so that each run does not wait.
age_config() { touch -d '-5 sec' "$T/main.cf" "$T/master.cf"; }

variant() {
    rm -rf "${T:?}"/*
    cp -a "$PP_POSTFIX_CONFIG_DIR"/. "$T"/
    sed -i '/^config_directory/d' "$T/main.cf"
    [ $# -eq 0 ] || postconf -c "$T" -e "$@"
    age_config
}

override() {
    postconf -c "$T" -P "$@"
    age_config
}

smtpd_rcpt() {
    local reply
    reply=$(timeout 20 swaks --server "127.0.0.1:$PP_SMTP_PORT" --from "probe@$Z" --to "$1" \
        --quit-after RCPT 2>&1 | awk '/ -> RCPT TO:/ { r = 1; next }
        r && /^ *<[-*~]* +[0-9][0-9][0-9]/ { sub(/^ *<[-*~]* +/, ""); print; exit }')
    echo "${reply:-none}"
}
