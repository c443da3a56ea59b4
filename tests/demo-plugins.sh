# SPDX-License-Identifier: GPL-3.0-or-later
# demo-plugins.sh - the plugin runs of tests/demo.sh (sourced; uses its run function).
# demo_stack runs every plugin against the loopback stack (stack.env is loaded), after giving
# it some work: a few queued messages and a filled address-verify cache. demo_system runs the
# read-only plugins against the machine's own Postfix.

demo_stack() {
    local cf=$PP_POSTFIX_CONFIG_DIR
    # Some held and deferred mail, and a verify cache with good and bad addresses.
    bash tests/env/fill-queue.sh 20 hold >/dev/null
    bash tests/env/fill-queue.sh 30 deferred >/dev/null
    for rcpt in exists@relay.postprobe.test nobody@relay.postprobe.test; do
        swaks --server "$PP_HOST:$PP_SMTP_PORT" --to "$rcpt" --from demo@postprobe.test \
            --quit-after RCPT >/dev/null 2>&1 || true
    done
    sleep 2

    run check_postfix_queue -C "$cf"
    run check_postfix_queue -C "$cf" --qshape deferred
    run check_postfix_verify -C "$cf"
    run check_postfix_maps -C "$cf"
    run check_smtp_login -H "$PP_HOST" -p "$PP_SUBMISSION_PORT" -S --authfile "$PP_ALICE_AUTHFILE" \
        --cafile "$PP_CA_CERT"
    run check_smtp_login -H "$PP_HOST" -p "$PP_SMTPS_PORT" -s --authfile "$PP_ALICE_AUTHFILE" \
        --cafile "$PP_CA_CERT"
    run check_imap_login -H "$PP_HOST" -p "$PP_IMAP_PORT" -S --authfile "$PP_ALICE_AUTHFILE" \
        --cafile "$PP_CA_CERT"
    run check_pop3_login -H "$PP_HOST" -p "$PP_POP3S_PORT" -s --authfile "$PP_ALICE_AUTHFILE" \
        --cafile "$PP_CA_CERT"
    run check_tls_cert -H "$PP_HOST" -p "$PP_SUBMISSION_PORT" --starttls smtp \
        --hostname "$PP_SERVER_NAME" --cafile "$PP_CA_CERT"
    run check_tls_cert --file "$PP_SERVER_CERT" --cafile "$PP_CA_CERT"
    run check_relay_mx -s "$PP_HOST:$PP_DNS_PORT" -D good.postprobe.test -D nullmx.postprobe.test \
        -D cname-mx.postprobe.test
    run check_mail_roundtrip -H "$PP_HOST" -p "$PP_SUBMISSION_PORT" -S \
        --authfile "$PP_ALICE_AUTHFILE" --cafile "$PP_CA_CERT" --from "$PP_ALICE_USER" \
        --to "$PP_ALICE_USER" --imap-host "$PP_HOST" --imap-port "$PP_IMAPS_PORT" --imap-ssl \
        --imap-authfile "$PP_ALICE_AUTHFILE" -t 30
    run check_smtp_av -H "$PP_HOST" -p "$PP_SUBMISSION_PORT" -S --authfile "$PP_ALICE_AUTHFILE" \
        --cafile "$PP_CA_CERT" --from "$PP_ALICE_USER" --to "$PP_ALICE_USER" -t 20
    run check_snmp_extend -H "$PP_HOST" -p "$PP_SNMP_PORT" -C "$PP_SNMP_COMMUNITY" -n pp_ok
    run check_snmp_extend -H "$PP_HOST" -p "$PP_SNMP_PORT" -C "$PP_SNMP_COMMUNITY" --all pp_

    postsuper -c "$cf" -d ALL >/dev/null 2>&1 || true
}

demo_system() {
    run check_postfix_queue
    run check_postfix_verify
    run check_postfix_maps
    run check_relay_mx
    run check_tls_cert -H localhost -p 25 --starttls smtp
}
