#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check_relay_mx with the stack's Postfix settings (-C): the domains of relay_domains (names,
# a list file, a hash table) and transport_maps, what the transport map does with them, and
# the backscatter audit on copies of the instance's config directory: the stack as it is
# (relay.postprobe.test verified through a check_recipient_access table), without
# verification, with relay_recipient_maps (enforced or not), with a permit before the
# verification. The running instance is never changed. Every smtpd service is judged with
# its master.cf overrides: the stack's submission, smtps and sink services relay nothing for
# unauthenticated clients (relay_mx_master.sh tests the overrides).
set -euo pipefail
. "$(dirname "$0")/lib/relay_mx.bash"

# The instance as the stack runs it: relay_domains + transport_maps keys. hold.test and
# unreachable.test are only transport_maps keys sent to [127.0.0.1]:1 (postmap -q, Postfix's
# own lookup, says so): Postfix never asks their MX (they are in no zone of the DNS server),
# and neither does the plugin.
C=$PP_POSTFIX_CONFIG_DIR
run "$P" -s "$S" -C "$C"
check "the stack's own settings" all_of "rc_is 0" \
    'out_has "RELAY_MX OK - 3 domains checked, 0 failing, 0 with warnings"' \
    '! out_has "DNS lookup failed"' \
    'out_has "[OK] $R: MX 10 mail.$Z (127.0.0.1 ::1)"' \
    'out_has "transport_maps: smtp:[127.0.0.1]:$PP_SINK_PORT (straight to 127.0.0.1 port $PP_SINK_PORT, an address of one of its MX hosts)"' \
    'out_has "[OK] $SMTPD: unknown recipients of relayed domains refused (reject_unverified_recipient from check_recipient_access texthash:$C/verify_domains)"' \
    'out_has "[OK] 127.0.0.1:$PP_SUBMISSION_PORT/inet, 127.0.0.1:$PP_SMTPS_PORT/inet: unknown recipients of relayed domains refused (nothing is relayed from outside)"' \
    'out_has "[OK] 127.0.0.1:$PP_SINK_PORT/inet: unknown recipients of relayed domains refused (550 from check_recipient_access regexp:$C/sink_reject.regexp)"' \
    '! out_has backscatter'

for d in "$PP_HOLD_DOMAIN" "$PP_UNREACHABLE_DOMAIN"; do
    route=$(postmap -c "$C" -q "$d" "texthash:$C/transport")
    check "$d: the route postmap gives ($route) is the one judged" all_of \
        '[ "$route" = "smtp:[127.0.0.1]:1" ]' \
        "out_has \"[OK] $d: transport_maps: $route (straight to 127.0.0.1 port 1, no DNS lookup)\""
done

# A copy of the config directory to change.
scratch_config
plain_restrictions='permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination'

# relay_domains from names, a list file and a hash table; transport_maps keys are added.
# The new domains are not in the verify_domains table: backscatter risk ($R is).
variant "relay_domains = $R, $T/relay_list, hash:$T/relay_table"
printf '# more relayed domains\ngood.%s, nullmx.%s\n' "$Z" "$Z" >"$T/relay_list"
printf 'implicit.%s OK\n' "$Z" >"$T/relay_table"
postmap -c "$T" "hash:$T/relay_table"
run "$P" -s "$S" -C "$T"
check "relay_domains: names, file, table" all_of "rc_is 2" \
    'out_has "6 domains checked, 1 failing, 2 with warnings"' \
    '! out_has "DNS lookup failed"' \
    'out_has "null MX, the domain accepts no mail (RFC 7505): nullmx.$Z"' \
    'out_has "no MX record, implicit MX on A/AAAA (RFC 5321 5.1): implicit.$Z"' \
    'out_has "[WARNING] backscatter risk: relayed domains without relay_recipient_maps or reject_unverified_recipient: good.$Z ($SMTPD: no relay_recipient_maps and no reject_unverified_recipient), implicit.$Z ($SMTPD: no relay_recipient_maps and no reject_unverified_recipient), nullmx.$Z ($SMTPD: no"' \
    'out_has "[OK] $SMTPD: unknown recipients refused for 1 of 4 relayed domains (reject_unverified_recipient from check_recipient_access texthash:$C/verify_domains)"'

# a relay_domains table that cannot be listed: UNKNOWN naming it
variant "relay_domains = $R, regexp:$T/sink_reject.regexp"
run "$P" -s "$S" -C "$T" -D "$R"
check "unlistable relay_domains table" all_of "rc_is 3" \
    'out_has "relay_domains: cannot list regexp:$T/sink_reject.regexp"'

# No verification at all: WARNING naming the relayed domain.
variant "smtpd_recipient_restrictions = $plain_restrictions"
run "$P" -s "$S" -C "$T" -D "$R"
check "no verification" all_of "rc_is 1" \
    'out_has "RELAY_MX WARNING - backscatter risk: relayed domains without relay_recipient_maps or reject_unverified_recipient: $R ($SMTPD: no relay_recipient_maps and no reject_unverified_recipient), 1 domain checked, 0 failing, 1 with warnings"'
run "$P" -s "$S" -C "$T" -D "good.$Z"
check "a domain that is not relayed" all_of "rc_is 0" 'out_has "RELAY_MX OK - 1 domain checked"' \
    '! out_has backscatter'
run "$P" -s "$S" -C "$T" -D "$R" --no-audit
check "--no-audit" all_of "rc_is 0" 'out_has "RELAY_MX OK"' '! out_has backscatter'

# relay_recipient_maps: OK when enforced (smtpd_reject_unlisted_recipient = yes, the default)
variant "smtpd_recipient_restrictions = $plain_restrictions" \
    "relay_recipient_maps = texthash:$T/sink_recipients"
run "$P" -s "$S" -C "$T" -D "$R"
check "relay_recipient_maps" all_of "rc_is 0" 'out_has "RELAY_MX OK - 1 domain checked"' \
    'out_has "[OK] $SMTPD: unknown recipients of relayed domains refused (relay_recipient_maps)"'
variant "smtpd_recipient_restrictions = $plain_restrictions" \
    "relay_recipient_maps = texthash:$T/sink_recipients" "smtpd_reject_unlisted_recipient = no"
run "$P" -s "$S" -C "$T" -D "$R"
check "relay_recipient_maps not enforced" all_of "rc_is 1" \
    'out_has "backscatter risk: relayed domains without relay_recipient_maps or reject_unverified_recipient: $R ($SMTPD: relay_recipient_maps not enforced and no reject_unverified_recipient)"'

# reject_unverified_recipient for every domain, after reject_unauth_destination: OK
variant "smtpd_recipient_restrictions = $plain_restrictions, reject_unverified_recipient"
run "$P" -s "$S" -C "$T" -D "$R"
check "reject_unverified_recipient for all" all_of "rc_is 0" \
    'out_has "[OK] $SMTPD: unknown recipients of relayed domains refused (reject_unverified_recipient)"'
# ... but a permit_auth_destination before it lets everything through
variant "smtpd_recipient_restrictions = permit_mynetworks, permit_auth_destination, reject_unverified_recipient"
run "$P" -s "$S" -C "$T" -D "$R"
check "permit_auth_destination first" all_of "rc_is 1" \
    'out_has "$R ($SMTPD: no relay_recipient_maps and no reject_unverified_recipient before permit_auth_destination)"'

# a config directory that does not exist: UNKNOWN naming postconf's complaint
run "$P" -s "$S" -C /nonexistent
check "missing config directory" all_of "rc_is 3" 'out_has "RELAY_MX UNKNOWN - "' \
    'out_has "/nonexistent"'

finish
