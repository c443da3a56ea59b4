#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# metrics_promtool.sh - every plugin's --format openmetrics against the stack, written with
# --output into one directory: each file passes `promtool check metrics` (no error, no lint
# warning: HELP and TYPE for every family, counters ending in _total, base units), and a
# real node_exporter on loopback with --collector.textfile.directory over all of them scrapes
# them together with node_textfile_scrape_error 0 and every check's postprobe_check_state.
# Every family is listed in docs/perfdata.md.
set -uo pipefail
# shellcheck source=lib/common.bash
. "$(dirname "$0")/lib/common.bash"

B=$PP_BUILD_DIR/plugins
C=$PP_POSTFIX_CONFIG_DIR
CA=(--cafile "$PP_CA_CERT")
DIR=$(mktemp -d /tmp/pp-metrics.XXXXXX)
NE_PID=
cleanup() {
    [ -z "$NE_PID" ] || kill "$NE_PID" 2>/dev/null
    rm -rf "$DIR"
}
trap cleanup EXIT

# om NAME ARGS...: run plugin NAME with --format openmetrics --output DIR/NAME.prom.
om() {
    local name=$1
    shift
    "$B/$name" "$@" --format openmetrics --output "$DIR/$name.prom" >"$DIR/$name.stdout" 2>&1
    check "$name: --output wrote the file, nothing on stdout" all_of \
        "[ -s $DIR/$name.prom ]" "[ ! -s $DIR/$name.stdout ]"
}

om check_postfix_queue -C "$C"
om check_postfix_verify -C "$C"
om check_postfix_log -C "$C" --whole
om check_postfix_maps -C "$C"
om check_relay_mx -s "127.0.0.1:$PP_DNS_PORT" -D "good.$PP_DNS_ZONE"
om check_dnsbl -s "127.0.0.1:$PP_DNS_PORT" -H 192.0.2.1 -H 192.0.2.2 -z "bl.$PP_DNSBL_ZONE"
om check_smtp_login -H 127.0.0.1 -p "$PP_SUBMISSION_PORT" -S --authfile "$PP_ALICE_AUTHFILE" \
    "${CA[@]}"
om check_imap_login -H 127.0.0.1 -p "$PP_IMAP_PORT" -S --authfile "$PP_ALICE_AUTHFILE" "${CA[@]}"
om check_pop3_login -H 127.0.0.1 -p "$PP_POP3_PORT" -S --authfile "$PP_ALICE_AUTHFILE" "${CA[@]}"
om check_mta_sts -s "127.0.0.1:$PP_DNS_PORT" -D "nosts.sts.$PP_DNS_ZONE" -p "$PP_SMTP_PORT"
om check_tls_cert -H 127.0.0.1 -p "$PP_SMTP_PORT" --starttls smtp "${CA[@]}"
om check_snmp_extend -H 127.0.0.1 -p "$PP_SNMP_PORT" -C "$PP_SNMP_COMMUNITY" --all pp_
om check_smtp_av -H 127.0.0.1 -p "$PP_SMTP_PORT" --from "$PP_BOB_USER" --to "$PP_ALICE_USER" \
    --imap-port "$PP_IMAP_PORT" --imap-authfile "$PP_ALICE_AUTHFILE" "${CA[@]}" -t 10
om check_mail_roundtrip -H 127.0.0.1 -p "$PP_SUBMISSION_PORT" -S "${CA[@]}" \
    --authfile "$PP_ALICE_AUTHFILE" --imap-ssl --imap-port "$PP_IMAPS_PORT" \
    --from "$PP_ALICE_USER" --to "$PP_ALICE_USER" -t 15

for f in "$DIR"/*.prom; do
    name=$(basename "$f" .prom)
    run promtool check metrics <"$f"
    check "$name: promtool check metrics, no error or lint warning" all_of "rc_is 0" \
        '[ -z "$OUT$ERR" ]'
    check "$name: no family without HELP" \
        [ "$(grep -c '^# TYPE' "$f")" = "$(grep -c '^# HELP' "$f")" ]
done
# The reference lists every family a plugin prints (check_snmp_extend's are the remote
# plugins' labels): a renamed family is a conscious change of docs/perfdata.md and NEWS.
for f in "$DIR"/*.prom; do
    for fam in $(sed -n 's/^# TYPE \([a-z0-9_]*\) .*/\1/p' "$f" | grep -v '^postprobe_extend_'); do
        check "docs/perfdata.md lists $fam" grep -qF "\`$fam\`" "$PP_SOURCE_DIR/docs/perfdata.md"
    done
done
# The plugins' files all present: a plugin added later is in this list or the test says so.
check "every plugin was run" [ "$(ls "$DIR"/*.prom | wc -l)" = "$(ls "$B" | grep -c '^check_')" ]

# A loopback port of the stack's range (stack.env has the ports, not their base).
PORT=$((PP_SMTP_PORT + 73))
prometheus-node-exporter --web.listen-address="127.0.0.1:$PORT" --collector.disable-defaults \
    --collector.textfile --collector.textfile.directory="$DIR" >"$DIR/ne.log" 2>&1 &
NE_PID=$!
SCRAPE=
for _ in $(seq 50); do
    SCRAPE=$(curl -sf "http://127.0.0.1:$PORT/metrics") && break
    sleep 0.1
done
check "node_exporter scrapes the directory: node_textfile_scrape_error 0" \
    grep -qx 'node_textfile_scrape_error 0' <<<"$SCRAPE"
for f in "$DIR"/*.prom; do
    svc=$(sed -n 's/^postprobe_check_state{check="\([a-z0-9_]*\)".*/\1/p' "$f")
    check "node_exporter serves $(basename "$f" .prom)'s state" \
        grep -q "^postprobe_check_state{check=\"$svc\"" <<<"$SCRAPE"
done
finish
