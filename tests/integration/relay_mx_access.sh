#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# relay_mx_access.sh - check_relay_mx's backscatter audit asks the access tables the way smtpd
# does, with smtpd as the referee: for each change of the running stack's configuration
# (reloaded; main.cf and verify_domains restored at exit), smtpd's reply to
# RCPT TO:<nobody@relay domain> over SMTP is 4xx/5xx (refused) or 250 (accepted), and the
# audit says the same: "unknown recipients of relayed domains refused (...)" or the
# backscatter WARNING naming the domain. The cases: the stack as it is; a ".postprobe.test"
# key and a "postprobe.test" key for the relay domain's parent, each with and without
# smtpd_access_maps in parent_domain_matches_subdomains; a table that answers OK before or
# after the verifying one; a regexp table, which smtpd asks the full address only.
set -euo pipefail
. "$(dirname "$0")/lib/relay_mx.bash"
C=$PP_POSTFIX_CONFIG_DIR
NOBODY=nobody@$R
VERIFY=texthash:$C/verify_domains

live_save verify_domains
on_exit "rm -f '$C/pp_relay_ok' '$C/pp_relay_ok.regexp'"
RCPT_RESTRICTIONS=$(postconf -c "$C" -h smtpd_recipient_restrictions)
PARENT_DEFAULT=$(postconf -c "$C" -dh parent_domain_matches_subdomains)
PARENT_WITHOUT=$(tr ', ' '\n\n' <<<"$PARENT_DEFAULT" | grep -vx 'smtpd_access_maps' |
    grep . | paste -sd, -)

# agree NAME refused|accepted WHY: smtpd's reply and the audit must both say so; WHY is the
# audit's reason (what refused the recipient, or why nothing did).
agree() {
    local name=$1 want=$2 why=$3 reply
    live_reload
    reply=$(smtpd_rcpt "$NOBODY")
    run "$P" -s "$S" -C "$C" -D "$R"
    if [ "$want" = refused ]; then
        check "$name: smtpd refuses $NOBODY ($reply)" eval '[[ $reply == [45][0-9][0-9]* ]]'
        check "$name: the audit agrees" all_of "rc_is 0" '! out_has backscatter' \
            "out_has \"[OK] \$SMTPD: unknown recipients of relayed domains refused ($why)\""
    else
        check "$name: smtpd accepts $NOBODY ($reply)" eval '[[ $reply == 250* ]]'
        check "$name: the audit agrees" all_of "rc_is 1" \
            "out_has \"[WARNING] backscatter risk: relayed domains without relay_recipient_maps or reject_unverified_recipient: \$R (\$SMTPD: $why)\""
    fi
}
verify_key() { printf '%s reject_unverified_recipient\n' "$1" >"$C/verify_domains"; }
parent_style() { postconf -c "$C" -e "parent_domain_matches_subdomains = $1"; }
recipient_restrictions() { postconf -c "$C" -e "smtpd_recipient_restrictions = $1"; }
NONE="no relay_recipient_maps and no reject_unverified_recipient"

agree "the stack as it is" refused "reject_unverified_recipient from check_recipient_access $VERIFY"

# ".parent" keys: never matched while parent_domain_matches_subdomains names
# smtpd_access_maps (the default: smtpd asks "postprobe.test"), matched without it.
verify_key ".$Z"
agree "'.$Z' key, parent style" accepted "$NONE"
parent_style "$PARENT_WITHOUT"
agree "'.$Z' key, dot style" refused "reject_unverified_recipient from check_recipient_access $VERIFY"

# "parent" keys: the other way round.
verify_key "$Z"
agree "'$Z' key, dot style" accepted "$NONE"
parent_style "$PARENT_DEFAULT"
agree "'$Z' key, parent style" refused "reject_unverified_recipient from check_recipient_access $VERIFY"

# A table that answers OK for the domain: before the verifying table it wins, after it not.
verify_key "$R"
printf '%s OK\n' "$R" >"$C/pp_relay_ok"
recipient_restrictions "check_recipient_access texthash:$C/pp_relay_ok, $RCPT_RESTRICTIONS"
agree "an OK table first" accepted \
    "$NONE before OK from check_recipient_access texthash:$C/pp_relay_ok (key $R)"
recipient_restrictions "$RCPT_RESTRICTIONS, check_recipient_access texthash:$C/pp_relay_ok"
agree "an OK table after" refused "reject_unverified_recipient from check_recipient_access $VERIFY"

# A regexp table is asked the full address only: an address rule matches, a domain rule not.
printf '/@%s$/ OK\n' "${R//./\\.}" >"$C/pp_relay_ok.regexp"
recipient_restrictions "check_recipient_access regexp:$C/pp_relay_ok.regexp, $RCPT_RESTRICTIONS"
agree "a regexp address rule first" accepted \
    "$NONE before OK from check_recipient_access regexp:$C/pp_relay_ok.regexp (key postprobe.unknown.recipient@$R)"
printf '/^%s$/ OK\n' "${R//./\\.}" >"$C/pp_relay_ok.regexp"
agree "a regexp domain rule first" refused \
    "reject_unverified_recipient from check_recipient_access $VERIFY"

finish
