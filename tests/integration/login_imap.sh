#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# login_imap.sh - check_imap_login against the stack's Dovecot: STARTTLS, IMAPS and plain
# logins, IPv6, AUTHENTICATE and the LOGIN command, a wrong password, a missing mailbox, and
# messages/unseen counts with thresholds and --fetch on a folder of bob's that this test fills
# and removes (BODY.PEEK: the newest message must stay unseen).
set -euo pipefail
. "$(dirname "$0")/lib/login.bash"

P=$PP_BUILD_DIR/plugins/check_imap_login
H=127.0.0.1
CA=(--cafile "$PP_CA_CERT")
BOB=(--authfile "$PP_BOB_AUTHFILE")

# A Maildir++ folder of bob's with one seen and one unseen message.
FOLDER=pp-login-test-$$
FDIR=$PP_BOB_MAILDIR/.$FOLDER
cleanup_folder() { rm -rf "$FDIR"; cleanup_login; }
trap cleanup_folder EXIT
for d in "$(dirname "$PP_BOB_MAILDIR")" "$PP_BOB_MAILDIR" "$PP_BOB_MAILDIR"/{new,cur,tmp} \
    "$FDIR" "$FDIR"/{new,cur,tmp}; do
    [ -d "$d" ] || install -d -m 700 -o vmail -g vmail "$d"
done
message() {
    printf 'From: test@postprobe.test\r\nTo: bob@postprobe.test\r\nSubject: %s\r\n'\
'Date: %s\r\nMessage-ID: <%s@postprobe.test>\r\n\r\nbody of %s\r\n' "$1" "$(date -R)" "$1-$$" "$1"
}
message seen >"$FDIR/cur/1000000001.pp$$.seen:2,S"
message unseen >"$FDIR/new/1000000002.pp$$.unseen"
chown vmail:vmail "$FDIR"/cur/* "$FDIR"/new/*

# ---- good logins ----
run "$P" -H $H -p "$PP_IMAP_PORT" -S "${BOB[@]}" "${CA[@]}" -v
check "IMAP STARTTLS + AUTHENTICATE" all_of "rc_is 0" \
    'first_has "IMAP OK - bob@postprobe.test logged in (STARTTLS, AUTH SCRAM-SHA-256) in "' \
    'first_has ", INBOX: "' 'perf_has messages' 'perf_has unseen' 'perf_has mailboxes' \
    'perf_has tls' 'perf_has auth' 'out_has "capabilities: IMAP4rev1"'

run "$P" -H $H -p "$PP_IMAPS_PORT" -s "${BOB[@]}" "${CA[@]}"
check "IMAPS" all_of "rc_is 0" 'first_has "logged in (TLS, AUTH SCRAM-SHA-256)"'

run "$P" -H ::1 -6 -p "$PP_IMAPS_PORT" -s "${BOB[@]}" "${CA[@]}"
check "IMAPS over IPv6" rc_is 0

run "$P" -H $H -p "$PP_IMAP_PORT" "${BOB[@]}"
check "no TLS, no --allow-plaintext: no login, and the STARTTLS offer named" all_of "rc_is 3" \
    "first_has \"IMAP UNKNOWN - $H offers STARTTLS, which this check was not told to use: refusing to send credentials in the clear (--allow-plaintext to allow)\""
run "$P" -H $H -p "$PP_IMAP_PORT" --allow-plaintext "${BOB[@]}"
check "plain IMAP on loopback with --allow-plaintext: SCRAM" all_of "rc_is 0" \
    'first_has "logged in (no TLS, AUTH SCRAM-SHA-256)"'

run "$P" -H $H -p "$PP_IMAPS_PORT" -s -A +LOGIN "${BOB[@]}" "${CA[@]}" -vvv
check "the LOGIN command, redacted in the transcript" all_of "rc_is 0" \
    'first_has "(TLS, AUTH LOGIN command)"' 'out_has "C: pp1 LOGIN ***"' \
    "! out_has \"$PP_BOB_PASSWORD\""

run "$P" -H $H -p "$PP_IMAP_PORT" -S "${CA[@]}"
check "no user: greeting and STARTTLS only" all_of "rc_is 0" 'first_has "connected (STARTTLS)"' \
    '! perf_has auth'

# ---- failures ----
run "$P" -H $H -p "$PP_IMAPS_PORT" -s -U "$PP_BOB_USER" -P not-bobs-password "${CA[@]}"
check "wrong password" all_of "rc_is 2" \
    'first_has "IMAP CRITICAL - AUTH SCRAM-SHA-256 rejected for bob@postprobe.test: "' \
    'first_has "AUTHENTICATIONFAILED"' '! out_has not-bobs-password'

run "$P" -H $H -p "$PP_IMAPS_PORT" -s -U "$PP_BOB_USER" -P not-bobs-password -A +LOGIN "${CA[@]}"
check "wrong password with LOGIN" all_of "rc_is 2" \
    'first_has "AUTH LOGIN command rejected for bob@postprobe.test: pp1 NO"'

run "$P" -H $H -p "$PP_IMAPS_PORT" -s "${BOB[@]}" "${CA[@]}" -m no-such-folder
check "a missing mailbox" all_of "rc_is 2" \
    'first_has "STATUS \"no-such-folder\" (UNSEEN) failed: "' \
    'first_has " NO Mailbox doesn'"'"'t exist: no-such-folder"'

run "$P" -H $H -p "$PP_IMAPS_PORT" -s "${BOB[@]}" "${CA[@]}" -m 'bad"name'
check "a mailbox name with a quote is sent quoted" all_of "rc_is 2" \
    'first_has "Mailbox doesn'"'"'t exist: bad\"name"'
run "$P" -H $H -p "$PP_IMAPS_PORT" -s "${BOB[@]}" -m $'bad\x01name'
check "a mailbox name with a control character" all_of "rc_is 3" 'first_has "--mailbox:"'

# ---- counts, thresholds, --fetch ----
run "$P" -H $H -p "$PP_IMAPS_PORT" -s "${BOB[@]}" "${CA[@]}" -m "$FOLDER"
check "messages and unseen in a folder" all_of "rc_is 0" \
    "first_has \"$FOLDER: 2 messages, 1 unseen\"" 'out_has "messages=2;;;0"' \
    'out_has "unseen=1;;;0"'

run "$P" -H $H -p "$PP_IMAPS_PORT" -s "${BOB[@]}" "${CA[@]}" -m "$FOLDER" --messages 1,5
check "--messages warning" all_of "rc_is 1" 'first_has "IMAP WARNING - messages: 2"' \
    'out_has "messages=2;1;5;0"'
run "$P" -H $H -p "$PP_IMAPS_PORT" -s "${BOB[@]}" "${CA[@]}" -m "$FOLDER" --unseen ,0
check "--unseen critical" all_of "rc_is 2" 'first_has "IMAP CRITICAL - unseen messages: 1"'

run "$P" -H $H -p "$PP_IMAPS_PORT" -s "${BOB[@]}" "${CA[@]}" -m "$FOLDER" --fetch
check "--fetch reads the newest message" all_of "rc_is 0" \
    'out_has "[OK] newest message (UID 2, "' 'out_has " bytes) read in "' 'perf_has fetch'
run "$P" -H $H -p "$PP_IMAPS_PORT" -s "${BOB[@]}" "${CA[@]}" -m "$FOLDER"
check "... and leaves it unseen" all_of "rc_is 0" 'out_has "unseen=1;;;0"'

finish
