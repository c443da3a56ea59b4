#!/usr/bin/env bash
# check_relay_mx with the stack's Postfix settings (-C): the domains of relay_domains (names,
# a list file, a hash table) and transport_maps, what the transport map does with them, and
# the backscatter audit on copies of the instance's config directory: the stack as it is
# (relay.postprobe.test verified through a check_recipient_access table), without
# verification, with relay_recipient_maps (enforced or not), with a permit before the
# verification. The running instance is never changed.
set -euo pipefail
. "${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env"
P=$PP_BUILD_DIR/plugins/check_relay_mx
S=127.0.0.1:$PP_DNS_PORT
Z=$PP_DNS_ZONE
R=$PP_RELAY_DOMAIN
fails=0

expect() {
    local code=$1 pats=() out rc=0
    shift
    while [ "$1" != -- ]; do pats+=("$1"); shift; done
    shift
    out=$("$P" "$@" 2>&1) || rc=$?
    if [ "$rc" != "$code" ]; then
        printf 'FAIL: exit %s, not %s: %s\n%s\n' "$rc" "$code" "$*" "$out"
        fails=$((fails + 1))
        return
    fi
    local p
    for p in "${pats[@]}"; do
        if [ "${p:0:1}" = '!' ]; then
            if grep -qF -- "${p:1}" <<<"$out"; then
                printf 'FAIL: "%s" in the output of: %s\n%s\n' "${p:1}" "$*" "$out"
                fails=$((fails + 1))
                return
            fi
        elif ! grep -qF -- "$p" <<<"$out"; then
            printf 'FAIL: no "%s" in the output of: %s\n%s\n' "$p" "$*" "$out"
            fails=$((fails + 1))
            return
        fi
    done
    printf 'ok: %s\n' "$*"
}

# The instance as the stack runs it: relay_domains + transport_maps keys; hold.test and
# unreachable.test are not in the DNS server's zones (REFUSED).
expect 3 "RELAY_MX UNKNOWN - DNS lookup failed: hold.test (MX lookup REFUSED: REFUSED from $S), unreachable.test" \
    "3 domains checked" \
    "[OK] relay.postprobe.test: MX 10 mail.$Z (127.0.0.1 ::1)" \
    "transport_maps: smtp:[127.0.0.1]:$PP_SINK_PORT (straight to 127.0.0.1, an address of one of its MX hosts)" \
    "[OK] relayed domains with reject_unverified_recipient in a check_recipient_access table: 1" \
    "!backscatter" -- -s "$S" -C "$PP_POSTFIX_CONFIG_DIR"

# A copy of the config directory to change.
T=$(mktemp -d /tmp/relay_mx_postfix.XXXXXX)
trap 'rm -rf "$T"' EXIT
variant() {
    rm -rf "${T:?}"/*
    cp -a "$PP_POSTFIX_CONFIG_DIR"/. "$T"/
    sed -i '/^config_directory/d' "$T/main.cf"
    postconf -c "$T" -e "$@"
}
plain_restrictions='permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination'

# relay_domains from names, a list file and a hash table; transport_maps keys are added.
variant "relay_domains = $R, $T/relay_list, hash:$T/relay_table"
printf '# more relayed domains\ngood.%s, nullmx.%s\n' "$Z" "$Z" >"$T/relay_list"
printf 'implicit.%s OK\n' "$Z" >"$T/relay_table"
postmap -c "$T" "hash:$T/relay_table"
# (the new ones are not in the verify_domains table: backscatter risk; relay.postprobe.test is)
expect 2 "6 domains checked, 3 failing, 2 with warnings" \
    "[UNKNOWN] DNS lookup failed: hold.test" \
    "null MX, the domain accepts no mail (RFC 7505): nullmx.$Z" \
    "no MX record, implicit MX on A/AAAA (RFC 5321 5.1): implicit.$Z" \
    "[WARNING] backscatter risk: relayed domains without relay_recipient_maps or reject_unverified_recipient: good.$Z (no relay_recipient_maps and no reject_unverified_recipient), implicit.$Z (no relay_recipient_maps and no reject_unverified_recipient), nullmx.$Z (no" \
    "[OK] relayed domains with reject_unverified_recipient in a check_recipient_access table: 1" \
    -- -s "$S" -C "$T"

# a relay_domains table that cannot be listed: UNKNOWN naming it
variant "relay_domains = $R, regexp:$T/sink_reject.regexp"
expect 3 "relay_domains: cannot list regexp:$T/sink_reject.regexp" -- -s "$S" -C "$T" -D "$R"

# No verification at all: WARNING naming the relayed domain.
variant "smtpd_recipient_restrictions = $plain_restrictions"
expect 1 "RELAY_MX WARNING - backscatter risk: relayed domains without relay_recipient_maps or reject_unverified_recipient: $R (no relay_recipient_maps and no reject_unverified_recipient)" \
    "1 domain checked, 0 failing, 1 with warnings" -- -s "$S" -C "$T" -D "$R"
# -D of a domain that is not relayed: no audit finding for it
expect 0 "RELAY_MX OK - 1 domain checked" "!backscatter" -- -s "$S" -C "$T" -D "good.$Z"
expect 0 "RELAY_MX OK" "!backscatter" -- -s "$S" -C "$T" -D "$R" --no-audit

# relay_recipient_maps: OK when enforced (smtpd_reject_unlisted_recipient = yes, the default)
variant "smtpd_recipient_restrictions = $plain_restrictions" \
    "relay_recipient_maps = texthash:$T/sink_recipients"
expect 0 "RELAY_MX OK - 1 domain checked" \
    "[OK] relayed domains: unknown recipients refused (relay_recipient_maps)" \
    -- -s "$S" -C "$T" -D "$R"
variant "smtpd_recipient_restrictions = $plain_restrictions" \
    "relay_recipient_maps = texthash:$T/sink_recipients" "smtpd_reject_unlisted_recipient = no"
expect 1 "backscatter risk: relayed domains without relay_recipient_maps or reject_unverified_recipient: $R (relay_recipient_maps not enforced and no reject_unverified_recipient)" \
    -- -s "$S" -C "$T" -D "$R"

# reject_unverified_recipient for every domain, after reject_unauth_destination: OK
variant "smtpd_recipient_restrictions = $plain_restrictions, reject_unverified_recipient"
expect 0 "[OK] relayed domains: unknown recipients refused (reject_unverified_recipient)" \
    -- -s "$S" -C "$T" -D "$R"
# ... but a permit_auth_destination before it lets everything through
variant "smtpd_recipient_restrictions = permit_mynetworks, permit_auth_destination, reject_unverified_recipient"
expect 1 "$R (no relay_recipient_maps and no reject_unverified_recipient before permit_auth_destination)" \
    -- -s "$S" -C "$T" -D "$R"

# a config directory that does not exist: UNKNOWN naming postconf's complaint
expect 3 "RELAY_MX UNKNOWN - " "/nonexistent" -- -s "$S" -C /nonexistent

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all relay_mx_postfix checks passed"
