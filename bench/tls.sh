#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/tls.sh - the speed targets of issue 15, in one run against the test stack:
#
#   bench/tls.sh [BUILD_DIR] [RUNS] [OTHER_BUILD_DIR]   (default build/, 21 runs of each)
#
#   mta_sts      check_mta_sts on enforce.sts.postprobe.test: two MX hosts (the stack's
#                Postfix), the policy from `openssl s_server -WWW` on loopback (target: under
#                50 ms wall)
#   mx1, mx4     check_tls_cert --mx --dane on one.dane.test and four.dane.test: one and
#                four MX hosts, all the stack's Postfix (CPU on both sides of four
#                handshakes)
#   slow1, slow4 the same on slowone.dane.test and slow.dane.test, MX hosts behind relays
#                that take 0.3 s to reach Postfix (tests/integration/lib/slow_mx.py), the
#                shape of MX hosts far away (target: four no slower than one by more than 20%)
#   smtp_start   check_smtp_login -V: the start-up cost of a plugin with few libraries
#   cert_start   check_tls_cert --file: the start-up cost of one that can fetch over HTTP
#                (--ocsp-fetch; libcurl is opened only for a fetch, see common/tls/httpsget.c)
#
# With OTHER_BUILD_DIR (another build, main's say), its check_smtp_login and check_tls_cert
# start-ups are measured in the same run, interleaved, as smtp_start_o and cert_start_o.
# Prints the medians of wall and CPU time (bench/pp_rusage.c) and the ratios.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/bench/lib.bash"
BUILD=${1:-$HERE/build}
RUNS=${2:-21}
OTHER=${3:-}
stack_and_plugins "$BUILD" check_smtp_login check_tls_cert check_mta_sts

W=$(mktemp -d /tmp/bench_tls.XXXXXX)
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$W"
}
trap cleanup EXIT
cc -O2 -o "$W/pp_rusage" "$HERE/bench/pp_rusage.c"
listening() {
    local i
    for ((i = 0; i < 100; i++)); do
        [ -n "$(ss -Hlnt "src = $1" "sport = :$2")" ] && return 0
        sleep 0.05
    done
    echo "nothing listens on $1:$2" >&2
    exit 1
}

# The MTA-STS policy of enforce.sts.postprobe.test, with a certificate of the stack's CA.
STS=enforce.sts.$PP_DOMAIN
WEB=$((PP_SMTP_PORT - 25 + 444))
mkdir -p "$W/www/.well-known"
printf 'version: STSv1\nmode: enforce\nmx: *.sts.%s\nmax_age: 604800\n' "$PP_DOMAIN" \
    >"$W/www/.well-known/mta-sts.txt"
openssl req -newkey rsa:2048 -nodes -subj "/CN=mta-sts.$STS" -keyout "$W/web.key" \
    -out "$W/web.csr" 2>/dev/null
printf 'subjectAltName=DNS:mta-sts.%s\nextendedKeyUsage=serverAuth\n' "$STS" >"$W/web.ext"
openssl x509 -req -in "$W/web.csr" -CA "$PP_CA_CERT" -CAkey "$PP_CA_KEY" -CAcreateserial \
    -CAserial "$W/ca.srl" -days 2 -sha256 -extfile "$W/web.ext" -out "$W/web.crt" 2>/dev/null
cd "$W/www" # s_server -WWW serves the files of its working directory
openssl s_server -quiet -WWW -accept "127.0.0.1:$WEB" -cert "$W/web.crt" -key "$W/web.key" \
    -cert_chain "$PP_CA_CERT" </dev/null >"$W/s_server.log" 2>&1 &
PIDS+=($!)
cd "$HERE"
listening 127.0.0.1 "$WEB"
python3 "$HERE/tests/integration/lib/slow_mx.py" "$PP_SMTP_PORT" "$PP_SMTP_PORT" 0.3 \
    slow:127.0.0.3 slow:127.0.0.4 slow:127.0.0.5 slow:127.0.0.6 &
PIDS+=($!)
for a in 3 4 5 6; do listening "127.0.0.$a" "$PP_SMTP_PORT"; done

TOOLS=(mta_sts mx1 mx4 slow1 slow4 smtp_start cert_start)
[ -z "$OTHER" ] || TOOLS+=(smtp_start_o cert_start_o)
DANE="-p $PP_SMTP_PORT --cafile $PP_CA_CERT --dane -s 127.0.0.1:$PP_DNS_PORT \
--trust-anchor $PP_DANE_TRUST_ANCHOR"
cmd_of() {
    case $1 in
    mta_sts) echo "$PL/check_mta_sts -D $STS -s 127.0.0.1:$PP_DNS_PORT --cafile $PP_CA_CERT \
-p $PP_SMTP_PORT --connect-to mta-sts.$STS:443:127.0.0.1:$WEB" ;;
    mx1) echo "$PL/check_tls_cert --mx one.$PP_DANE_ZONE $DANE" ;;
    mx4) echo "$PL/check_tls_cert --mx four.$PP_DANE_ZONE $DANE" ;;
    slow1) echo "$PL/check_tls_cert --mx slowone.$PP_DANE_ZONE $DANE" ;;
    slow4) echo "$PL/check_tls_cert --mx slow.$PP_DANE_ZONE $DANE" ;;
    smtp_start) echo "$PL/check_smtp_login -V" ;;
    cert_start) echo "$PL/check_tls_cert --file $PP_SERVER_CHAIN --cafile $PP_CA_CERT" ;;
    smtp_start_o) echo "$OTHER/plugins/check_smtp_login -V" ;;
    cert_start_o) echo "$OTHER/plugins/check_tls_cert --file $PP_SERVER_CHAIN --cafile $PP_CA_CERT" ;;
    esac
}

all_pass "${TOOLS[@]}"
for ((r = 0; r < RUNS; r++)); do
    for t in "${TOOLS[@]}"; do
        # shellcheck disable=SC2046
        "$W/pp_rusage" $(cmd_of "$t") 2>>"$W/$t.times"
    done
done

declare -A WALL CPU
echo "$RUNS runs each, interleaved; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-14s %10s %10s\n' tool wall_ms cpu_ms
for t in "${TOOLS[@]}"; do
    WALL[$t]=$(col_median 1 "$W/$t.times")
    CPU[$t]=$(col_median 2 "$W/$t.times")
    awk -v t="$t" -v w="${WALL[$t]}" -v c="${CPU[$t]}" \
        'BEGIN { printf "%-14s %10.2f %10.2f\n", t, w * 1000, c * 1000 }'
done
ratio() { awk -v a="${WALL[$1]}" -v b="${WALL[$2]}" -v c="${CPU[$1]}" -v d="${CPU[$2]}" \
    'BEGIN { printf "%.2fx wall, %.2fx cpu", a / b, c / d }'; }
echo
echo "check_tls_cert --mx --dane, four hosts / one host:  $(ratio mx4 mx1)"
echo "the same, hosts 0.3 s away (target 1.2x wall):     $(ratio slow4 slow1)"
if [ -n "$OTHER" ]; then
    echo "start-up, this build / the other: check_smtp_login $(ratio smtp_start smtp_start_o)"
    echo "                                  check_tls_cert   $(ratio cert_start cert_start_o)"
fi
