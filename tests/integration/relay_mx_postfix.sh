#!/usr/bin/env bash
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

# The instance as the stack runs it: relay_domains + transport_maps keys; hold.test and
# unreachable.test are not in the DNS server's zones (REFUSED).
run "$P" -s "$S" -C "$PP_POSTFIX_CONFIG_DIR"
check "the stack's own settings" all_of "rc_is 3" \
    'out_has "RELAY_MX UNKNOWN - DNS lookup failed: hold.test (MX lookup REFUSED: REFUSED from $S), unreachable.test"' \
    'out_has "3 domains checked"' \
    'out_has "[OK] $R: MX 10 mail.$Z (127.0.0.1 ::1)"' \
    'out_has "transport_maps: smtp:[127.0.0.1]:$PP_SINK_PORT (straight to 127.0.0.1, an address of one of its MX hosts)"' \
    'out_has "[OK] $SMTPD: relayed domains with reject_unverified_recipient in a check_recipient_access table: 1"' \
    'out_has "[OK] 127.0.0.1:$PP_SUBMISSION_PORT/inet, 127.0.0.1:$PP_SMTPS_PORT/inet: unknown recipients of relayed domains refused (nothing is relayed from outside)"' \
    'out_has "[OK] 127.0.0.1:$PP_SINK_PORT/inet: unknown recipients of relayed domains refused (nothing is relayed from outside)"' \
    '! out_has backscatter'

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
    'out_has "6 domains checked, 3 failing, 2 with warnings"' \
    'out_has "[UNKNOWN] DNS lookup failed: hold.test"' \
    'out_has "null MX, the domain accepts no mail (RFC 7505): nullmx.$Z"' \
    'out_has "no MX record, implicit MX on A/AAAA (RFC 5321 5.1): implicit.$Z"' \
    'out_has "[WARNING] backscatter risk: relayed domains without relay_recipient_maps or reject_unverified_recipient: good.$Z ($SMTPD: no relay_recipient_maps and no reject_unverified_recipient), implicit.$Z ($SMTPD: no relay_recipient_maps and no reject_unverified_recipient), nullmx.$Z ($SMTPD: no"' \
    'out_has "[OK] $SMTPD: relayed domains with reject_unverified_recipient in a check_recipient_access table: 1"'

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
