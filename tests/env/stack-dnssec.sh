# SPDX-License-Identifier: GPL-3.0-or-later
# stack-dnssec.sh - the DNSSEC and DANE part of the test stack, sourced by stack.sh (its
# settings and helpers are in scope).
#
# A signed zone, dane.test, served by the stack's nsd, with three child zones:
# unsigned.dane.test (delegated without DS: provably insecure), bogus.dane.test (signed, DS
# in the parent, a TLSA record changed after signing) and expired.dane.test (signed, DS in
# the parent, signatures that expired in 2020). All are signed with ldns-signzone (one
# ECDSA P-256 key each) when the stack starts. A real unbound on loopback (PP_UNBOUND_PORT)
# resolves them from nsd and validates with dane.test's DS as its trust anchor
# (PP_DANE_TRUST_ANCHOR, also the anchor for libunbound in the plugins).
# Two TLS servers (openssl s_server -www) stand for MX hosts that only DANE vouches for:
# PP_DANE_EE_PORT presents a self-signed certificate for ee.dane.test (TLSA 3 1 1), and
# PP_DANE_TA_PORT a certificate for ta.dane.test issued by the stack's CA, and the CA after
# it (TLSA 2 0 1 of the CA: a DANE-TA anchor must be in the chain the server sends). Names:
#   mail.dane.test        TLSA 3 1 1 of the stack's server key, on PP_SMTP_PORT: DANE-EE for
#                         the stack's Postfix, whose certificate is for mail.postprobe.test
#   tamail.dane.test      TLSA 2 0 1 of the CA, on PP_SMTP_PORT: DANE-TA whose name check
#                         fails (the certificate is not for tamail.dane.test)
#   bad.dane.test         TLSA 3 1 1 that matches nothing, on PP_SMTP_PORT
#   pkix.dane.test        TLSA 1 1 1 and 0 0 1 only, on PP_SMTP_PORT: unusable for SMTP
#   ee.dane.test          TLSA 3 1 1 of the self-signed server on PP_DANE_EE_PORT
#   ta.dane.test          TLSA 2 0 1 of the CA for the server on PP_DANE_TA_PORT
#   ta.dane.test MX       10 tamx.dane.test, TLSA 2 0 1 of the CA on PP_DANE_TA_PORT: the
#                         certificate is for the next-hop domain ta.dane.test, not the MX host
#   dane.test MX          10 mail.dane.test (a validated MX)
#   mail.{unsigned,bogus,expired}.dane.test
#                         TLSA 3 1 1 of the stack's server key on PP_SMTP_PORT
#   unsigned.dane.test MX 10 mail.unsigned.dane.test (an MX answer that is not validated)
#   four.dane.test MX     10 mx1.four ... 40 mx4.four, each A 127.0.0.1 with TLSA 3 1 1 of
#                         the stack's server key on PP_SMTP_PORT: four MX hosts, one Postfix
#   one.dane.test MX      10 mx1.four.dane.test: the same, one host
#   silent.dane.test MX   10 mx0.silent (A 127.0.0.2, TLSA 3 1 1 of the server key: a test
#                         puts a server that never answers there), 20-40 mx1-mx3.four
#   slow.dane.test MX     10 mx1.slow ... 40 mx4.slow, A 127.0.0.3 ... 127.0.0.6, TLSA 3 1 1
#                         of the server key (a test puts slow relays to Postfix there)
#   slowone.dane.test MX  10 mx1.slow.dane.test: the same, one host

DANE_ZONE=dane.test
DANE_CHILDREN=(unsigned bogus expired)
DNSSEC=$RUN/dnssec
PP_UNBOUND_PORT=${PP_UNBOUND_PORT:-$((PP_PORT_BASE + 854))}
PP_DANE_EE_PORT=${PP_DANE_EE_PORT:-$((PP_PORT_BASE + 901))}
PP_DANE_TA_PORT=${PP_DANE_TA_PORT:-$((PP_PORT_BASE + 902))}
TCP_PORT_VARS+=(PP_UNBOUND_PORT PP_DANE_EE_PORT PP_DANE_TA_PORT)
UDP_PORT_VARS+=(PP_UNBOUND_PORT)

# dnssec_certs: the self-signed certificate of ee.dane.test, the CA-issued one of ta.dane.test.
dnssec_certs() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -days 30 -nodes \
        -keyout "$DNSSEC/ee.key" -out "$DNSSEC/ee.crt" -subj "/CN=ee.$DANE_ZONE" \
        -addext "subjectAltName=DNS:ee.$DANE_ZONE" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$DNSSEC/ta.key" \
        -out "$DNSSEC/ta.csr" -subj "/CN=ta.$DANE_ZONE" 2>/dev/null
    printf 'subjectAltName = DNS:ta.%s\nextendedKeyUsage = serverAuth\n' "$DANE_ZONE" \
        >"$DNSSEC/ta.ext"
    openssl x509 -req -in "$DNSSEC/ta.csr" -CA "$CERTS/ca.crt" -CAkey "$CERTS/ca.key" \
        -CAcreateserial -CAserial "$DNSSEC/ca.srl" -days 30 -sha256 -extfile "$DNSSEC/ta.ext" \
        -out "$DNSSEC/ta.crt" 2>/dev/null
}

# zone_head ZONE: SOA and NS of a zone whose name server is ns.dane.test.
zone_head() {
    printf '$ORIGIN %s.\n$TTL 300\n' "$1"
    printf '@ IN SOA ns.%s. hostmaster.%s. ( 1 3600 600 86400 60 )\n' "$DANE_ZONE" "$1"
    printf '@ IN NS ns.%s.\n' "$DANE_ZONE"
}

# sign_zone ZONE [ldns-signzone options]: a key for ZONE, ZONE.zone signed into
# ZONE.zone.signed; the key's DS in ZONE.ds.
sign_zone() {
    local zone=$1 key
    shift
    key=$(cd "$DNSSEC" && ldns-keygen -a ECDSAP256SHA256 -k -r /dev/urandom "$zone")
    (cd "$DNSSEC" && ldns-signzone "$@" "$zone.zone" "$key")
    cp "$DNSSEC/$key.ds" "$DNSSEC/$zone.ds"
}

write_dnssec_zones() {
    local spki ca_hash ee_spki c
    spki=$(tlsa_spki_sha256 "$CERTS/server.crt")
    ca_hash=$(tlsa_cert_sha256 "$CERTS/ca.crt")
    ee_spki=$(tlsa_spki_sha256 "$DNSSEC/ee.crt")
    for c in "${DANE_CHILDREN[@]}"; do
        {
            zone_head "$c.$DANE_ZONE"
            printf '@ IN MX 10 mail\nmail IN A 127.0.0.1\n'
            printf '_%s._tcp.mail IN TLSA 3 1 1 %s\n' "$PP_SMTP_PORT" "$spki"
        } >"$DNSSEC/$c.$DANE_ZONE.zone"
    done
    sign_zone "bogus.$DANE_ZONE"
    # A TLSA record changed after signing: its signature no longer verifies.
    sed -i -E "/\\tTLSA\\t/ s/[0-9a-fA-F]{64}\$/$(printf '%064d' 0 | tr 0 b)/" \
        "$DNSSEC/bogus.$DANE_ZONE.zone.signed"
    sign_zone "expired.$DANE_ZONE" -i 20200101000000 -e 20200201000000
    mv "$DNSSEC/unsigned.$DANE_ZONE.zone" "$DNSSEC/unsigned.$DANE_ZONE.zone.signed"
    {
        zone_head "$DANE_ZONE"
        cat <<EOF
@ IN MX 10 mail
ns IN A 127.0.0.1
mail IN A 127.0.0.1
_$PP_SMTP_PORT._tcp.mail IN TLSA 3 1 1 $spki
tamail IN A 127.0.0.1
_$PP_SMTP_PORT._tcp.tamail IN TLSA 2 0 1 $ca_hash
pkix IN A 127.0.0.1
_$PP_SMTP_PORT._tcp.pkix IN TLSA 1 1 1 $spki
_$PP_SMTP_PORT._tcp.pkix IN TLSA 0 0 1 $ca_hash
bad IN A 127.0.0.1
_$PP_SMTP_PORT._tcp.bad IN TLSA 3 1 1 $(printf '%064d' 0 | tr 0 a)
ee IN A 127.0.0.1
_$PP_DANE_EE_PORT._tcp.ee IN TLSA 3 1 1 $ee_spki
ta IN A 127.0.0.1
_$PP_DANE_TA_PORT._tcp.ta IN TLSA 2 0 1 $ca_hash
ta IN MX 10 tamx
tamx IN A 127.0.0.1
_$PP_DANE_TA_PORT._tcp.tamx IN TLSA 2 0 1 $ca_hash
one IN MX 10 mx1.four
slowone IN MX 10 mx1.slow
silent IN MX 10 mx0.silent
mx0.silent IN A 127.0.0.2
_$PP_SMTP_PORT._tcp.mx0.silent IN TLSA 3 1 1 $spki
EOF
        for n in 1 2 3 4; do
            printf 'four IN MX %d mx%d.four\nmx%d.four IN A 127.0.0.1\n' "$((n * 10))" "$n" "$n"
            printf '_%s._tcp.mx%d.four IN TLSA 3 1 1 %s\n' "$PP_SMTP_PORT" "$n" "$spki"
            [ "$n" = 4 ] || printf 'silent IN MX %d mx%d.four\n' "$((n * 10 + 10))" "$n"
            printf 'slow IN MX %d mx%d.slow\nmx%d.slow IN A 127.0.0.%d\n' "$((n * 10))" "$n" \
                "$n" "$((n + 2))"
            printf '_%s._tcp.mx%d.slow IN TLSA 3 1 1 %s\n' "$PP_SMTP_PORT" "$n" "$spki"
        done
        for c in "${DANE_CHILDREN[@]}"; do printf '%s IN NS ns.%s.\n' "$c" "$DANE_ZONE"; done
        cat "$DNSSEC/bogus.$DANE_ZONE.ds" "$DNSSEC/expired.$DANE_ZONE.ds"
    } >"$DNSSEC/$DANE_ZONE.zone"
    sign_zone "$DANE_ZONE"
}

write_unbound_conf() {
    cat >"$DNSSEC/unbound.conf" <<EOF
# unbound of the postprobe test stack (generated by tests/env/stack-dnssec.sh): a validating
# resolver on loopback for $DANE_ZONE, which the stack's nsd serves.
server:
    interface: 127.0.0.1@$PP_UNBOUND_PORT
    port: $PP_UNBOUND_PORT
    do-daemonize: no
    chroot: ""
    username: ""
    directory: "$DNSSEC"
    pidfile: "$DNSSEC/unbound.pid"
    logfile: "$DNSSEC/unbound.log"
    use-syslog: no
    verbosity: 1
    val-log-level: 2
    num-threads: 1
    do-ip6: no
    do-not-query-localhost: no
    access-control: 127.0.0.0/8 allow
    module-config: "validator iterator"
    trust-anchor-file: "$DNSSEC/$DANE_ZONE.ds"
    cache-max-ttl: 0
    # unbound answers .test (RFC 6761) itself unless told not to.
    local-zone: "test." nodefault
stub-zone:
    name: "$DANE_ZONE"
    stub-addr: 127.0.0.1@$PP_DNS_PORT
stub-zone:
    name: "$DOMAIN"
    stub-addr: 127.0.0.1@$PP_DNS_PORT
remote-control:
    control-enable: no
EOF
}

# setup_dnssec: after setup_nsd; the zones go into nsd's configuration too.
setup_dnssec() {
    local z
    mkdir -p "$DNSSEC"
    dnssec_certs
    write_dnssec_zones
    for z in "$DANE_ZONE" "${DANE_CHILDREN[@]/%/.$DANE_ZONE}"; do
        printf 'zone:\n    name: "%s"\n    zonefile: "%s"\n' "$z" "$DNSSEC/$z.zone.signed" \
            >>"$NSD/nsd.conf"
    done
    nsd-checkconf "$NSD/nsd.conf" || die "nsd-checkconf rejected the DNSSEC zones"
    write_unbound_conf
    unbound-checkconf "$DNSSEC/unbound.conf" >/dev/null || die "unbound-checkconf rejected" \
        "$DNSSEC/unbound.conf"
}

# s_server PORT CERT KEY PIDFILE [CHAIN]: a TLS server that answers any handshake, sending
# the certificates of CHAIN after its own (-cert takes only the first of a file).
s_server() {
    setsid openssl s_server -quiet -www -accept "127.0.0.1:$1" -cert "$2" -key "$3" \
        ${5:+-cert_chain "$5"} </dev/null >>"$DNSSEC/s_server.log" 2>&1 &
    echo $! >"$4"
}

start_dnssec() {
    setsid unbound -d -c "$DNSSEC/unbound.conf" </dev/null >>"$DNSSEC/stdio.log" 2>&1 &
    s_server "$PP_DANE_EE_PORT" "$DNSSEC/ee.crt" "$DNSSEC/ee.key" "$DNSSEC/ee.pid"
    s_server "$PP_DANE_TA_PORT" "$DNSSEC/ta.crt" "$DNSSEC/ta.key" "$DNSSEC/ta.pid" \
        "$CERTS/ca.crt"
}

unbound_ok() {
    dig +time=1 +tries=1 @127.0.0.1 -p "$PP_UNBOUND_PORT" "mail.$DANE_ZONE" A 2>/dev/null |
        grep -q 'flags:.* ad'
}

tcp_ok() { timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1' _ "$1" 2>/dev/null; }

dnssec_service_checks() {
    cat <<EOF
unbound:$PP_UNBOUND_PORT|unbound_ok
dane-ee:$PP_DANE_EE_PORT|tcp_ok $PP_DANE_EE_PORT
dane-ta:$PP_DANE_TA_PORT|tcp_ok $PP_DANE_TA_PORT
EOF
}

dnssec_daemons() {
    printf '%s\n' "$DNSSEC/unbound.pid:unbound" "$DNSSEC/ee.pid:openssl" \
        "$DNSSEC/ta.pid:openssl"
}

# dnssec_env: its lines of stack.env (the ports are in TCP_PORT_VARS).
dnssec_env() {
    emit PP_DANE_ZONE "$DANE_ZONE"
    emit PP_DANE_TRUST_ANCHOR "$DNSSEC/$DANE_ZONE.ds"
    emit PP_DANE_EE_CERT "$DNSSEC/ee.crt"
    emit PP_DANE_TA_CERT "$DNSSEC/ta.crt"
}
