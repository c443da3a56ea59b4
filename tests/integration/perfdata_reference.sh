#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# perfdata_reference.sh - docs/perfdata.md's table of Nagios perfdata labels against what the
# plugins really print on the stack (issue 17): every label a plugin prints is in the table
# with its unit of measure, and every row of the table is printed by one of the runs below
# (the optional items too: --perf-buckets, --fetch, --mx). A renamed label breaks users'
# graphs: this test makes it a conscious change of the reference and NEWS.
set -euo pipefail
# shellcheck source=lib/verify.bash
. "$(dirname "$0")/lib/verify.bash"

B=$PP_BUILD_DIR/plugins
C=$PP_POSTFIX_CONFIG_DIR
DOC=$PP_SOURCE_DIR/docs/perfdata.md
CA=(--cafile "$PP_CA_CERT")
SEEN=$(mktemp)
RAW=$(mktemp)
SUBJECT="pp-perfdata-$$"
mine() { grep -rl "^Subject: $SUBJECT" "$PP_ALICE_MAILDIR"/new "$PP_ALICE_MAILDIR"/cur 2>/dev/null || true; }
trap 'rm -f "$SEEN" "$RAW"; box_expunge "$PP_ALICE_USER" header Subject "$SUBJECT" || true' EXIT

# What the runs below read is made here, not left to the tests before (ctest may run this
# first): --fetch prints its label only when alice's INBOX has a message, and a test before
# may have emptied it: one of its own is delivered first.
swaks --server "127.0.0.1:$PP_SMTP_PORT" --to "$PP_ALICE_USER" --from "perfdata@$PP_DOMAIN" \
    --header "Subject: $SUBJECT" --silent 2 >/dev/null
for _ in $(seq 150); do [ -n "$(mine)" ] && break; sleep 0.1; done
[ -n "$(mine)" ] || { echo "the message to alice was not delivered in 15 s"; exit 1; }
# check_postfix_verify needs a cache, which verify(8) makes at its first probe: one of its own.
probe "exists@$PP_RELAY_DOMAIN"
wait_verified "btree:$PP_POSTFIX_DATA_DIR/verify_cache" "exists@$PP_RELAY_DOMAIN"

# The rows of the reference's perfdata table: "plugin label uom", tab-separated.
rows() {
    sed -n '/^## Nagios perfdata labels/,$p' "$DOC" |
        sed -n 's/^| \(check_[a-z0-9_]*\) | `\([^`]*\)` | \([^|]*\) |.*/\1\t\2\t\3/p' |
        sed 's/ *$//'
}

# PARSE: python, reading the plugins' outputs (each after a line "@@ NAME") on stdin, printing
# their perfdata items. One interpreter for all: python starts slowly on a loaded machine.
read -r -d '' PARSE <<'PY' || true
import re, sys
item = re.compile(r"('(?:[^']|'')*'|[^ =']+)=(-?[0-9.]+(?:e[-+]?[0-9]+)?|U)([a-zA-Z%]*)(;[^ ]*)?")
def perfdata(lines):
    perf = []
    if "|" in lines[0]:
        perf.append(lines[0].split("|", 1)[1])
    rest = lines[1:]
    for i, l in enumerate(rest):
        if "|" in l:
            perf.append(l.split("|", 1)[1])
            perf.extend(rest[i + 1:])
            break
    return perf
for block in sys.stdin.read().split("@@ ")[1:]:
    name, out = block.split("\n", 1)
    items = (m for text in perfdata(out.split("\n")) for m in item.finditer(text))
    for m in items:
        label, uom = m.group(1).strip("'").replace("''", "'"), m.group(3) or "-"
        if name == "check_postfix_queue":
            label = re.sub(r"^(incoming|active|deferred|hold|maildrop)(?=_|$)", "QUEUE", label)
            label = re.sub(r"_age_[0-9]+(\+?)$", r"_age_MINUTES\1", label)
        elif name == "check_tls_cert":
            label = re.sub(r"^\S+ (days_\w+)$", r"HOST \1", label)
        elif name == "check_snmp_extend":
            label, uom = re.sub(r"^.*::.*$", "EXTEND::LABEL", label), "as sent"
        print(f"{name}\t{label}\t{uom}")
PY

# pd NAME ARGS...: run plugin NAME, keep its output for PARSE: each perfdata item it prints
# (status line and the perfdata continued after the long output) goes to $SEEN as "plugin
# label uom", the label in the reference's terms (QUEUE, MINUTES, HOST, EXTEND::LABEL).
pd() {
    local name=$1 first
    shift
    run "$B/$name" "$@"
    first=${OUT%%$'\n'*}
    check "$name ${*:1:3}...: a status line with perfdata" test "${first/ | /}" != "$first"
    printf '@@ %s\n%s\n' "$name" "$OUT" >>"$RAW"
}

pd check_postfix_queue -C "$C"
pd check_postfix_queue -C "$C" --perf-buckets
pd check_postfix_verify -C "$C"
pd check_postfix_log -C "$C" --whole
pd check_postfix_maps -C "$C"
pd check_relay_mx -s "127.0.0.1:$PP_DNS_PORT" -D "good.$PP_DNS_ZONE"
pd check_dnsbl -s "127.0.0.1:$PP_DNS_PORT" -H 192.0.2.1 -z "bl.$PP_DNSBL_ZONE"
pd check_smtp_login -H 127.0.0.1 -p "$PP_SUBMISSION_PORT" -S --authfile "$PP_ALICE_AUTHFILE" \
    "${CA[@]}"
pd check_imap_login -H 127.0.0.1 -p "$PP_IMAP_PORT" -S --authfile "$PP_ALICE_AUTHFILE" \
    "${CA[@]}" --fetch
pd check_pop3_login -H 127.0.0.1 -p "$PP_POP3_PORT" -S --authfile "$PP_ALICE_AUTHFILE" \
    "${CA[@]}" --fetch
pd check_tls_cert -H 127.0.0.1 -p "$PP_SMTP_PORT" --starttls smtp "${CA[@]}"
pd check_tls_cert --mx "enforce.sts.$PP_DNS_ZONE" -s "127.0.0.1:$PP_DNS_PORT" \
    -p "$PP_SMTP_PORT" --starttls smtp "${CA[@]}"
pd check_mta_sts -s "127.0.0.1:$PP_DNS_PORT" -D "nosts.sts.$PP_DNS_ZONE" -p "$PP_SMTP_PORT"
pd check_snmp_extend -H 127.0.0.1 -p "$PP_SNMP_PORT" -C "$PP_SNMP_COMMUNITY" --all pp_
pd check_smtp_av -H 127.0.0.1 -p "$PP_SMTP_PORT" --from "$PP_BOB_USER" --to "$PP_ALICE_USER" \
    --imap-port "$PP_IMAP_PORT" --imap-authfile "$PP_ALICE_AUTHFILE" "${CA[@]}" -t 10
pd check_mail_roundtrip -H 127.0.0.1 -p "$PP_SUBMISSION_PORT" -S "${CA[@]}" \
    --authfile "$PP_ALICE_AUTHFILE" --imap-ssl --imap-port "$PP_IMAPS_PORT" \
    --from "$PP_ALICE_USER" --to "$PP_ALICE_USER" -t 15

python3 -c "$PARSE" <"$RAW" >"$SEEN"

# Both sides as sets (associative arrays): no process per check.
declare -A DOCUMENTED PRINTED
while IFS= read -r row; do DOCUMENTED[$row]=1; done < <(rows)
while IFS= read -r row; do PRINTED[$row]=1; done < <(sort -u "$SEEN")
check "the reference has a perfdata table" [ "${#DOCUMENTED[@]}" -gt 50 ]
for row in "${!PRINTED[@]}"; do
    check "docs/perfdata.md lists ${row//$'\t'/ }" test -n "${DOCUMENTED[$row]:-}"
done
for row in "${!DOCUMENTED[@]}"; do
    check "printed as the reference says: ${row//$'\t'/ }" test -n "${PRINTED[$row]:-}"
done
check "every plugin was run" \
    [ "$(cut -f1 "$SEEN" | sort -u | wc -l)" = "$(ls "$B" | grep -c '^check_')" ]
finish
