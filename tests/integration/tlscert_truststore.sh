#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tlscert_truststore.sh - without --cafile, certificates are verified against OpenSSL's default
# places, the hashed directory AND the bundle file, each moved by SSL_CERT_DIR/SSL_CERT_FILE.
# RHEL and Fedora have the bundle file only: loading the directory alone failed every
# verification there. That system is played in a private mount namespace (unshare -m): an
# empty hashed directory (SSL_CERT_DIR) and the stack's CA bind-mounted over the file behind
# OpenSSL's default bundle path, with no SSL_CERT_FILE set. check_tls_cert and
# check_smtp_login (the two users of the trust store) must verify the stack's certificate.
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/common.bash"

TLS=$PP_BUILD_DIR/plugins/check_tls_cert
EMPTY=$(mktemp -d /tmp/pp-truststore.XXXXXX)
trap 'rm -rf "$EMPTY"' EXIT
OPENSSLDIR=$(openssl version -d | sed 's/^OPENSSLDIR: "\(.*\)"$/\1/')
BUNDLE=$(realpath "$OPENSSLDIR/cert.pem")

run env -u SSL_CERT_FILE SSL_CERT_DIR="$EMPTY" \
    "$TLS" -H 127.0.0.1 -p "$PP_SMTPS_PORT" --hostname "$PP_SERVER_NAME"
check "the stack's CA in no trusted place: not verified" all_of "rc_is 2" \
    'out_has "not verified"'

run env SSL_CERT_DIR="$EMPTY" SSL_CERT_FILE="$PP_CA_CERT" \
    "$TLS" -H 127.0.0.1 -p "$PP_SMTPS_PORT" --hostname "$PP_SERVER_NAME"
check "SSL_CERT_FILE names the bundle, the directory is empty: verified" all_of "rc_is 0" \
    'out_has "chain of 2 verified up to CN=postprobe test CA"'

# in_bundle_only_system CMD...: CMD where OpenSSL's default bundle file holds the stack's CA
# only and its hashed directory is empty (a RHEL/Fedora layout), SSL_CERT_FILE unset.
in_bundle_only_system() {
    unshare -m --propagation private sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' \
        sh "$PP_CA_CERT" "$BUNDLE" env -u SSL_CERT_FILE SSL_CERT_DIR="$EMPTY" "$@"
}
run in_bundle_only_system cat "$BUNDLE"
check "the bundle-only system can be played (root, unshare -m)" \
    all_of "rc_is 0" '[ "$OUT" = "$(cat "$PP_CA_CERT")" ]'
run in_bundle_only_system "$TLS" -H 127.0.0.1 -p "$PP_SMTPS_PORT" --hostname "$PP_SERVER_NAME"
check "check_tls_cert: the default bundle file is used" all_of "rc_is 0" \
    'out_has "chain of 2 verified up to CN=postprobe test CA"'
run in_bundle_only_system "$PP_BUILD_DIR/plugins/check_smtp_login" -H 127.0.0.1 \
    -p "$PP_SMTPS_PORT" -s
check "check_smtp_login -s: the default bundle file is used" all_of "rc_is 0"
run cat "$BUNDLE"
check "outside the namespace the system's bundle is untouched" \
    all_of '[ "$OUT" != "$(cat "$PP_CA_CERT")" ]'
finish
