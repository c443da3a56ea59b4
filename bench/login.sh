#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/login.sh - check_smtp_login, check_imap_login and check_tls_cert against the
# monitoring-plugins checks people run today, on the same loopback servers, in one run:
#
#   bench/login.sh [BUILD_DIR] [RUNS]        (default build/, 21 runs of each)
#
#   smtp_login_lgn  check_smtp_login -S -A LOGIN       vs  check_smtp -S -A LOGIN -U -P
#   smtp_login_ins  check_smtp_login -S -A LOGIN --insecure (no chain verification, as check_smtp)
#   smtp_login      check_smtp_login -S, the best mechanism offered (SCRAM-SHA-256 on the stack:
#                   4096 PBKDF2 rounds on each side, the price of not sending the password)
#   smtp_cert       check_tls_cert --starttls smtp     vs  check_smtp -S -D 20,15
#   imap_greet      check_imap_login (no login)        vs  check_imap
#   imap_session    check_imap_login -S, AUTH, LIST, STATUS, EXAMINE (more work, no anchor)
#   https_cert      check_tls_cert                     vs  check_curl -S -C 20,15
#   ssl_cert        check_tls_cert --starttls smtp     vs  check_ssl_cert -P smtp
#
# The SMTP and IMAP servers are the test stack's Postfix and Dovecot (tests/env/stack.sh up,
# PP_STACK_DIR); check_curl needs an HTTPS server, so the stack's certificate is also served
# by `openssl s_server -www` on loopback for that pair. monitoring-plugins and
# monitoring-plugins-contrib (check_ssl_cert) are installed here when missing. Prints the
# medians of wall and CPU time (user + system, children included, microsecond resolution:
# bench/pp_rusage.c), the largest peak RSS, and the ratios anchor / ours.
# Targets: wall and CPU no worse than check_smtp's, at least 20x faster than check_ssl_cert,
# peak RSS under 10 MB.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/bench/lib.bash"
BUILD=${1:-$HERE/build}
RUNS=${2:-21}
stack_and_plugins "$BUILD" check_smtp_login check_imap_login check_tls_cert

NP=/usr/lib/nagios/plugins
if [ ! -x $NP/check_smtp ] || [ ! -x $NP/check_curl ] || [ ! -x $NP/check_ssl_cert ]; then
    echo "installing monitoring-plugins and monitoring-plugins-contrib ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends monitoring-plugins-basic \
        monitoring-plugins-standard monitoring-plugins-contrib liburiparser1 bc curl file \
        >/dev/null
fi

W=$(mktemp -d /tmp/bench_login.XXXXXX)
SERVER=
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT
cc -O2 -o "$W/pp_rusage" "$HERE/bench/pp_rusage.c"

HTTPS_PORT=$((PP_SMTP_PORT - 25 + 443)) # the stack's base + 443
openssl s_server -accept "127.0.0.1:$HTTPS_PORT" -cert "$PP_SERVER_CERT" -key "$PP_SERVER_KEY" \
    -cert_chain "$PP_CA_CERT" -www -quiet </dev/null >"$W/s_server.log" 2>&1 &
SERVER=$!
for ((i = 0; i < 100; i++)); do
    [ -n "$(ss -Hlnt "sport = :$HTTPS_PORT")" ] && break
    sleep 0.05
done

H=127.0.0.1
CA=$PP_CA_CERT
TOOLS=(smtp_login smtp_login_lgn smtp_login_ins check_smtp_auth smtp_cert check_smtp_D imap_greet check_imap
       imap_session https_cert check_curl_C ssl_cert check_ssl_cert)
cmd_of() {
    case $1 in
    smtp_login) echo "$PL/check_smtp_login -H $H -p $PP_SUBMISSION_PORT -S --authfile $PP_ALICE_AUTHFILE --cafile $CA" ;;
    smtp_login_lgn) echo "$PL/check_smtp_login -H $H -p $PP_SUBMISSION_PORT -S -A LOGIN --authfile $PP_ALICE_AUTHFILE --cafile $CA" ;;
    smtp_login_ins) echo "$PL/check_smtp_login -H $H -p $PP_SUBMISSION_PORT -S -A LOGIN --authfile $PP_ALICE_AUTHFILE --insecure" ;;
    check_smtp_auth) echo "$NP/check_smtp -H $H -p $PP_SUBMISSION_PORT -S -A LOGIN -U $PP_ALICE_USER -P $PP_ALICE_PASSWORD" ;;
    smtp_cert) echo "$PL/check_tls_cert -H $H -p $PP_SMTP_PORT --starttls smtp --cafile $CA" ;;
    check_smtp_D) echo "$NP/check_smtp -H $H -p $PP_SMTP_PORT -S -D 20,15" ;;
    imap_greet) echo "$PL/check_imap_login -H $H -p $PP_IMAP_PORT" ;;
    check_imap) echo "$NP/check_imap -H $H -p $PP_IMAP_PORT" ;;
    imap_session) echo "$PL/check_imap_login -H $H -p $PP_IMAP_PORT -S --authfile $PP_ALICE_AUTHFILE --cafile $CA" ;;
    https_cert) echo "$PL/check_tls_cert -H $H -p $HTTPS_PORT --cafile $CA" ;;
    check_curl_C) echo "$NP/check_curl -H $H -p $HTTPS_PORT -S -C 20,15" ;;
    ssl_cert) echo "$PL/check_tls_cert -H $H -p $PP_SMTP_PORT --starttls smtp --cafile $CA --hostname $PP_SERVER_NAME" ;;
    check_ssl_cert) echo "$NP/check_ssl_cert -H $H -p $PP_SMTP_PORT -P smtp -r $CA --ignore-sct" ;;
    esac
}

all_pass "${TOOLS[@]}"

# measure TOOL: one run; appends "wall cpu rss" to $W/TOOL.times.
measure() {
    # shellcheck disable=SC2046
    "$W/pp_rusage" $(cmd_of "$1") 2>>"$W/$1.times"
}
runs_of() { [ "$1" = check_ssl_cert ] && echo $(((RUNS + 1) / 3 | 1)) || echo "$RUNS"; }
for ((r = 0; r < RUNS; r++)); do
    for t in "${TOOLS[@]}"; do
        [ "$r" -lt "$(runs_of "$t")" ] && measure "$t"
    done
done

declare -A WALL CPU RSS
for t in "${TOOLS[@]}"; do
    WALL[$t]=$(col_median 1 "$W/$t.times")
    CPU[$t]=$(col_median 2 "$W/$t.times")
    RSS[$t]=$(cut -d' ' -f3 "$W/$t.times" | sort -n | tail -n 1)
done

echo
echo "$RUNS runs each (check_ssl_cert $(runs_of check_ssl_cert)); $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-16s %10s %10s %12s\n' tool wall_ms cpu_ms peak_rss_kb
for t in "${TOOLS[@]}"; do
    awk -v t="$t" -v w="${WALL[$t]}" -v c="${CPU[$t]}" -v r="${RSS[$t]}" \
        'BEGIN { printf "%-16s %10.2f %10.2f %12d\n", t, w * 1000, c * 1000, r }'
done
ratio() { awk -v a="${WALL[$1]}" -v b="${WALL[$2]}" -v c="${CPU[$1]}" -v d="${CPU[$2]}" \
    'BEGIN { printf "%.2fx wall, %.2fx cpu", b / a, d / c }'; }
echo
echo "anchor / ours (above 1: postprobe is faster):"
echo "  check_smtp -S -A LOGIN   / check_smtp_login -A LOGIN:     $(ratio smtp_login_lgn check_smtp_auth)"
echo "  check_smtp -S -A LOGIN   / the same, --insecure:          $(ratio smtp_login_ins check_smtp_auth)"
echo "  check_smtp -S -A LOGIN   / check_smtp_login (SCRAM):      $(ratio smtp_login check_smtp_auth)"
echo "  check_smtp -S -D         / check_tls_cert --starttls smtp: $(ratio smtp_cert check_smtp_D)"
echo "  check_imap               / check_imap_login (greeting):   $(ratio imap_greet check_imap)"
echo "  check_curl -C            / check_tls_cert (HTTPS):         $(ratio https_cert check_curl_C)"
echo "  check_ssl_cert -P smtp   / check_tls_cert --starttls smtp: $(ratio ssl_cert check_ssl_cert)"
max_rss=0
for t in smtp_login smtp_login_lgn smtp_login_ins smtp_cert imap_greet imap_session https_cert ssl_cert; do
    [ "${RSS[$t]}" -gt "$max_rss" ] && max_rss=${RSS[$t]}
done
echo "largest peak RSS of the postprobe checks: $max_rss KB"
