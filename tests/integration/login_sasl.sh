#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# login_sasl.sh - every SASL mechanism the login checks speak (PLAIN, LOGIN, CRAM-MD5,
# SCRAM-SHA-1, SCRAM-SHA-256) against the stack's real Postfix (submission, SASL through
# Dovecot) and Dovecot (IMAP, POP3), and a wrong password refused under each.
set -euo pipefail
. "$(dirname "$0")/lib/login.bash"

P=$PP_BUILD_DIR/plugins
CA=(--cafile "$PP_CA_CERT")
BAD=$WORK/bad.auth
printf 'user = %s\npassword = not-%s\n' "$PP_ALICE_USER" "$PP_ALICE_PASSWORD" >"$BAD"
chmod 600 "$BAD"

# proto plugin port tls-flag
servers=("SMTP check_smtp_login $PP_SUBMISSION_PORT -S" "IMAP check_imap_login $PP_IMAPS_PORT -s"
         "POP3 check_pop3_login $PP_POP3_PORT -S")
for s in "${servers[@]}"; do
    read -r proto plugin port tls <<<"$s"
    for mech in PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256; do
        run "$P/$plugin" -H 127.0.0.1 -p "$port" "$tls" -A "$mech" --authfile "$PP_ALICE_AUTHFILE" \
            "${CA[@]}"
        check "$proto $mech" all_of "rc_is 0" "first_has \"$proto OK - $PP_ALICE_USER logged in\"" \
            "first_has \"AUTH $mech)\"" 'perf_has auth'
        run "$P/$plugin" -H 127.0.0.1 -p "$port" "$tls" -A "$mech" --authfile "$BAD" "${CA[@]}"
        check "$proto $mech wrong password" all_of "rc_is 2" \
            "first_has \"$proto CRITICAL - AUTH $mech rejected for $PP_ALICE_USER\"" \
            "! out_has \"not-$PP_ALICE_PASSWORD\""
    done
done
finish
