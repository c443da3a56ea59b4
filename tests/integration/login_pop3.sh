#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# login_pop3.sh - check_pop3_login against the stack's Dovecot: STLS, POP3S and plain logins,
# SASL and USER/PASS, a wrong password, STAT with thresholds and --fetch (TOP) on a message this
# test puts into bob's maildrop and removes again.
set -euo pipefail
. "$(dirname "$0")/lib/login.bash"

P=$PP_BUILD_DIR/plugins/check_pop3_login
H=127.0.0.1
CA=(--cafile "$PP_CA_CERT")
BOB=(--authfile "$PP_BOB_AUTHFILE")
TOKEN=pp-pop3-$$

cleanup_msg() {
    box_expunge "$PP_BOB_USER" header Subject "$TOKEN" 2>/dev/null || true
    cleanup_login
}
trap cleanup_msg EXIT

# ---- good logins ----
run "$P" -H $H -p "$PP_POP3_PORT" -S "${BOB[@]}" "${CA[@]}" -v
check "POP3 STLS + AUTH" all_of "rc_is 0" \
    'first_has "POP3 OK - bob@postprobe.test logged in (STLS, AUTH SCRAM-SHA-256) in "' \
    'perf_has messages' 'perf_has size' 'perf_has tls' 'perf_has auth' \
    'out_has "capabilities: CAPA, TOP"'

run "$P" -H $H -p "$PP_POP3S_PORT" -s "${BOB[@]}" "${CA[@]}"
check "POP3S" all_of "rc_is 0" 'first_has "logged in (TLS, AUTH SCRAM-SHA-256)"'

run "$P" -H ::1 -6 -p "$PP_POP3S_PORT" -s "${BOB[@]}" "${CA[@]}"
check "POP3S over IPv6" rc_is 0

run "$P" -H $H -p "$PP_POP3S_PORT" -s -A +USER "${BOB[@]}" "${CA[@]}" -vvv
check "USER/PASS, redacted in the transcript" all_of "rc_is 0" \
    'first_has "(TLS, AUTH USER/PASS)"' 'out_has "C: PASS ***"' 'out_has "C: USER bob@postprobe.test"' \
    "! out_has \"$PP_BOB_PASSWORD\""

run "$P" -H $H -p "$PP_POP3_PORT" "${BOB[@]}"
check "no TLS, no --allow-plaintext: no login" all_of "rc_is 3" \
    "first_has \"POP3 UNKNOWN - $H offers STLS, which this check was not told to use\""
run "$P" -H $H -p "$PP_POP3_PORT" --allow-plaintext "${BOB[@]}"
check "plain POP3 on loopback with --allow-plaintext: SCRAM" all_of "rc_is 0" \
    'first_has "(no TLS, AUTH SCRAM-SHA-256)"'

# ---- failures ----
run "$P" -H $H -p "$PP_POP3S_PORT" -s -U "$PP_BOB_USER" -P not-bobs-password "${CA[@]}"
check "wrong password" all_of "rc_is 2" \
    'first_has "POP3 CRITICAL - AUTH SCRAM-SHA-256 rejected for bob@postprobe.test: -ERR [AUTH] Authentication failed."' \
    '! out_has not-bobs-password'
run "$P" -H $H -p "$PP_POP3S_PORT" -s -U "$PP_BOB_USER" -P not-bobs-password -A +USER "${CA[@]}"
check "wrong password with USER/PASS" all_of "rc_is 2" \
    'first_has "AUTH USER/PASS rejected for bob@postprobe.test: -ERR"'
run "$P" -H $H -p "$PP_POP3S_PORT" -s -A +APOP "${BOB[@]}" "${CA[@]}"
check "APOP where the server has none" all_of "rc_is 2" \
    'first_has "no usable AUTH mechanism for +APOP (no timestamp in the greeting; server offers PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256)"'

# ---- STAT, thresholds, TOP ----
mkdir_vmail() { [ -d "$1" ] || install -d -m 700 -o vmail -g vmail "$1"; }
for d in "$(dirname "$PP_BOB_MAILDIR")" "$PP_BOB_MAILDIR" "$PP_BOB_MAILDIR"/{new,cur,tmp}; do
    mkdir_vmail "$d"
done
run "$P" -H $H -p "$PP_POP3S_PORT" -s "${BOB[@]}" "${CA[@]}"
BEFORE=$(sed -n 's/.* messages=\([0-9]*\);.*/\1/p' <<<"$OUT")
printf 'From: test@postprobe.test\r\nSubject: %s\r\nMessage-ID: <%s@postprobe.test>\r\n\r\nbody\r\n' \
    "$TOKEN" "$TOKEN" >"$PP_BOB_MAILDIR/new/1000000003.$TOKEN"
chown vmail:vmail "$PP_BOB_MAILDIR/new/1000000003.$TOKEN"
NOW=$((BEFORE + 1))

run "$P" -H $H -p "$PP_POP3S_PORT" -s "${BOB[@]}" "${CA[@]}" --fetch
check "STAT counts the new message, TOP reads its header" all_of "rc_is 0" \
    "first_has \", $NOW messages, \"" "out_has \"messages=$NOW;;;0\"" \
    "out_has \"[OK] header of message $NOW (\"" 'perf_has fetch'
run "$P" -H $H -p "$PP_POP3S_PORT" -s "${BOB[@]}" "${CA[@]}" --messages ,$BEFORE
check "--messages critical" all_of "rc_is 2" "first_has \"POP3 CRITICAL - messages: $NOW\""

finish
