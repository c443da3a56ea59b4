#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bad_input.sh - every plugin and contrib tool given bad input: unknown options, empty and
# absurd values of the shared options, a stray argument, unreadable files (as nobody:
# authfiles, the verify cache, the queue, a certificate file), an authfile others may read,
# and config directories that are not Postfix's (empty, /etc, a plain file, missing). Each
# must end at once with exit 3 and one UNKNOWN line, and write nothing (the working
# directory and the empty config directory stay empty). bad_values.sh does every option.
set -euo pipefail
. "$(dirname "$0")/lib/common.bash"

work=$(mktemp -d)
empty=$(mktemp -d)
plain=$(mktemp)
loose=$(mktemp)
trap 'rm -rf "$work" "$empty" "$plain" "$loose"' EXIT
printf 'user = a\npassword = b\n' >"$loose"
chmod 644 "$loose"
chmod 755 "$work" # nobody runs there too
cd "$work"
TOOLS=("$PP_BUILD_DIR"/plugins/check_* "$PP_BUILD_DIR"/contrib/{pfqueue,verify-dump,pftrace})
CONF=$PP_POSTFIX_CONFIG_DIR

# one_unknown NAME: the last run gave exit 3 and exactly one "SERVICE UNKNOWN - " line.
one_unknown() {
    check "$1" all_of "rc_is 3" stderr_empty '[[ $OUT != *$'"'"'\n'"'"'* ]]' \
        '[[ $OUT =~ ^[A-Z0-9_-]+\ UNKNOWN\ -\ . ]]' "faster_than 3"
}

for t in "${TOOLS[@]}"; do
    n=${t##*/}
    for args in "--no-such-option" "-t=" "-t 0" "-t -1" "-t 1e308" "-t 5:maybe" "--format=xml" \
        "-C $empty" "-C /etc" "-C $plain" "-C /nonexistent" "--authfile=/nonexistent" \
        "--authfile=/tmp" "--authfile=$loose" "-H 127.0.0.1 -p 1 stray-argument" "-w abc" \
        "-c 1e300" "-p 0" "-p 65536" "-H="; do
        if [ "$args" = "-t=" ] || [ "$args" = "-H=" ]; then
            run "$t" "${args%=}" ""
        else
            # shellcheck disable=SC2086
            run "$t" $args
        fi
        one_unknown "$n $args"
    done
done

# A login mechanism the plugin does not speak (or not for its protocol) is refused when the
# options are read: port 1 is closed, so a connection attempt would give CRITICAL "refused".
P=$PP_BUILD_DIR/plugins
for c in "check_smtp_login -A NTLM" "check_smtp_login -A +LOGIN" "check_imap_login -A +USER" \
    "check_pop3_login -A GSSAPI" "check_mail_roundtrip -A +APOP --from a@b --to a@b" \
    "check_mail_roundtrip --imap-authtype +USER --from a@b --to a@b" \
    "check_smtp_av -A XOAUTH2 --from a@b --to a@b"; do
    # shellcheck disable=SC2086
    run "$P"/$c -H 127.0.0.1 -p 1 -U alice -P secret
    one_unknown "$c"
    check "$c: names the mechanism" out_has "not a mechanism this plugin speaks"
done

# Unreadable files, as an unprivileged user.
NB=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
P=$PP_BUILD_DIR/plugins
run "${NB[@]}" "$P/check_smtp_login" -H 127.0.0.1 -p "$PP_SUBMISSION_PORT" --authfile "$PP_ALICE_AUTHFILE"
one_unknown "check_smtp_login, authfile unreadable"
check "check_smtp_login, authfile unreadable: why" out_has "cannot open authfile $PP_ALICE_AUTHFILE: Permission denied"
run "${NB[@]}" "$P/check_snmp_extend" -H 127.0.0.1 -p "$PP_SNMP_PORT" -P 3 --authfile "$PP_ALICE_AUTHFILE" -n pp_ok
one_unknown "check_snmp_extend, authfile unreadable"
run "${NB[@]}" "$P/check_tls_cert" --file "$PP_CA_KEY"
one_unknown "check_tls_cert --file unreadable"
check "check_tls_cert --file unreadable: why" out_has "cannot read $PP_CA_KEY: Permission denied"
if [ -e "$PP_VERIFY_CACHE" ]; then
    run "${NB[@]}" "$P/check_postfix_verify" -C "$CONF"
    one_unknown "check_postfix_verify, cache unreadable"
    check "check_postfix_verify, cache unreadable: why" out_has "Permission denied (run as root"
    run "${NB[@]}" "$PP_BUILD_DIR/contrib/verify-dump" -C "$CONF"
    one_unknown "verify-dump, cache unreadable"
fi
run "${NB[@]}" "$P/check_postfix_queue" -C "$CONF"
one_unknown "check_postfix_queue, queue unreadable"
check "check_postfix_queue, queue unreadable: why" out_has "Permission denied"

check "nothing written in the working directory" [ -z "$(ls -A "$work")" ]
check "nothing written in the empty config directory" [ -z "$(ls -A "$empty")" ]
finish
