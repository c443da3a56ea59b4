#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# echo_responder.sh SENDER RECIPIENT SMTP_PORT - the test stack's auto-responder, run by a
# Postfix pipe service: answers the message on stdin as the admin notes' procmail echo
# recipe does (formail -r: "Re: " subject, In-Reply-To, the original quoted), sending the
# reply by SMTP to the stack on 127.0.0.1. Bounces and mailing-list mail get no answer.
set -u
sender=$1 me=$2 port=$3
case $sender in
    '' | MAILER-DAEMON@* | mailer-daemon@* | *-request@*) exit 0 ;;
esac
subject= msgid=
while IFS= read -r line; do
    line=${line%$'\r'}
    [ -z "$line" ] && break
    case ${line,,} in
        subject:*) subject=${line#*:} subject=${subject# } ;;
        message-id:*) msgid=${line#*:} msgid=${msgid# } ;;
        precedence:*bulk* | precedence:*junk* | precedence:*list*) exit 0 ;;
    esac
done
body=$(head -c 4096 | sed 's/^/> /')
swaks --silent 2 --server "127.0.0.1:$port" --from "$me" --to "$sender" \
    --header "Subject: Re: $subject" --add-header "In-Reply-To: $msgid" \
    --add-header "Auto-Submitted: auto-replied" \
    --body "Echo service of the postprobe test stack. Your message:

$body" >/dev/null 2>&1 || exit 75
