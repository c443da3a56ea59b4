#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# install-deps.sh - install, idempotently and without questions, what postprobe needs to build
# and what its loopback test stack runs (Postfix, Dovecot, nsd, snmpd).
#
# Postfix is preseeded to "No configuration" so the package never writes a working system
# /etc/postfix/main.cf or starts anything; the test stack runs its own private instance.
# Postfix goes in before anything that could pull another MTA through bsd-mailx.
set -euo pipefail

build_pkgs=(build-essential cmake pkg-config libpcre2-dev libdb-dev
            libsnmp-dev libssl-dev liblmdb-dev libcmocka-dev help2man zlib1g-dev libicu-dev
            libidn-dev libsystemd-dev libcurl4-openssl-dev libunbound-dev)
# The tests: clang and libFuzzer (tests/fuzz/run.sh), valgrind (valgrind_plugins), jq and
# python3 (JSON checks in the integration scripts), stress-ng (the loaded runs of tests/README.md),
# systemd-journal-remote (journal files written by systemd's own tools for log_journal).
check_pkgs=(clang libclang-rt-dev valgrind jq python3 stress-ng systemd-journal-remote)
stack_pkgs=(postfix postfix-lmdb postfix-pcre postfix-cdb dovecot-imapd dovecot-pop3d
            dovecot-lmtpd nsd snmpd snmp db5.3-util lmdb-utils openssl ldnsutils bind9-dnsutils swaks
            unbound dns-root-data
            libnet-ssleay-perl curl iproute2 procps pflogsumm lighttpd lighttpd-mod-openssl)
# The monitoring side the nagios-cfg/ tests run: config checks, NRPE, sudo for its lines; the
# Debian package's build and checks (package_deb: dpkg-buildpackage, lintian, hardening-check).
monitor_pkgs=(nagios4-core icinga2-bin nagios-nrpe-server nagios-nrpe-plugin sudo prometheus
              prometheus-node-exporter
              debhelper devscripts lintian fakeroot)

missing=()
for p in "${build_pkgs[@]}" "${check_pkgs[@]}" "${stack_pkgs[@]}" "${monitor_pkgs[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
echo "postfix postfix/mailname string postprobe.test" | $sudo debconf-set-selections
$sudo apt-get update -qq
# postfix first, alone, so nothing drags in another MTA.
for p in "${missing[@]}"; do
    if [ "$p" = postfix ]; then
        $sudo apt-get install -y -qq --no-install-recommends postfix >/dev/null
    fi
done
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: installed ${missing[*]}"
