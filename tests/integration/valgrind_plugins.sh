#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# valgrind_plugins.sh - every plugin and contrib tool once under
# "valgrind --leak-check=full --error-exitcode=1" against the loopback stack: the exit code
# must be the plugin's own (its state), and valgrind must report no error and no leak
# (definite, indirect or possible). Skipped with a message in a sanitizer build (ASan and
# valgrind exclude each other); tests/env/install-deps.sh installs valgrind.
set -euo pipefail
. "$(dirname "$0")/lib/common.bash"

if grep -q '^POSTPROBE_SANITIZE:BOOL=ON' "$PP_BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
    echo "valgrind_plugins: skipped in a sanitizer build ($PP_BUILD_DIR)"
    exit 0
fi
if ! command -v valgrind >/dev/null; then
    echo "valgrind_plugins: skipped: valgrind is not installed (tests/env/install-deps.sh)"
    exit 0
fi

P=$PP_BUILD_DIR/plugins
C=$PP_BUILD_DIR/contrib
CONF=$PP_POSTFIX_CONFIG_DIR
LOG=$(mktemp)
since=$(date +%s)
held=$(mktemp)
cleanup() {
    # The held messages made here, and what the end-to-end checks left in alice's mailbox.
    comm -13 "$held" <(ls "$PP_POSTFIX_QUEUE_DIR/hold" | sort) |
        postsuper -c "$CONF" -d - >/dev/null 2>&1 || true
    box_expunge "$PP_ALICE_USER" savedsince "$since" || true
    rm -f "$LOG" "$held"
}
trap cleanup EXIT
sleep 1

# A verify cache to read, and a few held messages for the queue readers.
swaks --silent 2 --server "127.0.0.1:$PP_SMTP_PORT" --quit-after RCPT \
    --to "exists@$PP_RELAY_DOMAIN" >/dev/null 2>&1 || true
ls "$PP_POSTFIX_QUEUE_DIR/hold" | sort >"$held"
PP_STACK_DIR=$PP_STACK_DIR bash "$PP_SOURCE_DIR/tests/env/fill-queue.sh" 3 hold >/dev/null
for _ in $(seq 50); do [ -e "$PP_VERIFY_CACHE" ] && break; sleep 0.1; done

# vg RC NAME CMD...: CMD under valgrind exits RC with a clean valgrind report.
vg() {
    local rc=$1 name=$2
    shift 2
    run valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
        --error-exitcode=1 --log-file="$LOG" "$@"
    ERR+=$(cat "$LOG")
    check "valgrind $name" all_of "rc_is $rc" '! grep -q . "$LOG"'
}

AUTH=(--authfile "$PP_ALICE_AUTHFILE" --cafile "$PP_CA_CERT")
vg 0 check_smtp_login "$P/check_smtp_login" -t 30 -H 127.0.0.1 -p "$PP_SUBMISSION_PORT" -S "${AUTH[@]}"
vg 0 check_imap_login "$P/check_imap_login" -t 30 -H 127.0.0.1 -p "$PP_IMAPS_PORT" -s "${AUTH[@]}" --fetch
vg 0 check_pop3_login "$P/check_pop3_login" -t 30 -H 127.0.0.1 -p "$PP_POP3_PORT" -S "${AUTH[@]}" --fetch
# DANE-EE for a name the certificate lacks: OK, DANE-EE makes the name information (OpenSSL's
# DANE verification runs under valgrind too).
vg 0 check_tls_cert "$P/check_tls_cert" -t 30 -H 127.0.0.1 --hostname "mail.$PP_DANE_ZONE" \
    -p "$PP_SMTP_PORT" --starttls=smtp --cafile "$PP_CA_CERT" --dane \
    --trust-anchor "$PP_DANE_TRUST_ANCHOR" -s "127.0.0.1:$PP_DNS_PORT"
vg 2 check_relay_mx "$P/check_relay_mx" -t 30 -C "$CONF" -s "127.0.0.1:$PP_DNS_PORT" \
    -D good.postprobe.test -D nullmx.postprobe.test --probe --probe-port "$PP_SMTP_PORT" -w 2 -c 3
vg 0 check_mail_roundtrip "$P/check_mail_roundtrip" -t 30 -H 127.0.0.1 -p "$PP_SUBMISSION_PORT" \
    -S "${AUTH[@]}" --imap-port "$PP_IMAPS_PORT" --imap-ssl --from "$PP_ALICE_USER" \
    --to "$PP_ALICE_USER"
vg 2 check_smtp_av "$P/check_smtp_av" -t 30 -H 127.0.0.1 -p "$PP_SMTP_PORT" \
    --imap-port "$PP_IMAP_PORT" --imap-authfile "$PP_ALICE_AUTHFILE" --cafile "$PP_CA_CERT" \
    --from "$PP_BOB_USER" --to "$PP_ALICE_USER"
vg 0 check_snmp_extend "$P/check_snmp_extend" -t 30 -H 127.0.0.1 -p "$PP_SNMP_PORT" \
    -C "$PP_SNMP_COMMUNITY" -n pp_ok
vg 2 "check_snmp_extend -P 3 --all" "$P/check_snmp_extend" -t 30 -H 127.0.0.1 -p "$PP_SNMP_PORT" \
    -P 3 -u "$PP_SNMP_V3_USER" -l authPriv -a SHA -A "$PP_SNMP_V3_AUTH_PASSWORD" -x AES \
    -X "$PP_SNMP_V3_PRIV_PASSWORD" --all pp_
# --qshape alone shows and judges incoming and active, as qshape does: nothing held there.
vg 0 check_postfix_queue "$P/check_postfix_queue" -t 30 -C "$CONF" --qshape
vg 1 "check_postfix_queue --source" "$P/check_postfix_queue" -t 30 -C "$CONF" --source showq
vg 0 check_postfix_verify "$P/check_postfix_verify" -t 30 -C "$CONF"
vg 0 check_postfix_maps "$P/check_postfix_maps" -t 30 -C "$CONF"
vg 0 pfqueue "$C/pfqueue" -t 30 -C "$CONF" --format json
vg 0 verify-dump "$C/verify-dump" -t 30 -C "$CONF"
vg 3 "a bad option" "$P/check_postfix_queue" --no-such-option
finish
