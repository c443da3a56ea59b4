#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check_relay_mx's backscatter audit per smtpd service, on copies of the stack's config
# directory: master.cf -o overrides that open a service main.cf keeps safe (and the other way
# round), $name values, postscreen handing connections to an smtpd pass service,
# receive_override_options, restriction classes (in a restriction list, as an access table
# value, defined by -o only), a class that contains itself, a master.cf without smtpd
# services and none at all. The running instance is never changed.
set -euo pipefail
. "$(dirname "$0")/lib/relay_mx.bash"
scratch_config
plain='permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination'
verified="$plain, reject_unverified_recipient"
open_relay=permit_mynetworks,permit_auth_destination,reject_unverified_recipient

# main.cf verifies; an -o on one port-25 service puts a permit before the verification.
variant "smtpd_recipient_restrictions = $verified"
override "$SMTP4/smtpd_recipient_restrictions=$open_relay"
run "$P" -s "$S" -C "$T" -D "$R"
check "-o opens one service" all_of "rc_is 1" \
    'out_has "RELAY_MX WARNING - backscatter risk: relayed domains without relay_recipient_maps or reject_unverified_recipient: $R ($SMTP4: no relay_recipient_maps and no reject_unverified_recipient before permit_auth_destination), 1 domain checked"' \
    'out_has "[OK] $SMTP6: unknown recipients of relayed domains refused (reject_unverified_recipient)"' \
    '! out_has "$SMTP6: no relay"'

# main.cf does not verify; -o adds the verification, through a $name, on both services.
variant "smtpd_recipient_restrictions = $plain" "pp_verified = $verified"
override "$SMTP4/smtpd_recipient_restrictions=\$pp_verified"
run "$P" -s "$S" -C "$T" -D "$R"
check "-o verifies one service of two" all_of "rc_is 1" \
    'out_has "backscatter risk: relayed domains without relay_recipient_maps or reject_unverified_recipient: $R ($SMTP6: no relay_recipient_maps and no reject_unverified_recipient)"' \
    'out_has "[OK] $SMTP4: unknown recipients of relayed domains refused (reject_unverified_recipient)"'
override "$SMTP6/smtpd_recipient_restrictions=\$pp_verified"
run "$P" -s "$S" -C "$T" -D "$R"
check "-o verifies both" all_of "rc_is 0" 'out_has "RELAY_MX OK - 1 domain checked"' \
    'out_has "[OK] $SMTPD: unknown recipients of relayed domains refused (reject_unverified_recipient)"' \
    '! out_has backscatter'

# postscreen on the port-25 address hands connections to "smtpd pass", which is judged.
variant "smtpd_recipient_restrictions = $verified"
postconf -c "$T" -M "$SMTP4=127.0.0.1:$PP_SMTP_PORT inet n - n - 1 postscreen" \
    "smtpd/pass=smtpd pass - - n - - smtpd -o smtpd_recipient_restrictions=$open_relay"
postconf -c "$T" -MX "$SMTP6"
age_config
run "$P" -s "$S" -C "$T" -D "$R"
check "postscreen and smtpd pass" all_of "rc_is 1" \
    'out_has "$R (smtpd/pass: no relay_recipient_maps and no reject_unverified_recipient before permit_auth_destination)"' \
    '! out_has "$SMTP4"'

# relay_recipient_maps in main.cf, but one service does not check unknown recipients.
variant "smtpd_recipient_restrictions = $plain" "relay_recipient_maps = texthash:$T/sink_recipients"
override "$SMTP6/receive_override_options=no_header_body_checks,no_unknown_recipient_checks"
run "$P" -s "$S" -C "$T" -D "$R"
check "receive_override_options" all_of "rc_is 1" \
    'out_has "$R ($SMTP6: relay_recipient_maps not enforced and no reject_unverified_recipient)"' \
    'out_has "[OK] $SMTP4: unknown recipients of relayed domains refused (relay_recipient_maps)"'

# A restriction class that verifies, in the list and as a check_recipient_access value.
variant "smtpd_restriction_classes = pp_verify" "pp_verify = reject_unverified_recipient" \
    "smtpd_recipient_restrictions = $plain, pp_verify"
run "$P" -s "$S" -C "$T" -D "$R"
check "class in the list" all_of "rc_is 0" \
    'out_has "[OK] $SMTPD: unknown recipients of relayed domains refused (reject_unverified_recipient)"'
variant "smtpd_restriction_classes = pp_verify" "pp_verify = reject_unverified_recipient" \
    "smtpd_recipient_restrictions = check_recipient_access inline:{ $R=pp_verify }, $plain"
run "$P" -s "$S" -C "$T" -D "$R"
check "class as an access table value" all_of "rc_is 0" \
    'out_has "[OK] $SMTPD: unknown recipients of relayed domains refused (reject_unverified_recipient from check_recipient_access inline:{ $R=pp_verify })"'
# ... and a class only one service defines (-o): the other has no such class
variant "smtpd_recipient_restrictions = $plain, pp_verify"
override "$SMTP4/smtpd_restriction_classes=pp_verify" \
    "$SMTP4/pp_verify=reject_unverified_recipient"
run "$P" -s "$S" -C "$T" -D "$R"
check "class defined by -o" all_of "rc_is 1" \
    'out_has "$R ($SMTP6: no relay_recipient_maps and no reject_unverified_recipient)"' \
    'out_has "[OK] $SMTP4: unknown recipients of relayed domains refused (reject_unverified_recipient)"'

# A class that contains itself: a WARNING naming it, at once, besides the backscatter risk.
variant "smtpd_restriction_classes = pp_loop" "pp_loop = check_sender_access inline:{ a@b.example = OK }, pp_loop" \
    "smtpd_recipient_restrictions = $plain, pp_loop"
run "$P" -s "$S" -C "$T" -D "$R" -t 10
check "class loop" all_of "rc_is 1" 'faster_than 5' \
    'out_has "RELAY_MX WARNING - $SMTPD: restriction class pp_loop loops (contains itself, or nests more than 16 deep): smtpd cannot evaluate it, backscatter risk"' \
    'out_has "[WARNING] backscatter risk: relayed domains without relay_recipient_maps or reject_unverified_recipient: $R ($SMTPD: no relay_recipient_maps and no reject_unverified_recipient)"'

# No smtpd service listens: nothing to judge.
variant
for svc in "$SMTP4" "$SMTP6" "127.0.0.1:$PP_SUBMISSION_PORT/inet" "127.0.0.1:$PP_SMTPS_PORT/inet" \
    "127.0.0.1:$PP_SINK_PORT/inet"; do
    postconf -c "$T" -MX "$svc"
done
age_config
run "$P" -s "$S" -C "$T" -D "$R"
check "no smtpd service" all_of "rc_is 0" \
    'out_has "[OK] relayed domains: no smtpd service in master.cf takes mail from the network"'

# Without master.cf the services are unknown: the audit says so, the DNS part still reports.
rm "$T/master.cf"
run "$P" -s "$S" -C "$T" -D "$R"
check "no master.cf" all_of "rc_is 3" \
    'out_has "RELAY_MX UNKNOWN - audit: postconf exited with status 1: postconf: fatal: open $T/master.cf: No such file or directory"' \
    'out_has "[OK] $R: MX 10 mail.$Z"'

finish
