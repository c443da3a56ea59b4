#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# login_smtp.sh - check_smtp_login against the stack's Postfix: logins over STARTTLS
# (submission), implicit TLS (smtps) and plain smtpd, IPv6, mechanisms, a wrong password, AUTH
# not offered before STARTTLS, certificate trust and names, RCPT TO replies (relay closed),
# banner expectations, thresholds, option errors, and that no secret is ever shown.
set -euo pipefail
. "$(dirname "$0")/lib/hostile.bash"
. "$(dirname "$0")/lib/login.bash"

P=$PP_BUILD_DIR/plugins/check_smtp_login
H=127.0.0.1
CA=(--cafile "$PP_CA_CERT")
ALICE=(--authfile "$PP_ALICE_AUTHFILE")

# ---- good logins over each transport ----
run "$P" -H $H -p "$PP_SUBMISSION_PORT" -S "${ALICE[@]}" "${CA[@]}"
check "submission: STARTTLS + AUTH" all_of "rc_is 0" \
    'first_has "SMTP OK - alice@postprobe.test logged in (STARTTLS, AUTH SCRAM-SHA-256) in "' \
    'perf_has dns' 'perf_has connect' 'perf_has tls' 'perf_has banner' 'perf_has auth' \
    'perf_has total' 'out_has "[OK] STARTTLS: TLSv1."'

run env POSTPROBE_USER="$PP_ALICE_USER" POSTPROBE_PASSWORD="$PP_ALICE_PASSWORD" \
    "$P" -H $H -p "$PP_SMTPS_PORT" -s "${CA[@]}"
check "smtps: implicit TLS, credentials from the environment" all_of "rc_is 0" \
    'first_has "logged in (TLS, AUTH PLAIN)"' 'out_has "[OK] implicit TLS: TLSv1."'

run "$P" -H $H -p "$PP_SMTP_PORT" -v
check "smtpd: plain, no login" all_of "rc_is 0" 'first_has "SMTP OK - connected (no TLS) in "' \
    'out_has "capabilities: PIPELINING"' 'out_has "STARTTLS"'

run "$P" -H ::1 -p "$PP_SMTP_PORT" -6 -S "${CA[@]}"
check "smtpd over IPv6 with STARTTLS" all_of "rc_is 0" 'first_has "connected (STARTTLS)"'

run "$P" -H $H -p "$PP_SUBMISSION_PORT" -S -A LOGIN "${ALICE[@]}" "${CA[@]}"
check "AUTH LOGIN asked for" all_of "rc_is 0" 'first_has "(STARTTLS, AUTH LOGIN)"'

run "$P" -H $H -p "$PP_SMTPS_PORT" -s -A CRAM-MD5 "${ALICE[@]}" "${CA[@]}"
check "a mechanism the server lacks" all_of "rc_is 2" \
    'first_has "no usable AUTH mechanism for CRAM-MD5 (server offers PLAIN LOGIN)"'

# ---- failures ----
run "$P" -H $H -p "$PP_SUBMISSION_PORT" -S -U "$PP_ALICE_USER" -P wrong-pw-4711 "${CA[@]}"
check "wrong password: the server's reply" all_of "rc_is 2" \
    'first_has "SMTP CRITICAL - AUTH SCRAM-SHA-256 rejected for alice@postprobe.test: 535 5.7.8"' \
    '! out_has wrong-pw-4711'

run "$P" -H $H -p "$PP_SUBMISSION_PORT" "${ALICE[@]}"
check "STARTTLS offered but not used: no credential sent, UNKNOWN" all_of "rc_is 3" \
    'first_has "$H offers STARTTLS, which this check was not told to use: refusing to send credentials in the clear"'
run "$P" -H $H -p "$PP_SUBMISSION_PORT" --allow-plaintext "${ALICE[@]}"
check "no AUTH before STARTTLS" all_of "rc_is 2" \
    'first_has "server offers no AUTH before STARTTLS (use -S)"'

run "$P" -H $H -p "$PP_SUBMISSION_PORT" -S "${ALICE[@]}"
check "untrusted certificate" all_of "rc_is 2" \
    'first_has "certificate verification failed: self-signed certificate in certificate chain (see --cafile, --sni, --insecure)"'

run "$P" -H $H -p "$PP_SUBMISSION_PORT" -S --insecure "${ALICE[@]}"
check "--insecure" all_of "rc_is 0" 'out_has "(certificate not verified)"'

run "$P" -H $H -p "$PP_SUBMISSION_PORT" -S --sni wrong.example "${ALICE[@]}" "${CA[@]}"
check "--sni with a name the certificate lacks" all_of "rc_is 2" \
    'first_has "certificate verification failed: hostname mismatch (the certificate is not for wrong.example)"'

run "$P" -H $H -p "$PP_SUBMISSION_PORT" -S --sni mail.postprobe.test "${ALICE[@]}" "${CA[@]}"
check "--sni with the certificate's name" rc_is 0

PORT=$(free_port 1)
run "$P" -H $H -p "$PORT" -t 10
check "connection refused" all_of "rc_is 2" \
    "first_has \"SMTP CRITICAL - connection to 127.0.0.1 port $PORT refused\"" "at_once_of 10"

# ---- RCPT TO (never DATA) ----
run "$P" -H $H -p "$PP_SUBMISSION_PORT" -S "${CA[@]}" --rcpt someone@example.com --expect-rcpt 554
check "relay closed without AUTH: 554 expected" all_of "rc_is 0" \
    'first_has "RCPT TO:<someone@example.com> 554 as expected"' 'out_has "Access denied"'

run "$P" -H $H -p "$PP_SMTP_PORT" --rcpt alice@postprobe.test
check "a local recipient is accepted" all_of "rc_is 0" \
    'first_has "RCPT TO:<alice@postprobe.test> 250 as expected"'

run "$P" -H $H -p "$PP_SMTP_PORT" --rcpt alice@postprobe.test --expect-rcpt 5
check "an accepted recipient where a refusal is expected" all_of "rc_is 2" \
    'first_has "RCPT TO:<alice@postprobe.test>: 250 2.1.5 Ok, expected 5xx"'

# ---- banner, thresholds ----
run "$P" -H $H -p "$PP_SMTP_PORT" -e 220 --expect-regex 'ESMTP postprobe'
check "banner as expected" rc_is 0
run "$P" -H $H -p "$PP_SMTP_PORT" -e 554
check "banner not as expected" all_of "rc_is 2" "first_has \"banner does not start with '554'\""
run "$P" -H $H -p "$PP_SMTP_PORT" --expect-regex '^220 other'
check "banner not matching the regex" all_of "rc_is 2" 'first_has "banner does not match /^220 other/"'

run "$P" -H $H -p "$PP_SUBMISSION_PORT" -S "${ALICE[@]}" "${CA[@]}" -w 0.000001
check "total over -w" all_of "rc_is 1" 'first_has "SMTP WARNING - the session took"' \
    'perf_has total' 'out_has ";0.000001;;0"'
run "$P" -H $H -p "$PP_SUBMISSION_PORT" -S "${ALICE[@]}" "${CA[@]}" -c 0.000001
check "total over -c" all_of "rc_is 2" 'first_has "SMTP CRITICAL - the session took"'
run "$P" -H $H -p "$PP_SUBMISSION_PORT" -S "${ALICE[@]}" "${CA[@]}" --auth-time 0.0000001,10 \
    --tls-time ,0.0000001
check "per-phase thresholds" all_of "rc_is 2" 'out_has "[WARNING] AUTH took"' \
    'out_has "[CRITICAL] TLS handshake took"'

# ---- secrets ----
PLAIN_B64=$(printf '\0%s\0%s' "$PP_ALICE_USER" "$PP_ALICE_PASSWORD" | base64 -w0)
run "$P" -H $H -p "$PP_SUBMISSION_PORT" -S -A PLAIN "${ALICE[@]}" "${CA[@]}" -vvv
check "-vvv transcript without secrets" all_of "rc_is 0" 'out_has "C: AUTH PLAIN ***"' \
    'out_has "S: 235 2.7.0"' "! out_has \"$PP_ALICE_PASSWORD\"" "! out_has \"$PLAIN_B64\""
run "$P" -H $H -p "$PP_SUBMISSION_PORT" -S -A LOGIN "${ALICE[@]}" "${CA[@]}" -vvv
check "-vvv transcript of AUTH LOGIN without secrets" all_of "rc_is 0" 'out_has "C: ***"' \
    "! out_has \"$(printf %s "$PP_ALICE_PASSWORD" | base64 -w0)\""

# -P is blanked in the process list while the check runs (against a silent server).
hostile_up smtp silent
"$P" -H $H -p "$HPORT" -t 2 -U someone -P hunter2-secret >/dev/null &
PID=$!
sleep 0.5
CMDLINE=$(tr '\0' ' ' <"/proc/$PID/cmdline")
wait $PID || true
check "-P blanked in /proc/PID/cmdline" eval '[[ $CMDLINE != *hunter2* && $CMDLINE == *xxxxxxx* ]]'
hostile_down

# ---- option errors ----
run "$P" -H $H -S -s
check "-S with -s" all_of "rc_is 3" 'first_has "SMTP UNKNOWN - -S (STARTTLS) and -s (implicit TLS) exclude each other"'
run "$P" -H $H -U alice
check "a user without a password" all_of "rc_is 3" 'first_has "no password for alice"'
run "$P" -p 25
check "no -H" all_of "rc_is 3" 'first_has "-H HOST is required"'
cp "$PP_ALICE_AUTHFILE" "$WORK/open.auth"
chmod 644 "$WORK/open.auth"
run "$P" -H $H --authfile "$WORK/open.auth"
check "an authfile others can read" all_of "rc_is 3" 'first_has "has mode 644"'
run "$P" -H $H --rcpt 'a>b@example.com'
check "an address with <>" all_of "rc_is 3" 'first_has "must not contain"'
run "$P" -H $H -p "$PP_SUBMISSION_PORT" -S --cafile /nonexistent/ca.pem "${ALICE[@]}"
check "unreadable --cafile" all_of "rc_is 3" 'first_has "SMTP UNKNOWN - cannot use CA file /nonexistent/ca.pem"'

finish
